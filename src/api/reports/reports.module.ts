import { Module } from '@nestjs/common';
import { IncidentReportService } from './incident-report.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { RetentionReportService } from './retention-report.service';

@Module({ controllers: [ReportsController], providers: [ReportsService, IncidentReportService, RetentionReportService] })
export class ReportsModule {}
