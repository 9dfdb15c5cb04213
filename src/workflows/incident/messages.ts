import { defineStatusQuery } from '../common/read-time';
import type { DetailsAction } from '../../domain/ui-details';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AlertSignal, AlertWindow } from '../../domain/incident/alert';
import type { PlannedEngagement } from '../../domain/incident/engagement';
import type { IncidentMetric, IncidentPolicy } from '../../domain/incident/incident-policy';
import type { IncidentStatus, PostIncidentReview } from '../../domain/incident/incident';
import type { SlaClock } from '../../domain/sla/clock';
import type { SlaMetricView } from '../ticket/messages';
import type { CaseEvent } from '../common/case-recorder';
import type { NeedsAttentionView } from '../common/needs-attention';
import type { RunLimits } from '../common/run-budget';

/** Signals, queries and updates of incidents and alert groups: defined once, used by workflows and API. */

export interface IncidentInput {
  incidentId: string;
  brand: string;
  priority: string;
  title: string;
  impact: string | null;
  services: string[];
  source: 'alert' | 'manual';
  /** Alert-born incidents: the fingerprint that grouped them, and the alert group's workflow ID. */
  fingerprint: string | null;
  alertGroupId: string | null;
  alertCount: number;
  policy: IncidentPolicy;
  openedBy: string;
  requestHash: string;
  /**
   * The incident affects an enterprise customer: its clocks run on the pack's enterprise coverage
   * and enterprise-only engagements (Level 3) apply. Absent in inputs from before: false.
   */
  enterprise?: boolean;
  /** Set by the workflow itself when it continues as new: the state the next run starts from. */
  carried?: IncidentCarried;
  /** Tests only (the API never sets it): smaller limits so a run continues as new sooner. */
  runLimits?: Partial<RunLimits>;
}

/**
 * How many notes the view shows, and how much of each: the view is recorded with every action
 * (snapshot, update result), so it must not grow with the incident. Every note, in full, is in
 * the read model (`GET /v1/incidents/:id/notes`).
 */
export const NOTES_IN_VIEW = 20;
export const NOTE_PREVIEW_CHARS = 500;

export interface IncidentNoteView {
  actor: string;
  /** The note's text, cut to NOTE_PREVIEW_CHARS characters when longer (then `truncated` is true). */
  text: string;
  at: string;
  truncated?: boolean;
}

/** One event of the incident's history, numbered by the workflow (`seq`: the order it applied them). */
export type IncidentEventRecord = CaseEvent;

/** A page as the workflow holds it (times in epoch ms). */
export interface CarriedPage extends Omit<PageView, 'dueAt' | 'sentAt'> {
  dueAt: number;
  sentAt: number | null;
}

/**
 * Everything a run hands to the next when it continues as new (all that is not derivable from the
 * input): lifecycle, clocks, the paging plan with each page's state (a sent page is never sent
 * again, a scheduled one is sent by the next run), review timers, breach escalations done, the
 * change counter and the records not yet written. Free text only as bounded note previews.
 */
export interface IncidentCarried {
  openedAt: number;
  status: IncidentStatus;
  priority: string;
  clocks: Partial<Record<IncidentMetric, SlaClock>>;
  pages: CarriedPage[];
  pagingPlanned: boolean;
  alertCount: number;
  lastAlertAt: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  closedAt: number | null;
  recentNotes: { actor: string; text: string; at: number; truncated?: boolean }[];
  notesTotal: number;
  linkedTickets: string[];
  review: (PostIncidentReview & { by: string; at: number }) | null;
  reviewDueAt: number | null;
  reviewReminders: { at: number; sent: boolean }[];
  reviewOverdueSent: boolean;
  breachEscalated: IncidentMetric[];
  pendingAutoResolve: string | null;
  /** Timed Level 2 / Level 3 engagements (domain/incident/engagement.ts); absent in runs carried before them. */
  engagements?: CarriedEngagement[];
  /** Affects an enterprise customer: from the input, or marked later (absent in runs carried before). */
  enterprise?: boolean;
  attention: NeedsAttentionView | null;
  /** The number of the last change applied (events' `seq`, the snapshot's `version`). */
  seq: number;
  /** Records of changes made while the previous run drained: written first by the next run, in order. */
  unrecorded: IncidentEventRecord[];
  /** The last few actions the UI's details list (absent in runs carried before they were kept). */
  recent?: DetailsAction[];
  /** Which run of the incident this is (1 = the first). */
  run: number;
  /**
   * Updates earlier runs applied (the latest REMEMBERED_UPDATE_IDS): answered with the view, not
   * applied again, if the client sends one again (its answer may have been lost in the hand-over).
   */
  updates?: string[];
  /** The same, as runs carried it before the case core (IDs with when): read, no longer written. */
  handedOverUpdates?: { id: string; at: number }[];
}

/** An engagement as the workflow holds it: the plan plus the pager's answer once paged. */
export interface CarriedEngagement extends PlannedEngagement {
  response: PageView['response'];
}

/** A timed engagement as the view shows it. */
export interface EngagementView {
  level: number;
  targets: string[];
  /** When it is engaged at the latest (the opening plus the pack's `within`, on the incident's coverage). */
  dueAt: string;
  state: 'scheduled' | 'engaged' | 'cancelled';
  dedupKey: string;
  via: 'timer' | 'ladder' | null;
  engagedAt: string | null;
  response: PageView['response'];
}

