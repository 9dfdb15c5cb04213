import { defineStatusQuery } from '../common/read-time';
import type { DetailsAction } from '../../domain/ui-details';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Channel, EscalationLevel, SlaClockKind, SlaMetric } from '../../domain/policy/policy.schema';
import type { TicketPolicy } from '../../domain/policy/ticket-policy';
import type { EarlierClocks } from '../../domain/sla/bounded-history';
import type { PauseReason, SlaClock, SlaClockState } from '../../domain/sla/clock';
import type { PlaybackCheck, PlaybackCheckResult, PlaybackContext } from '../../domain/playback/checklist';
import type { PendingReason, TicketCategory, TicketStatus } from '../../domain/ticket';
import type { TicketReportFacts } from '../../domain/ticket/report-facts';
import type { TicketEntitlement } from '../../domain/customer/entitlement';
import type { Notification } from '../../integrations/notify/notification';
import type { CaseEvent } from '../common/case-recorder';
import type { NeedsAttentionView } from '../common/needs-attention';
import { CaseFailure } from '../common/refusals';
import type { RunLimits } from '../common/run-budget';

/** Signals, queries and updates of a ticket: defined once, used by the workflow and the API. */

export interface TicketInput {
  ticketId: string;
  brand: string;
  channel: Channel;
  priority: string;
  plan: string | null;
  /**
   * How the plan was established (issue 16): the CRM's answer at intake. An `unverified` ticket
   * asks the CRM again until it answers; later runs carry the settled value here. Absent in
   * tickets opened before the lookup existed (their plan is the request's).
   */
  entitlement?: TicketEntitlement | null;
  subject: string;
  description: string;
  customerRef: string;
  /** The customer account it was opened for (a client key's, or named by the agent): whose client keys see it. */
  account?: string | null;
  /** The policy this ticket lives by, pinned when it opened. */
  policy: TicketPolicy;
  /** For social-media intake: the public post, already redacted by the API (the raw text never enters history). */
  socialPost: { url: string; text: string } | null;
  /** Hash of the creating request: a reused Idempotency-Key with another body is refused. */
  requestHash: string;
  openedBy: string;
  /** Optional so tickets opened before categories existed replay unchanged ('general'). */
  category?: TicketCategory;
  /** Playback tickets: the IDs the checklist looks up. */
  playback?: PlaybackContext | null;
  /**
   * When the customer's message was received (UTC ISO 8601, validated by the API): the SLA clocks
   * start from it. Absent (the default, and tickets opened before it existed): when the workflow started.
   */
  receivedAt?: string | null;
  /**
   * When the API accepted the ticket (UTC ISO 8601): the instant it opened, set by the API so that
   * its 201 and the workflow's first state are the same pure function of this input
   * (src/api/tickets/opening-view.ts). Absent in tickets opened before it existed: when the
   * workflow started.
   */
  openedAt?: string | null;
  /** Set by the ticket itself when it continues as new: the state the next run starts from. */
  carried?: TicketCarried;
  /** Tests only (the API never sets it): smaller limits, so a test sees the ticket continue as new. */
  runLimits?: Partial<RunLimits>;
}

/** A step of the escalation chain a breach scheduled. */
export interface TicketEscalation {
  metric: SlaMetric;
  cycle: number;
  step: number;
  level: EscalationLevel;
  dueAt: number;
  state: 'scheduled' | 'notified' | 'cancelled';
}

/** A non-urgent warning that fell outside the coverage window: sent at its next opening. */
export interface TicketDeferredNotification {
  metric: SlaMetric;
  cycle: number;
  dueAt: number;
  notification: Notification;
  state: 'scheduled' | 'sent' | 'cancelled';
}

/**
 * What a ticket hands to its next run (continue-as-new): every decision its earlier runs made —
 * clocks and their history, scheduled escalations and deferred warnings (so none fires twice or
 * never), counters, the checklist's verdicts, the attention flag, the change number — and the
 * records applied while the run drained, which the next run writes first. No description or
 * subject: those stay in the input.
 */
