import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TAKEDOWN_STATES, type TakedownState } from '../../domain/takedown/case';
import { TAKEDOWN_TIERS, type TakedownTier } from '../../domain/takedown/deadlines';
import { LEGAL_BASES, NOTIFIER_ROLES, type LegalBasis, type NoticeItem, type NotifierRole } from '../../domain/takedown/notice';
import { PRESERVATION_STATES, type PreservationState } from '../../domain/takedown/preservation';
import { REGIMES, type Measure, type Regime } from '../../domain/takedown/regime';
import type { TransparencyCounts } from '../../domain/takedown/statement-of-reasons';
import type { TakedownNoteView, TakedownView } from '../../workflows/takedown/messages';
import type { PreservationView } from '../../workflows/takedown/preservation-messages';
import { NeedsAttentionResponse } from '../common/case-parts.response';
import type { TakedownReceipt } from './takedowns.service';

const OBJECT = { type: 'object', additionalProperties: true } as const;

export class NoticeItemResponse {
  @ApiPropertyOptional({ example: 'vid_123' }) contentId?: string;
  @ApiPropertyOptional({ example: 'https://uoozee.example/watch/vid_123' }) url?: string;
}

export class TakedownNoteViewResponse implements TakedownNoteView {
  @ApiProperty() actor: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'Cut to 500 characters when longer (then truncated is true)' }) text: string;
  @ApiPropertyOptional() truncated?: boolean;
}

class DecisionDueResponse {
  @ApiProperty() dueAt: string;
  @ApiProperty() atRiskAt: string;
  @ApiProperty({ example: 'on_track', description: 'The decision clock: a deadline status, or met / missed / paused' }) status: string;
}

class ContentActionResponse {
  @ApiProperty() key: string;
  @ApiProperty({ enum: ['remove', 'geo_restrict', 'restore', 'preserve', 'release_preservation'] }) action: string;
  @ApiProperty() items: number;
  @ApiProperty({ nullable: true, type: [String] }) countries: string[] | null;
  @ApiProperty() at: string;
}

class CommunicationResponse {
  @ApiProperty({ example: 'statement_of_reasons' }) kind: string;
  @ApiProperty({ enum: ['uploader', 'notifier'] }) recipient: 'uploader' | 'notifier';
  @ApiProperty() at: string;
}

class SafetyPageResponse {
  @ApiProperty() dedupKey: string;
  @ApiProperty() target: string;
  @ApiProperty() pager: string;
  @ApiProperty() status: string;
  @ApiProperty() at: string;
}

/** A takedown case as every action on it answers it (the workflow's view). */
export class TakedownResponse implements TakedownView {
  @ApiProperty({ example: 'takedown-01jd8k9d3v4m2q7w5x6y8z0a1b' }) id: string;
  @ApiProperty() brand: string;
  @ApiProperty() policyVersion: string;
  @ApiProperty({ enum: TAKEDOWN_STATES }) state: TakedownState;
  @ApiProperty({ enum: REGIMES, isArray: true }) regimes: Regime[];
  @ApiProperty({ enum: LEGAL_BASES }) legalBasis: LegalBasis;
  @ApiProperty({ enum: TAKEDOWN_TIERS }) tier: TakedownTier;
  @ApiProperty({ enum: ['public', 'partner'] }) channel: 'public' | 'partner';
  @ApiProperty({ enum: NOTIFIER_ROLES }) notifierRole: NotifierRole;
  @ApiProperty() roleVerified: boolean;
  @ApiProperty({ type: [NoticeItemResponse] }) items: NoticeItem[];
  @ApiProperty({ type: [String], example: ['US'] }) claimedJurisdictions: string[];
  @ApiProperty() receivedAt: string;
  @ApiProperty({ ...OBJECT, description: 'The intake route (triage / needs_info / rejected) and each regime’s completeness verdict' }) intake: TakedownView['intake'];
  @ApiProperty({ ...OBJECT, nullable: true, description: 'The fields asked of the notifier (missing) and when the case lapses (lapsesAt)' })
  informationRequested: TakedownView['informationRequested'];
  @ApiProperty({ nullable: true, type: String }) reviewer: string | null;
  @ApiProperty({ nullable: true, type: DecisionDueResponse }) decisionDue: TakedownView['decisionDue'];
  @ApiProperty() slaBreached: boolean;
  @ApiProperty({ type: 'array', items: OBJECT, description: 'What a reviewer may choose: {kind: global_removal | geo_restriction (countries) | no_action}' }) possibleMeasures: Measure[];
  @ApiProperty({ ...OBJECT, nullable: true, description: 'Outcome, measure, ground, facts, automation, endsAt and who decided' }) decision: TakedownView['decision'];
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'DSA cases: when the Art. 20 complaint window closes' }) complaintClosesAt: string | null;
  @ApiProperty({ nullable: true, type: String }) counterNoticeAt: string | null;
  @ApiProperty({ ...OBJECT, nullable: true, description: '§512(g)(2)(C): restored between notBefore and notAfter unless a lawsuit is reported' }) restoreWindow: TakedownView['restoreWindow'];
  @ApiProperty({ type: [ContentActionResponse] }) contentActions: TakedownView['contentActions'];
  @ApiProperty({ type: [CommunicationResponse], description: 'The latest 20 messages sent, oldest first' }) communications: TakedownView['communications'];
  @ApiPropertyOptional({ description: 'How many messages were sent in all' }) communicationsTotal?: number;
  @ApiPropertyOptional({ type: [TakedownNoteViewResponse], description: 'The latest notes, oldest first (all of them: GET /v1/takedowns/:id/notes)' }) notes?: TakedownNoteViewResponse[];
  @ApiPropertyOptional() notesTotal?: number;
  @ApiPropertyOptional() notesTruncated?: boolean;
  @ApiPropertyOptional({ nullable: true, type: SafetyPageResponse, description: 'A threat to life or safety: the page to the legal on-call' }) safetyPage?: SafetyPageResponse | null;
  @ApiPropertyOptional({ nullable: true, type: SafetyPageResponse, description: 'An escalate_safety decision applied: the page to the safety team' }) safetyEscalation?: SafetyPageResponse | null;
  @ApiPropertyOptional({ nullable: true, type: String }) restrictionLiftedAt?: string | null;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineAt: string | null;
  @ApiProperty() lastActionAt: string;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