export interface PageView {
  step: number;
  level: number;
  loop: number;
  targets: string[];
  dueAt: string;
  state: 'scheduled' | 'sent' | 'cancelled';
  dedupKey: string;
  /** What the pager answered (PagerDuty: "success" with its dedup key); a 202 is not proof a person saw it. */
  response: { status: string; dedupKey: string; message: string; pager: string; paged: string[] } | null;
  sentAt: string | null;
}

export interface IncidentView {
  id: string;
  brand: string;
  priority: string;
  status: IncidentStatus;
  title: string;
  impact: string | null;
  services: string[];
  source: 'alert' | 'manual';
  fingerprint: string | null;
  alertCount: number;
  lastAlertAt: string | null;
  policyVersion: string;
  openedAt: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  closedAt: string | null;
  slaBreached: boolean;
  nextDeadlineAt: string | null;
  sla: Partial<Record<IncidentMetric, SlaMetricView>>;
  pages: PageView[];
  /** Affects an enterprise customer (older snapshots lack it). */
  enterprise?: boolean;
  /** Level 2 / Level 3 engaged by timer from the opening (older snapshots lack it). */
  engagements?: EngagementView[];
  /** The last NOTES_IN_VIEW notes, oldest first, each cut to NOTE_PREVIEW_CHARS; all of them: GET /v1/incidents/:id/notes. */
  notes: IncidentNoteView[];
  /** How many notes the incident has in all (older snapshots lack it). */
  notesTotal?: number;
  linkedTickets: string[];
  review: (PostIncidentReview & { by: string; at: string }) | null;
  /** P1s: when the post-incident review is due (business time on the review calendar). */
  reviewDueAt: string | null;
  /** Present once a record of the incident was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

interface Actor {
  actor: string;
}
export type AcknowledgeRequest = Actor;
export interface NoteRequest extends Actor {
  text: string;
}
export interface MitigateRequest extends Actor {
  summary: string;
}
export interface ResolveIncidentRequest extends Actor {
  summary: string;
}
export interface IncidentPriorityRequest extends Actor {
  priority: string;
  reason: string;
}
export interface LinkTicketRequest extends Actor {
  ticketId: string;
}
export interface ReviewRequest extends Actor {
  review: PostIncidentReview;
}
export type CloseIncidentRequest = Actor;
export interface MarkEnterpriseRequest extends Actor {
  reason: string;
}

export const acknowledgeIncidentUpdate = defineUpdate<IncidentView, [AcknowledgeRequest]>('acknowledge');
export const noteIncidentUpdate = defineUpdate<IncidentView, [NoteRequest]>('note');
export const mitigateIncidentUpdate = defineUpdate<IncidentView, [MitigateRequest]>('mitigate');
export const resolveIncidentUpdate = defineUpdate<IncidentView, [ResolveIncidentRequest]>('resolve');
export const incidentPriorityUpdate = defineUpdate<IncidentView, [IncidentPriorityRequest]>('priority');
export const linkTicketUpdate = defineUpdate<IncidentView, [LinkTicketRequest]>('link_ticket');
export const reviewIncidentUpdate = defineUpdate<IncidentView, [ReviewRequest]>('review');
export const closeIncidentUpdate = defineUpdate<IncidentView, [CloseIncidentRequest]>('close');
/** The incident affects an enterprise customer (learnt after it opened): enterprise coverage and engagements from now on. */
export const markEnterpriseUpdate = defineUpdate<IncidentView, [MarkEnterpriseRequest]>('mark_enterprise');
export const incidentStatusQuery = defineStatusQuery<IncidentView>();

/** From the alert group: more alerts of the incident's fingerprint arrived. */
export const moreAlertsSignal = defineSignal<[{ count: number; lastAt: number }]>('moreAlerts');
/** From the alert group: the fingerprint fell silent (or its monitor resolved it). */
export const alertsClearedSignal = defineSignal<[{ reason: string }]>('alertsCleared');

// ---- alert groups ---------------------------------------------------------------------------

export interface AlertGroupInput {
  brand: string;
  fingerprint: string;
  incidentPolicy: IncidentPolicy;
  /** Carried across continue-as-new. */
  carried?: AlertGroupState;
}

export interface AlertGroupState {
  alertsTotal: number;
  window: AlertWindow;
  incidentId: string | null;
  incidentsOpened: string[];
  lastAlertAt: number | null;
}

export interface AlertGroupView {
  fingerprint: string;
  alertsTotal: number;
  incidentId: string | null;
  incidentsOpened: string[];
}

export const alertSignal = defineSignal<[AlertSignal]>('alert');
/** The monitor resolved the alert (PagerDuty event_action "resolve"). */
export const alertResolvedSignal = defineSignal<[{ at: number }]>('alertResolved');
/** From the incident: it has been resolved; the next alert opens a new incident. */
export const incidentEndedSignal = defineSignal<[{ incidentId: string }]>('incidentEnded');
export const alertGroupQuery = defineQuery<AlertGroupView>('alertGroup');

/** One alert group per brand and fingerprint: the workflow ID every alert is signal-with-start'ed to. */
export function alertGroupId(brand: string, fingerprint: string): string {
  return `alerts-${brand}-${fingerprint}`;
}