export interface TicketCarried {
  openedAt: number;
  receivedAt: number;
  status: TicketStatus;
  priority: string;
  assignee: string | null;
  /** Absent from runs carried before mentored assignments. */
  mentor?: string | null;
  clocks: Partial<Record<SlaMetric, SlaClock>>;
  history: SlaClock[];
  /** Settled clocks no longer listed, counted (absent in runs carried before it existed). */
  earlierClocks?: EarlierClocks;
  escalations: TicketEscalation[];
  deferred: TicketDeferredNotification[];
  resolutionCycle: number;
  agentReplies: number;
  customerReplies: number;
  reopenCount: number;
  resolvedAt: number | null;
  closedAt: number | null;
  surveyClosesAt: number | null;
  csat: { score: number; comment: string | null; at: number } | null;
  fcr: boolean | null;
  /** Intake updates answered so far: a repeated create after a boundary still answers firstIntake false. */
  intakes: number;
  checks: Partial<Record<PlaybackCheck, PlaybackCheckResult>>;
  attention: NeedsAttentionView | null;
  /** Number of the last change applied. */
  seq: number;
  /** Records of changes applied while the previous run drained (a few, bounded by that moment's updates). */
  unrecorded: CaseEvent[];
  /** The last few actions the UI's details list (absent in runs carried before they were kept). */
  recent?: DetailsAction[];
  /** IDs of the latest updates applied (retried-updates.ts): one delivered again to a later run is answered, not applied twice. */
  updates?: string[];
  /** NPS, root-cause tags, handle time (absent in runs carried before they existed: none). */
  reportFacts?: TicketReportFacts;
}

export interface SlaMetricView {
  metric: SlaMetric;
  cycle: number;
  state: SlaClockState;
  /** The time the target counts: business hours of the coverage calendar, or elapsed (calendar) time. Absent in views stored before targets had clocks: business. */
  clock?: SlaClockKind;
  targetSeconds: number;
  startedAt: string;
  deadlineAt: string | null;
  /** Business time left in the window (0 once met or breached). */
  remainingSeconds: number;
  elapsedSeconds: number;
  pauseReason: PauseReason | null;
  atRiskSince: string | null;
  fulfilledAt: string | null;
  breachedAt: string | null;
}

export interface EscalationView {
  metric: SlaMetric;
  cycle: number;
  level: EscalationLevel;
  dueAt: string;
  state: 'scheduled' | 'notified' | 'cancelled';
}

export interface TicketView {
  id: string;
  brand: string;
  channel: Channel;
  priority: string;
  plan: string | null;
  /** How the plan was established (the CRM's word, a correction of the request's, or unverified); absent from tickets opened before the lookup. */
  entitlement?: TicketEntitlement | null;
  status: TicketStatus;
  assignee: string | null;
  /** Mentored mode (issue 14): the certified agent who sees every reply of the assignee; absent from views recorded before it. */
  mentor?: string | null;
  subject: string;
  description: string;
  customerRef: string;
  /** The customer account the ticket belongs to; absent: none (only agents see it). */
  account?: string;
  /** Social-media tickets are private; the public post is kept redacted. */
  socialPost: { url: string; text: string } | null;
  policyVersion: string;
  /** When the ticket was opened in Caseworks. */
  openedAt: string;
  /** When the customer's message was received: the instant the SLA clocks started from (openedAt unless given). */
  receivedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  slaBreached: boolean;
  atRisk: boolean;
  nextDeadlineAt: string | null;
  /** Current clocks, one per metric that applies. */
  sla: Partial<Record<SlaMetric, SlaMetricView>>;
  /** Settled clocks of earlier cycles (a reopened ticket keeps its first resolution's record). */
  slaHistory: SlaMetricView[];
  /**
   * Present once the ticket settled more than 10 clocks of a metric (a long conversation): the
   * oldest are no longer listed in slaHistory, only counted here per metric (met, breached, count).
   */
  slaHistoryEarlier?: EarlierClocks;
  escalations: EscalationView[];
  agentReplies: number;
  reopenCount: number;
  firstContactResolution: boolean | null;
  csat: { score: number; comment: string | null; at: string } | null;
  surveyClosesAt: string | null;
  category: TicketCategory;
  /** Playback tickets: the checklist's verdicts, in checklist order, as they arrive. */
  troubleshooting: PlaybackCheckResult[];
  // The four report facts below: always in a running ticket's view; absent from snapshots recorded before they existed.
  /** The 0–10 recommend answer given with CSAT (001 "NPS ≥ +35"); null until answered. */
  nps?: { score: number; at: string } | null;
  /** Root causes an agent tagged, from the pinned vocabulary (src/domain/ticket/root-causes.ts). */
  rootCauseTags?: string[];
  /** Whether any tagged root cause is preventable; null until tagged. */
  preventable?: boolean | null;
  /** The agents' logged working time on the ticket's steps, summed (seconds; AHT). */
  handleSeconds?: number;
  /** Present once a record of the ticket was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

export interface IntakeRequest {
  requestHash: string;
}
export interface IntakeResult {
  ticket: TicketView;
  /** False when this request repeated an earlier one (same Idempotency-Key). */
  firstIntake: boolean;
}

