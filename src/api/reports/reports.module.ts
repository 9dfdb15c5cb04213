import { Module } from '@nestjs/common';
import { IncidentReportService } from './incident-report.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ controllers: [ReportsController], providers: [ReportsService, IncidentReportService] })
export class ReportsModule {}
