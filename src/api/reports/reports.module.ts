import { Module } from '@nestjs/common';
import { IncidentReportService } from './incident-report.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { RetentionReportService } from './retention-report.service';
import { StoredReportsController } from './stored-reports.controller';
import { StoredReportsService } from './stored-reports.service';

@Module({ controllers: [ReportsController, StoredReportsController], providers: [ReportsService, IncidentReportService, RetentionReportService, StoredReportsService] })
export class ReportsModule {}
