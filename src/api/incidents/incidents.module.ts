import { Module } from '@nestjs/common';
import { IncidentReads, OnCallConfig, TicketReads } from '../../persistence/read';
import { CaseClient } from '../cases/case-client';
import { AlertsController } from './alerts.controller';
import { IncidentsController, OnCallController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { StatusController } from './status.controller';

@Module({
  controllers: [AlertsController, IncidentsController, OnCallController, StatusController],
  providers: [IncidentsService, CaseClient, IncidentReads, TicketReads, OnCallConfig],
})
export class IncidentsModule {}
