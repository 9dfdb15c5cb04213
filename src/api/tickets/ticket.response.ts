import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENTITLEMENT_STATUSES, type TicketEntitlement } from '../../domain/customer/entitlement';
import { CHANNELS, SLA_METRICS, type Channel, type SlaMetric } from '../../domain/policy/policy.schema';
import { PLAYBACK_CHECKS, type PlaybackCheck, type PlaybackCheckResult } from '../../domain/playback/checklist';
import type { EarlierClocks } from '../../domain/sla/bounded-history';
import { TICKET_CATEGORIES, TICKET_STATUSES, type TicketCategory, type TicketStatus } from '../../domain/ticket';
import type { TicketView } from '../../workflows/ticket/messages';
import { EscalationResponse, NeedsAttentionResponse, SlaMetricResponse } from '../common/case-parts.response';
import type { TicketPage, TicketSummary } from './ticket-list.service';

/** The current clock of each metric that applies to the ticket. */
export class TicketSlaResponse implements Partial<Record<SlaMetric, SlaMetricResponse>> {
  @ApiPropertyOptional({ type: SlaMetricResponse }) firstResponse?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse }) nextResponse?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse }) resolution?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse }) mitigation?: SlaMetricResponse;
  @ApiPropertyOptional({ type: SlaMetricResponse, description: 'Chats: the wait until an agent picks the chat up (assignment or first agent reply)' }) queueWait?: SlaMetricResponse;
}

export class SocialPostResponse {
  @ApiProperty() url: string;
  @ApiProperty({ description: 'Redacted' }) text: string;
}

export class CsatResponse {
  @ApiProperty({ minimum: 1, maximum: 5 }) score: number;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty() at: string;
}

export class NpsResponse {
  @ApiProperty({ minimum: 0, maximum: 10 }) score: number;
  @ApiProperty() at: string;
}

export class PlaybackCheckResultResponse implements PlaybackCheckResult {
  @ApiProperty({ enum: PLAYBACK_CHECKS }) check: PlaybackCheck;
  @ApiProperty({ enum: ['pass', 'fail', 'unavailable'] }) outcome: PlaybackCheckResult['outcome'];
  @ApiProperty({ type: [String] }) findings: string[];
  @ApiProperty({ type: [String], description: 'What the agent tells the customer or does next' }) advice: string[];
  @ApiProperty() checkedAt: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Diagnostics check only: player log and screen recording URLs, error codes' })
  logs?: PlaybackCheckResult['logs'];
}

/** A ticket as GET /v1/tickets/:id and every ticket action answer it (the workflow's view). */
export class EntitlementResponse implements TicketEntitlement {
  @ApiProperty({
    enum: ENTITLEMENT_STATUSES,
    description:
      'verified: the plan is the CRM\'s; corrected: the CRM\'s, replacing the plan the request claimed; unconfirmed: the CRM does not know the customer (the request\'s plan stands); ' +
      'unverified: the CRM did not answer in time, the ticket runs on the brand\'s entry plan until it does (then its SLA targets follow the CRM\'s plan)',
  })
  status: TicketEntitlement['status'];
  @ApiProperty({ nullable: true, type: String, description: 'The plan the request named' }) claimedPlan: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'hubspot', description: 'The CRM that answered' }) source: string | null;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'us-east' }) region: string | null;
  @ApiProperty({ nullable: true, type: String }) contract: string | null;
  @ApiProperty() enterprise: boolean;
  @ApiPropertyOptional({ description: 'Why the CRM could not confirm the plan' }) reason?: string;
}

