import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_STATUSES, ROOT_CAUSE_CATEGORIES, type IncidentStatus } from '../../domain/incident/incident';
import type { IncidentMetric } from '../../domain/incident/incident-policy';
import type { EngagementView, IncidentNoteView, IncidentView, PageView } from '../../workflows/incident/messages';
import { NeedsAttentionResponse, SlaMetricResponse } from '../common/case-parts.response';
import type { PublicIncident } from './status.controller';

/** The current clock of each incident metric. */
export class IncidentSlaResponse implements Partial<Record<IncidentMetric, SlaMetricResponse>> {
  @ApiPropertyOptional({ type: SlaMetricResponse }) firstResponse?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse }) mitigation?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse }) resolution?: SlaMetricResponse;
}

export class PagerAnswerResponse {
  @ApiProperty({ example: 'success' }) status: string;
  @ApiProperty() dedupKey: string;
  @ApiProperty() message: string;
  @ApiProperty({ example: 'pagerduty' }) pager: string;
  @ApiProperty({ type: [String] }) paged: string[];
}

/** One page of the escalation policy: when it is due, whom it goes to, what the pager answered. */
export class PageResponse implements PageView {
  @ApiProperty() step: number;
  @ApiProperty() level: number;
  @ApiProperty() loop: number;
  @ApiProperty({ type: [String] }) targets: string[];
  @ApiProperty() dueAt: string;
  @ApiProperty({ enum: ['scheduled', 'sent', 'cancelled'] }) state: PageView['state'];
  @ApiProperty() dedupKey: string;
  @ApiProperty({ nullable: true, type: PagerAnswerResponse, description: 'A 202 from the pager is not proof a person saw it' }) response: PagerAnswerResponse | null;
  @ApiProperty({ nullable: true, type: String }) sentAt: string | null;
}

/** A level engaged by timer from the opening, whatever Level 1 does (VIVtone: Level 2 within 4 h of an S1; Level 3 for enterprise). */
export class EngagementResponse implements EngagementView {
  @ApiProperty({ example: 2 }) level: number;
  @ApiProperty({ type: [String], example: ['rotation:support-l2'] }) targets: string[];
  @ApiProperty({ description: 'Engaged at the latest: the opening plus the pack\'s `within`, on the incident\'s coverage' }) dueAt: string;
  @ApiProperty({ enum: ['scheduled', 'engaged', 'cancelled'] }) state: EngagementView['state'];
  @ApiProperty({ example: 'incident-01jd8k9d3v4m2q7w5x6y8z0a1b:engage:L2', description: 'The idempotency key the page carries' }) dedupKey: string;
  @ApiProperty({ nullable: true, enum: ['timer', 'ladder'], description: 'timer: its own page at dueAt; ladder: the escalation ladder paged the same targets first' }) via: EngagementView['via'];
  @ApiProperty({ nullable: true, type: String }) engagedAt: string | null;
  @ApiProperty({ nullable: true, type: PagerAnswerResponse }) response: PagerAnswerResponse | null;
}

export class IncidentNoteViewResponse implements IncidentNoteView {
  @ApiProperty() actor: string;
  @ApiProperty({ description: 'Cut to 500 characters when longer (then truncated is true)' }) text: string;
  @ApiProperty() at: string;
  @ApiPropertyOptional() truncated?: boolean;
}

