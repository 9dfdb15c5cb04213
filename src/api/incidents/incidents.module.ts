import { Module } from '@nestjs/common';
import { AlertsController } from './alerts.controller';
import { IncidentsController, OnCallController } from './incidents.controller';
import { IncidentsService } from './incidents.service';
import { StatusController } from './status.controller';

@Module({ controllers: [AlertsController, IncidentsController, OnCallController, StatusController], providers: [IncidentsService] })
export class IncidentsModule {}
