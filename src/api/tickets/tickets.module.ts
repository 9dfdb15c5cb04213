import { Module } from '@nestjs/common';
import { TicketsController } from './tickets.controller';
import { TicketListService } from './ticket-list.service';
import { TicketsService } from './tickets.service';
import { CaseClient } from '../cases/case-client';
import { TicketReads } from '../../persistence/read/ticket-reads';

@Module({ controllers: [TicketsController], providers: [TicketsService, TicketListService, CaseClient, TicketReads], exports: [TicketsService] })
export class TicketsModule {}