class ReviewImpactResponse {
  @ApiProperty() minutes: number;
  @ApiProperty() affectedUsers: number;
}
class CorrectiveActionResponse {
  @ApiProperty() action: string;
  @ApiProperty() owner: string;
  @ApiProperty({ example: '2026-12-31' }) due: string;
}
class CostImpactResponse {
  @ApiProperty({ description: 'Minor units' }) amountMinor: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

export class PostIncidentReviewResponse {
  @ApiProperty() summary: string;
  @ApiProperty({ enum: ROOT_CAUSE_CATEGORIES }) rootCauseCategory: (typeof ROOT_CAUSE_CATEGORIES)[number];
  @ApiProperty({ type: ReviewImpactResponse }) impact: ReviewImpactResponse;
  @ApiProperty({ type: [CorrectiveActionResponse] }) correctiveActions: CorrectiveActionResponse[];
  @ApiProperty({ type: CostImpactResponse }) costImpact: CostImpactResponse;
  @ApiProperty() by: string;
  @ApiProperty() at: string;
}

/** An incident as GET /v1/incidents/:id and every incident action answer it (the workflow's view). */
export class IncidentResponse implements IncidentView {
  @ApiProperty({ example: 'incident-01jd8k9d3v4m2q7w5x6y8z0a1b' }) id: string;
  @ApiProperty() brand: string;
  @ApiProperty({ example: 'P1' }) priority: string;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) impact: string | null;
  @ApiProperty({ type: [String] }) services: string[];
  @ApiProperty({ enum: ['alert', 'manual'] }) source: IncidentView['source'];
  @ApiProperty({ nullable: true, type: String, description: 'The alert signature that opened it' }) fingerprint: string | null;
  @ApiProperty() alertCount: number;
  @ApiProperty({ nullable: true, type: String }) lastAlertAt: string | null;
  @ApiProperty() policyVersion: string;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) mitigatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty() slaBreached: boolean;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineAt: string | null;
  @ApiProperty({ type: IncidentSlaResponse }) sla: Partial<Record<IncidentMetric, SlaMetricResponse>>;
  @ApiProperty({ type: [PageResponse] }) pages: PageResponse[];
  @ApiPropertyOptional({ description: 'Affects an enterprise customer' }) enterprise?: boolean;
  @ApiPropertyOptional({ type: [EngagementResponse], description: 'Levels engaged by timer from the opening' }) engagements?: EngagementResponse[];
  @ApiProperty({ type: [IncidentNoteViewResponse], description: 'The last 20 notes, oldest first, each cut to 500 characters; all of them: GET /v1/incidents/:id/notes' })
  notes: IncidentNoteViewResponse[];
  @ApiPropertyOptional({ description: 'How many notes the incident has in all' }) notesTotal?: number;
  @ApiProperty({ type: [String], description: 'Ticket IDs told when the incident resolves' }) linkedTickets: string[];
  @ApiProperty({ nullable: true, type: PostIncidentReviewResponse }) review: IncidentView['review'];
  @ApiProperty({ nullable: true, type: String, description: 'P1s: when the post-incident review is due' }) reviewDueAt: string | null;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

export class IncidentListResponse {
  @ApiProperty({ type: [IncidentResponse] }) items: IncidentResponse[];
}

export class RotationResponse {
  @ApiProperty({ example: 'sre-primary' }) name: string;
  @ApiProperty({ type: [String] }) participants: string[];
  @ApiProperty() startsAt: string;
  @ApiProperty({ description: 'Shift length in milliseconds' }) shiftMs: number;
}

export class RotationListResponse {
  @ApiProperty({ type: [RotationResponse] }) items: RotationResponse[];
}

class EscalationLevelResponse {
  @ApiProperty({ type: [String], description: 'Rotations (rotation:<name>) or people' }) targets: string[];
  @ApiProperty() ackTimeoutMs: number;
}

export class EscalationPolicyResponse {
  @ApiProperty() id: string;
  @ApiProperty() brand: string;
  @ApiProperty({ type: [String] }) priorities: string[];
  @ApiProperty({ type: [EscalationLevelResponse] }) levels: EscalationLevelResponse[];
  @ApiProperty({ description: 'How many times the levels repeat before paging stops' }) loops: number;
}

export class EscalationPolicyListResponse {
  @ApiProperty({ type: [EscalationPolicyResponse] }) items: EscalationPolicyResponse[];
}

/** A native alert taken: the alert group it counted towards. */
export class AlertAcceptedResponse {
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
  @ApiProperty() fingerprint: string;
  @ApiProperty({ description: 'The alert group workflow' }) alertGroup: string;
}

/** A PagerDuty Events v2 body taken: answered as PagerDuty does. */
export class PagerDutyEventAcceptedResponse {
  @ApiProperty({ enum: ['success'] }) status: 'success';
  @ApiProperty({ example: 'Event processed' }) message: string;
  @ApiProperty({ nullable: true, type: String }) dedup_key: string | null;
}

class PublicIncidentUpdateResponse {
  @ApiProperty({ enum: ['identified', 'investigating', 'monitoring'] }) status: string;
  @ApiProperty() at: string;
}

export class PublicIncidentResponse implements PublicIncident {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) impact: string | null;
  @ApiProperty({ enum: ['identified', 'investigating', 'monitoring'] }) status: string;
  @ApiProperty() startedAt: string;
  @ApiProperty({ type: [PublicIncidentUpdateResponse], description: 'Status changes, newest first' }) updates: PublicIncidentUpdateResponse[];
}

export class PublicStatusResponse {
  @ApiProperty({ enum: ['operational', 'incident'] }) status: 'operational' | 'incident';
  @ApiProperty({ type: [PublicIncidentResponse] }) incidents: PublicIncidentResponse[];
}
