import { Module } from '@nestjs/common';
import { AccountRecords } from '../../persistence/read/account-records';
import { AccountBackfillService } from './account-backfill.service';
import { AccountSlaController } from './account-sla.controller';
import { AccountSlaService } from './account-sla.service';
import { AccountsController } from './accounts.controller';
import { ApiKeysController } from './api-keys.controller';
import { TicketAdoptionService } from './ticket-adoption.service';

/** Customer accounts and the backfill that moves keys and tickets made before them onto them (issue 12). */
@Module({
  controllers: [AccountsController, ApiKeysController, AccountSlaController],
  providers: [AccountBackfillService, TicketAdoptionService, AccountRecords, AccountSlaService],
})
export class AccountsModule {}
