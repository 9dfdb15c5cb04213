import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ESCALATION_LEVELS, SLA_CLOCK_KINDS, SLA_METRICS, type SlaClockKind, type SlaMetric } from '../../domain/policy/policy.schema';
import type { PauseReason, SlaClockState } from '../../domain/sla/clock';
import type { NeedsAttentionReason, NeedsAttentionView } from '../../workflows/common/needs-attention';
import type { EscalationView, SlaMetricView } from '../../workflows/ticket/messages';

/**
 * Parts of the case views that tickets and incidents share. Each class `implements` the view it
 * documents, so a field added to the view without its documentation fails to compile.
 */
export class SlaMetricResponse implements SlaMetricView {
  @ApiProperty({ enum: SLA_METRICS }) metric: SlaMetric;
  @ApiProperty({ description: 'Which cycle of the metric (a reopened ticket starts a new resolution cycle)' }) cycle: number;
  @ApiProperty({ enum: ['running', 'paused', 'met', 'breached'] }) state: SlaClockState;
  @ApiPropertyOptional({ enum: SLA_CLOCK_KINDS, description: "The time the target counts: the coverage calendar's business hours, or elapsed (calendar) time. Absent on views stored before targets had clocks: business" })
  clock?: SlaClockKind;
  @ApiProperty({ description: "The target, in seconds of the clock's time (business or elapsed)" }) targetSeconds: number;
  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' }) startedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while paused' }) deadlineAt: string | null;
  @ApiProperty({ description: "Time left in the window on the clock's time (0 once met or breached)" }) remainingSeconds: number;
  @ApiProperty() elapsedSeconds: number;
  @ApiProperty({ nullable: true, enum: ['pending_customer', 'pending_vendor'] }) pauseReason: PauseReason | null;
  @ApiProperty({ nullable: true, type: String }) atRiskSince: string | null;
  @ApiProperty({ nullable: true, type: String }) fulfilledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) breachedAt: string | null;
}

export class EscalationResponse implements EscalationView {
  @ApiProperty({ enum: SLA_METRICS }) metric: SlaMetric;
  @ApiProperty() cycle: number;
  @ApiProperty({ enum: ESCALATION_LEVELS }) level: EscalationView['level'];
  @ApiProperty() dueAt: string;
  @ApiProperty({ enum: ['scheduled', 'notified', 'cancelled'] }) state: EscalationView['state'];
}

/** A case whose record was refused for good (README "Cases that need attention"): codes, never the refused text. */
export class NeedsAttentionResponse implements NeedsAttentionView {
  @ApiProperty({ enum: ['record_refused', 'card_data_refused', 'record_retries_exhausted'] }) reason: NeedsAttentionReason;
  @ApiProperty() since: string;
  @ApiProperty({ description: 'The transition whose record failed first (an event type)', example: 'opened' }) step: string;
  @ApiProperty({ nullable: true, type: String, description: "PostgreSQL's SQLSTATE, when the database refused the record" }) sqlstate: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Where in the record the unstorable value sits (keys only)' }) field: string | null;
  @ApiProperty({ description: 'Records that failed since the case was flagged' }) failedRecords: number;
}

/** One step of a case's history, as the events endpoints list it. */
export class CaseEventResponse {
  @ApiProperty({ example: 'assigned' }) type: string;
  @ApiProperty({ example: 'desk-ann' }) actor: string;
  @ApiProperty() occurredAt: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "The case's number for the change (the order it applied them)" }) seq?: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the step recorded (its own fields per type)' }) data: unknown;
}

export class CaseEventsResponse {
  @ApiProperty({ type: [CaseEventResponse] }) items: CaseEventResponse[];
}

/** A case's events, paged by cursor (billing cases). */
export class CaseEventsPageResponse extends CaseEventsResponse {
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}
