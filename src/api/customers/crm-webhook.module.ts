import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { CrmWebhookController } from './crm-webhook.controller';
import { CrmWebhookService } from './crm-webhook.service';

/** Changes made in the CRM, turned into the same ticket updates the API sends (issue 16 §3). */
@Module({ imports: [TicketsModule], controllers: [CrmWebhookController], providers: [CrmWebhookService] })
export class CrmWebhookModule {}