interface Actor {
  actor: string;
}
export interface AssignRequest extends Actor {
  assignee: string;
  /** The certified agent mentoring an assignee not yet certified (the API checks who may mentor). */
  mentor?: string;
}
/** An agent's step may log its working time (absent in requests sent before it existed: none). */
interface HandleTime {
  handleSeconds?: number;
}
export interface ReplyRequest extends Actor, HandleTime {
  /** Who wrote: an agent's reply fulfils responses; a customer's resumes paused clocks. */
  author: 'agent' | 'customer';
  message: string;
}
export interface PendingRequest extends Actor, HandleTime {
  reason: PendingReason;
  message: string | null;
}
export interface PriorityRequest extends Actor {
  priority: string;
  reason: string;
}
export interface ResolveRequest extends Actor, HandleTime {
  resolution: string;
  /** Root causes known at resolution, as the root-cause update takes them (absent: the tags stay as they are). */
  rootCauseTags?: string[];
}
export interface ReopenRequest extends Actor {
  reason: string;
}
export type CloseRequest = Actor;
export interface CsatRequest extends Actor {
  score: number;
  comment: string | null;
  /** The NPS answer (0–10) given in the same survey; absent: not asked or not answered. */
  nps?: number | null;
}
/** The longest CRM note a ticket keeps (HubSpot's notes run longer: the API cuts one before it comes here). */
export const MAX_CRM_NOTE = 5000;

/** A note a CRM user wrote on the ticket's CRM copy (issue 16): kept on the ticket's record, not sent to the customer. */
export interface CrmNoteRequest extends Actor {
  text: string;
}

export interface RootCauseRequest extends Actor {
  /** Root-cause ids of the ticket's pinned vocabulary; replaces the tags set before ([] clears them). */
  tags: string[];
}
export interface RepinRequest extends Actor {
  policy: TicketPolicy;
}

/** Failure types the API maps to HTTP statuses: the case core's refusals, and the ticket's own. */
export const TicketFailure = {
  ...CaseFailure,
  IdempotencyKeyReused: 'IdempotencyKeyReused',
} as const;

/** A retried (or racing) open joins the ticket with it: it checks idempotency and answers the current state. */
export const intakeUpdate = defineUpdate<IntakeResult, [IntakeRequest]>('intake');
export const assignUpdate = defineUpdate<TicketView, [AssignRequest]>('assign');
export const replyUpdate = defineUpdate<TicketView, [ReplyRequest]>('reply');
export const pendingUpdate = defineUpdate<TicketView, [PendingRequest]>('pending');
export const priorityUpdate = defineUpdate<TicketView, [PriorityRequest]>('priority');
export const resolveUpdate = defineUpdate<TicketView, [ResolveRequest]>('resolve');
export const reopenUpdate = defineUpdate<TicketView, [ReopenRequest]>('reopen');
export const closeUpdate = defineUpdate<TicketView, [CloseRequest]>('close');
export const csatUpdate = defineUpdate<TicketView, [CsatRequest]>('csat');
/** Tags the ticket with root causes from its pinned vocabulary (any status while the ticket runs). */
export const rootCauseUpdate = defineUpdate<TicketView, [RootCauseRequest]>('rootCause');
export const crmNoteUpdate = defineUpdate<TicketView, [CrmNoteRequest]>('crmNote');
/** Moves an open ticket to another policy version, explicitly and on the record. */
export const repinUpdate = defineUpdate<TicketView, [RepinRequest]>('repin');
export const statusQuery = defineStatusQuery<TicketView>();

/** From an incident this ticket is linked to: it was resolved; the customer is told and the ticket resolves. */
export const incidentResolvedSignal = defineSignal<[{ incidentId: string; summary: string }]>('incidentResolved');
