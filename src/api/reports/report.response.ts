import { ApiProperty } from '@nestjs/swagger';

const OBJECT = { type: 'object', additionalProperties: true } as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'number' } } as const;

class ReportPeriodResponse {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ nullable: true, type: String }) brand: string | null;
}

class ComplianceRowResponse {
  @ApiProperty() brand: string;
  @ApiProperty() priority: string;
  @ApiProperty({ example: 'firstResponse' }) metric: string;
  @ApiProperty() met: number;
  @ApiProperty() breached: number;
  @ApiProperty() total: number;
  @ApiProperty({ nullable: true, type: Number, description: 'met / total, 4 decimals' }) compliance: number | null;
}

export class SlaReportResponse {
  @ApiProperty({ type: ReportPeriodResponse }) period: ReportPeriodResponse;
  @ApiProperty({ type: [ComplianceRowResponse], description: 'Per brand, priority and metric, over the tickets opened in the period' }) compliance: ComplianceRowResponse[];
  @ApiProperty({ ...COUNTS, description: 'Tickets at risk now, per brand' }) atRiskNow: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: COUNTS, description: 'Open tickets per brand and status' }) queueDepth: Record<string, Record<string, number>>;
}

class CsatKpiResponse {
  @ApiProperty() responses: number;
  @ApiProperty({ nullable: true, type: Number }) meanScore: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Share of scores 4–5' }) satisfiedShare: number | null;
}

class FirstContactResolutionResponse {
  @ApiProperty() resolved: number;
  @ApiProperty({ nullable: true, type: Number }) share: number | null;
}

class AhtByChannelResponse {
  @ApiProperty({ example: 'uoozee' }) brand: string;
  @ApiProperty({ example: 'phone' }) channel: string;
  @ApiProperty() resolved: number;
  @ApiProperty({ description: 'Resolved tickets with any handle time logged' }) loggedTickets: number;
  @ApiProperty({ nullable: true, type: Number }) seconds: number | null;
}

class AhtByAgentResponse {
  @ApiProperty({ example: 'ann', description: 'The actor who logged the time (key name or signed-in person)' }) agent: string;
  @ApiProperty({ description: 'Resolved tickets the agent logged time on' }) tickets: number;
  @ApiProperty() handleSeconds: number;
  @ApiProperty({ nullable: true, type: Number, description: 'handleSeconds / tickets' }) seconds: number | null;
}

class AverageHandleTimeResponse {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: "Agents' logged working time (handleSeconds on replies and steps) on the resolved tickets, over those tickets; as the monthly report counts it. Null: none resolved",
  })
  seconds: number | null;
  @ApiProperty() resolved: number;
  @ApiProperty({ description: 'Resolved tickets with any handle time logged: how much of the work was logged' }) loggedTickets: number;
  @ApiProperty() handleSeconds: number;
  @ApiProperty({ type: [AhtByChannelResponse] }) byChannel: AhtByChannelResponse[];
  @ApiProperty({ type: [AhtByAgentResponse], description: 'Per agent: their logged time over the resolved tickets they logged time on' }) byAgent: AhtByAgentResponse[];
}

class CreditsOwedResponse {
  @ApiProperty() currency: string;
  @ApiProperty() amountMinor: number;
  @ApiProperty() credits: number;
}

export class KpiReportResponse {
  @ApiProperty({ type: ReportPeriodResponse }) period: ReportPeriodResponse;
  @ApiProperty({ type: CsatKpiResponse }) csat: CsatKpiResponse;
  @ApiProperty({ type: FirstContactResolutionResponse }) firstContactResolution: FirstContactResolutionResponse;
  @ApiProperty({ nullable: true, type: Number }) meanFirstResponseSeconds: number | null;
  @ApiProperty({ nullable: true, type: Number }) meanTimeToResolutionSeconds: number | null;
  @ApiProperty({ type: AverageHandleTimeResponse }) averageHandleTime: AverageHandleTimeResponse;
  @ApiProperty({ type: [CreditsOwedResponse] }) slaCreditsOwed: CreditsOwedResponse[];
}

class DurationStatsResponse {
  @ApiProperty({ nullable: true, type: Number }) median: number | null;
  @ApiProperty({ nullable: true, type: Number }) mean: number | null;
  @ApiProperty() n: number;
}

class WithinSlaShareResponse {
  @ApiProperty() met: number;
  @ApiProperty() breached: number;
  @ApiProperty({ nullable: true, type: Number }) share: number | null;
}

class WithinSlaResponse {
  @ApiProperty({ type: WithinSlaShareResponse }) acknowledgement: WithinSlaShareResponse;
  @ApiProperty({ type: WithinSlaShareResponse }) mitigation: WithinSlaShareResponse;
  @ApiProperty({ type: WithinSlaShareResponse }) resolution: WithinSlaShareResponse;
}

class ReviewCountsResponse {
  @ApiProperty() due: number;
  @ApiProperty() submitted: number;
  @ApiProperty() onTime: number;
}

export class IncidentWeekReportResponse {
  @ApiProperty({ example: '2026-W48' }) week: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ nullable: true, type: String }) brand: string | null;
  @ApiProperty({ description: 'Incidents opened in the week' }) incidents: number;
  @ApiProperty(COUNTS) byPriority: Record<string, number>;
  @ApiProperty({ type: DurationStatsResponse }) timeToAcknowledgeSeconds: DurationStatsResponse;
  @ApiProperty({ type: DurationStatsResponse }) timeToMitigateSeconds: DurationStatsResponse;
  @ApiProperty({ type: WithinSlaResponse }) withinSla: WithinSlaResponse;
  @ApiProperty() pagesSent: number;
  @ApiProperty() escalations: number;
  @ApiProperty({ type: ReviewCountsResponse, description: 'P1 post-incident reviews' }) reviews: ReviewCountsResponse;
}

class AccessLogRetentionResponse {
  @ApiProperty() retentionMonths: number;
  @ApiProperty({ description: 'ACCESS_LOG_RETENTION_MONTHS is set (else: the longest case retention)' }) configured: boolean;
}

class RetentionRunResponse {
  @ApiProperty() runId: string;
  @ApiProperty() asOf: string;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while the run goes' }) finishedAt: string | null;
  @ApiProperty({ ...OBJECT, description: 'Counts deleted' }) total: unknown;
  @ApiProperty({ type: 'object', additionalProperties: OBJECT, description: 'Counts deleted per case kind' }) byKind: Record<string, unknown>;
  @ApiProperty({ ...OBJECT, nullable: true }) accessLog: unknown;
}

export class RetentionReportResponse {
  @ApiProperty({ type: 'object', additionalProperties: OBJECT, description: 'Months per brand and plan, as the packs say now' }) policies: Record<string, unknown>;
  @ApiProperty({ type: AccessLogRetentionResponse }) accessLog: AccessLogRetentionResponse;
  @ApiProperty({ type: [RetentionRunResponse], description: 'Newest first' }) runs: RetentionRunResponse[];
}