export class TicketResponse implements TicketView {
  @ApiProperty({ example: 'ticket-01jd8k9d3v4m2q7w5x6y8z0a1b' }) id: string;
  @ApiProperty({ example: 'uoozee' }) brand: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ example: 'P2' }) priority: string;
  @ApiProperty({ nullable: true, type: String, example: 'enterprise', description: "The support plan the ticket runs on: the CRM's, by customerRef" }) plan: string | null;
  @ApiPropertyOptional({ type: EntitlementResponse, nullable: true, description: "How the plan was established (absent on tickets opened before the CRM lookup). A client key reads status and claimedPlan only, never the CRM's facts about the reference" }) entitlement?: EntitlementResponse | null;
  @ApiProperty({ enum: TICKET_STATUSES }) status: TicketStatus;
  @ApiProperty({ nullable: true, type: String }) assignee: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Mentored mode (issue 14): the certified agent who sees every reply of the assignee; absent from tickets recorded before it' })
  mentor?: string | null;
  @ApiProperty() subject: string;
  @ApiProperty() description: string;
  @ApiProperty() customerRef: string;
  @ApiPropertyOptional({ description: 'The customer account the ticket belongs to (agents only)' }) account?: string;
  @ApiProperty({ nullable: true, type: SocialPostResponse, description: 'Social-media tickets: the public post, redacted' }) socialPost: TicketView['socialPost'];
  @ApiProperty({ example: '2026-11-01' }) policyVersion: string;
  @ApiProperty({ description: 'When the ticket was opened in Caseworks' }) openedAt: string;
  @ApiProperty({ description: "When the customer's message was received: where the SLA clocks start" }) receivedAt: string;
  @ApiProperty({ nullable: true, type: String }) resolvedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty() slaBreached: boolean;
  @ApiProperty() atRisk: boolean;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineAt: string | null;
  @ApiProperty({ type: TicketSlaResponse, description: 'Current clocks, one per metric that applies' }) sla: Partial<Record<SlaMetric, SlaMetricResponse>>;
  @ApiProperty({ type: [SlaMetricResponse], description: 'Settled clocks of earlier cycles' }) slaHistory: SlaMetricResponse[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', properties: { met: { type: 'number' }, breached: { type: 'number' }, count: { type: 'number' } } },
    description: `Per metric (${SLA_METRICS.join(', ')}): settled clocks no longer listed in slaHistory (a long conversation)`,
  })
  slaHistoryEarlier?: EarlierClocks;
  @ApiProperty({ type: [EscalationResponse] }) escalations: EscalationResponse[];
  @ApiProperty() agentReplies: number;
  @ApiProperty() reopenCount: number;
  @ApiProperty({ nullable: true, type: Boolean }) firstContactResolution: boolean | null;
  @ApiProperty({ nullable: true, type: CsatResponse }) csat: CsatResponse | null;
  @ApiProperty({ nullable: true, type: String }) surveyClosesAt: string | null;
  @ApiProperty({ enum: TICKET_CATEGORIES }) category: TicketCategory;
  @ApiProperty({ type: [PlaybackCheckResultResponse], description: "Playback tickets: the checklist's verdicts, in checklist order" }) troubleshooting: PlaybackCheckResultResponse[];
  @ApiProperty({ nullable: true, type: NpsResponse, description: 'The 0–10 recommend answer given with CSAT; null until answered' }) nps?: NpsResponse | null;
  @ApiProperty({ type: [String], description: "Root causes tagged from the brand's vocabulary" }) rootCauseTags?: string[];
  @ApiProperty({ nullable: true, type: Boolean, description: 'Whether any tagged root cause is preventable; null until tagged' }) preventable?: boolean | null;
  @ApiProperty({ minimum: 0, description: "The agents' logged working time on the ticket, summed (seconds)" }) handleSeconds?: number;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

export class TicketSummaryResponse implements TicketSummary {
  @ApiProperty() id: string;
  @ApiProperty() brand: string;
  @ApiProperty({ enum: CHANNELS }) channel: string;
  @ApiProperty() priority: string;
  @ApiProperty({ nullable: true, type: String }) plan: string | null;
  @ApiProperty({ enum: TICKET_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) assignee: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Mentored mode: the certified agent who sees every reply' }) mentor: string | null;
  @ApiProperty({ nullable: true, enum: ENTITLEMENT_STATUSES, description: 'How the plan was established; null for tickets opened before the CRM lookup' }) entitlement: string | null;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineAt: string | null;
  @ApiProperty() slaBreached: boolean;
  @ApiProperty() atRisk: boolean;
}

export class TicketPageResponse implements TicketPage {
  @ApiProperty({ type: [TicketSummaryResponse] }) items: TicketSummaryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}
