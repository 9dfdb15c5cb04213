import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IncidentReportService } from './incident-report.service';
import { Roles } from '../auth/roles.decorator';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { ReportPeriodQuery } from './report-period.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
@Roles('agent', 'sre')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly incidentReports: IncidentReportService,
  ) {}

  @Get('incidents')
  @ApiOperation({ summary: 'Weekly escalation adherence: time to acknowledge / mitigate, share within SLA, pages, escalations, P1 reviews' })
  @ApiQuery({ name: 'week', required: false, example: '2026-W48', description: 'ISO week; default the current one' })
  @ApiQuery({ name: 'brand', required: false })
  incidents(@Query('week') week?: string, @Query('brand', KnownPolicyFilters) brand?: string) {
    return this.incidentReports.weekly(week, brand);
  }

  @Get('sla')
  @ApiOperation({ summary: 'SLA compliance per brand, priority and metric; tickets at risk now; queue depth' })
  sla(@Query(KnownPolicyFilters) q: ReportPeriodQuery) {
    return this.reports.sla(this.reports.period(q));
  }

  @Get('kpis')
  @ApiOperation({ summary: 'CSAT, first-contact resolution, response and resolution times, SLA credits owed' })
  kpis(@Query(KnownPolicyFilters) q: ReportPeriodQuery) {
    return this.reports.kpis(this.reports.period(q));
  }
}