export class TakedownListResponse {
  @ApiProperty({ type: [TakedownResponse] }) items: TakedownResponse[];
}

class PreservationExtensionResponse {
  @ApiProperty() at: string;
  @ApiProperty() by: string;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
}

class ReminderSentResponse {
  @ApiProperty() expiresAt: string;
  @ApiProperty() beforeMs: number;
  @ApiProperty() at: string;
}

/** An authority's preservation (retention) hold on a case's items. */
export class PreservationResponse implements PreservationView {
  @ApiProperty() id: string;
  @ApiProperty() caseId: string;
  @ApiProperty() brand: string;
  @ApiProperty({ enum: PRESERVATION_STATES }) state: PreservationState;
  @ApiProperty() authority: string;
  @ApiProperty() reference: string;
  @ApiProperty({ type: [NoticeItemResponse] }) items: NoticeItem[];
  @ApiProperty() requestedBy: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true, type: PreservationExtensionResponse }) extension: PreservationExtensionResponse | null;
  @ApiProperty({ nullable: true, type: String }) releasedAt: string | null;
  @ApiProperty({ type: [ReminderSentResponse] }) remindersSent: ReminderSentResponse[];
  @ApiProperty({ nullable: true, type: String }) nextReminderAt: string | null;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

export class PreservationListResponse {
  @ApiProperty({ type: [PreservationResponse] }) items: PreservationResponse[];
}

class NotifierResponse {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() organisation?: string;
  @ApiProperty({ enum: NOTIFIER_ROLES }) role: NotifierRole;
}

/** What legal staff read: the view, plus the notifier's contact and the case's preservation holds. */
export class TakedownCaseResponse extends TakedownResponse {
  @ApiProperty({ nullable: true, type: NotifierResponse, description: 'From the stored notice ("[erased]" once erased)' }) notifier: NotifierResponse | null;
  @ApiProperty({ type: [PreservationResponse] }) preservations: PreservationResponse[];
}

/** The notifier's receipt for a notice. */
export class TakedownReceiptResponse implements TakedownReceipt {
  @ApiProperty({ example: 'takedown-01jd8k9d3v4m2q7w5x6y8z0a1b' }) caseId: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ enum: ['triage', 'needs_info', 'rejected'] }) status: TakedownReceipt['status'];
  @ApiProperty({ enum: REGIMES, isArray: true }) regimes: Regime[];
  @ApiProperty({ type: [String], description: 'needs_info and rejected: the notice fields missing, by dotted path' }) missing: string[];
  @ApiProperty() reason: string;
}

const COUNTS = { type: 'object', additionalProperties: { type: 'number' } } as const;

class ComplaintCountsResponse {
  @ApiProperty() received: number;
  @ApiProperty() upheld: number;
  @ApiProperty() reversed: number;
}

/** The yearly transparency counts (JSON; ?format=csv answers the same as text/csv). */
export class TransparencyReportResponse implements TransparencyCounts {
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty() notices: number;
  @ApiProperty({ ...COUNTS, description: `Per legal basis (${LEGAL_BASES.join(', ')})` }) byLegalBasis: TransparencyCounts['byLegalBasis'];
  @ApiProperty({ ...COUNTS, description: 'Per regime; a notice under two regimes counts in each' }) byRegime: TransparencyCounts['byRegime'];
  @ApiProperty({ ...COUNTS, description: 'Per decision outcome' }) byDecision: TransparencyCounts['byDecision'];
  @ApiProperty({ ...COUNTS, description: 'Per claimed country (ISO 3166-1); none recorded: unknown' }) byJurisdiction: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: "Per notifier's stated role" }) byNotifierRole: TransparencyCounts['byNotifierRole'];
  @ApiProperty({ ...COUNTS, description: 'Per measure: removed, geo-restricted, restored, no_action' }) byMeasure: TransparencyCounts['byMeasure'];
  @ApiProperty({ ...COUNTS, description: "Restrictions per the decision's ground: legal or contractual" }) byGround: TransparencyCounts['byGround'];
  @ApiProperty() rejected: number;
  @ApiProperty() lapsed: number;
  @ApiProperty() undecided: number;
  @ApiProperty({ nullable: true, type: Number }) medianTimeToDecisionMs: number | null;
  @ApiProperty({ nullable: true, type: Number }) p90TimeToDecisionMs: number | null;
  @ApiProperty() safetyEscalations: number;
  @ApiProperty() legalOnCallPages: number;
  @ApiProperty() counterNotices: number;
  @ApiProperty() restoredAfterCounterNotice: number;
  @ApiProperty() keptAfterCourtAction: number;
  @ApiProperty() retentionRequests: number;
  @ApiProperty() retentionExtensions: number;
  @ApiProperty({ type: ComplaintCountsResponse }) complaints: ComplaintCountsResponse;
  @ApiProperty({ enum: ['snapshot', 'live'], description: 'The stored yearly snapshot, or counted now' }) source: 'snapshot' | 'live';
  @ApiProperty() generatedAt: string;
}
