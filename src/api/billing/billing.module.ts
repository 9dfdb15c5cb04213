import { Module } from '@nestjs/common';
import { BillingReads } from '../../persistence/read/billing-reads';
import { SlaCreditReads } from '../../persistence/read/sla-credit-reads';
import { CaseClient } from '../cases/case-client';
import { BillingWebhookController, DisputesController, RefundsController } from './billing.controller';
import { BillingService } from './billing.service';
import { DunningController } from './dunning.controller';
import { DunningService } from './dunning.service';
import { SlaCreditsController } from './sla-credits.controller';
import { SlaCreditsService } from './sla-credits.service';

@Module({
  controllers: [RefundsController, DisputesController, DunningController, SlaCreditsController, BillingWebhookController],
  providers: [BillingService, DunningService, SlaCreditsService, CaseClient, BillingReads, SlaCreditReads],
})
export class BillingModule {}
