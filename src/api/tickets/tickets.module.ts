import { Module } from '@nestjs/common';
import { TicketsController } from './tickets.controller';
import { TicketListService } from './ticket-list.service';
import { TicketsService } from './tickets.service';

@Module({ controllers: [TicketsController], providers: [TicketsService, TicketListService] })
export class TicketsModule {}
