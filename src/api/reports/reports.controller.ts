import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IncidentReportService } from './incident-report.service';
import { brandFilterFor } from '../auth/case-scope';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { ApiProblems } from '../problem/api-problems';
import { ReportPeriodQuery } from './report-period.dto';
import { IncidentWeekReportResponse, KpiReportResponse, RetentionReportResponse, SlaReportResponse } from './report.response';
import { ReportsService } from './reports.service';
import { RetentionReportService } from './retention-report.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly incidentReports: IncidentReportService,
    private readonly retentionReports: RetentionReportService,
  ) {}

  @Get('incidents')
  @Operation('reports.incidents')
  @ApiOperation({ summary: 'Weekly escalation adherence: time to acknowledge / mitigate, share within SLA, pages, escalations, P1 reviews' })
  @ApiQuery({ name: 'week', required: false, example: '2026-W48', description: 'ISO week; default the current one' })
  @ApiQuery({ name: 'brand', required: false })
  @ApiOkResponse({ type: IncidentWeekReportResponse })
  @ApiProblems([400, 'Not an ISO week, or a brand no policy pack knows'])
  incidents(@CurrentPrincipal() caller: Principal, @Query('week') week?: string, @Query('brand', KnownPolicyFilters) brand?: string) {
    return this.incidentReports.weekly(week, brandFilterFor(caller, brand));
  }

  @Get('sla')
  @Operation('reports.sla')
  @ApiOperation({ summary: 'SLA compliance per brand, priority and metric; tickets at risk now; queue depth' })
  @ApiOkResponse({ type: SlaReportResponse })
  @ApiProblems([400, 'A period that ends before it starts or spans over 366 days, or a brand no policy pack knows'])
  sla(@Query(KnownPolicyFilters) q: ReportPeriodQuery, @CurrentPrincipal() caller: Principal) {
    return this.reports.sla(this.reports.period({ ...q, brand: brandFilterFor(caller, q.brand) }));
  }

  @Get('retention')
  @Operation('reports.retention')
  @ApiOperation({ summary: 'What the daily retention purge deleted, run by run and per case kind (counts only), and the retention in force' })
  @ApiQuery({ name: 'limit', required: false, example: 30, description: 'How many runs, newest first (1–365, default 30)' })
  @ApiOkResponse({ type: RetentionReportResponse })
  @ApiProblems([400, 'A limit outside 1–365'])
  retention(@Query('limit') limit?: string) {
    return this.retentionReports.report(limit);
  }

  @Get('kpis')
  @Operation('reports.kpis')
  @ApiOperation({ summary: 'CSAT, first-contact resolution, response and resolution times, average handle time per brand, channel and agent, SLA credits owed' })
  @ApiOkResponse({ type: KpiReportResponse })
  @ApiProblems([400, 'A period that ends before it starts or spans over 366 days, or a brand no policy pack knows'])
  kpis(@Query(KnownPolicyFilters) q: ReportPeriodQuery, @CurrentPrincipal() caller: Principal) {
    return this.reports.kpis(this.reports.period({ ...q, brand: brandFilterFor(caller, q.brand) }));
  }
}
