import { defineStatusQuery } from '../common/read-time';
import { defineUpdate } from '@temporalio/workflow';
import type { TakedownCase, TakedownDecision, TakedownState } from '../../domain/takedown/case';
import type { DeadlineStatus, TakedownTier } from '../../domain/takedown/deadlines';
import type { LegalBasis, NoticeItem, NotifierRole, TakedownNotice } from '../../domain/takedown/notice';
import type { Completeness, IntakeRoute, Measure, Regime } from '../../domain/takedown/regime';
import type { TakedownCasePolicy } from '../../domain/takedown/takedown-policy';
import type { ContentAction } from '../../integrations/content/content-platform';
import type { NeedsAttentionView } from '../common/needs-attention';
import type { RunLimits } from '../common/run-budget';
import type { RecorderCarried } from '../common/case-recorder';

/** Updates and the status query of a takedown case: defined once, used by the workflow and the API. */

export interface TakedownInput {
  caseId: string;
  receivedAt: number;
  /**
   * The notice as submitted. It carries the notifier's contact details: encrypted by the payload
   * codec, stored once by the first recordTakedown, and never copied into a view, event, search
   * attribute or log.
   */
  notice: TakedownNotice;
  channel: 'public' | 'partner';
  /** The partner key's name; null for the public form. */
  submittedBy: string | null;
  /** Trusted-flagger or authority status counts only when the notice came with a partner key. */
  roleVerified: boolean;
  regimes: Regime[];
  /** Intake's completeness verdict per regime, and the route it gives (triage / needs_info / rejected). */
  assessments: Completeness[];
  route: IntakeRoute;
  policy: TakedownCasePolicy;
  /** Set by the workflow when it continues as new: the case as the previous run left it (README "Long-lived cases"). */
  carried?: TakedownCarried;
  /** Tests only (the API never sets it): smaller run limits, so a case continues as new after a few actions. */
  runLimits?: Partial<RunLimits>;
}

/**
 * How many notes the view (and the workflow) holds, and how much of each: the view is recorded
 * with every action (snapshot, update result), so it must not grow with the case. Every note, in
 * full, is in the read model: `GET /v1/takedowns/:id/notes`.
 */
export const NOTES_IN_VIEW = 5;
export const NOTE_PREVIEW_CHARS = 500;
/** How many sent messages the view and the workflow hold; every one is in takedown_communications and the history. */
export const COMMUNICATIONS_IN_VIEW = 20;

/** A note as the view shows it: the latest NOTES_IN_VIEW only. */
export interface TakedownNoteView {
  actor: string;
  at: string;
  /** The note's text, cut to NOTE_PREVIEW_CHARS characters when longer (then `truncated` is true). */
  text: string;
  truncated?: boolean;
}

/**
 * What the takedown workflow holds of a case beyond its input: the domain case without its
 * history (only counters derived from it), the latest notes and messages, the escalations sent.
 * Bounded, so it is handed whole from one run to the next at continue-as-new.
 */
export interface TakedownRunState {
  /** The domain case; its `history` holds the latest entry only (the read model has them all). */
  c: TakedownCase;
  slaBreached: boolean;
  /** The decision deadline (dueAt) each escalation was sent for: one of each per deadline. */
  atRiskSentFor: number | null;
  breachSentFor: number | null;
  informationRequested: { missing: string[]; lapsesAt: number } | null;
  decidedBy: string | null;
  contentActions: TakedownView['contentActions'];
  communications: TakedownView['communications'];
  communicationsTotal: number;
  safetyPage: TakedownView['safetyPage'];
  safetyEscalation: TakedownView['safetyEscalation'];
  /** When a temporary restriction (decision.endsAt) was lifted; null while it stands or where there is none. */
  restrictionLiftedAt: number | null;
  lastActionAt: number;
  /** The latest NOTES_IN_VIEW notes; every note is in takedown_events. */
  notes: TakedownNoteView[];
  notesTotal: number;
  /** request_info rounds so far: each round's message has its own key. */
  infoRequestRounds: number;
  /** Who made the latest complaint: the complaint decision goes to them. */
  lastComplaintBy: 'notifier' | 'uploader' | null;
}

/**
 * Everything a takedown case holds that its input does not, handed from one run to the next at
 * continue-as-new: the run state (its case without history), the recorder's numbering (`seq`: the
 * last change's event `seq` and snapshot `version`) and the records a draining run queued.
 */
export interface TakedownCarried extends TakedownRunState, RecorderCarried {
  attention: NeedsAttentionView | null;
  /** IDs of the latest updates applied (retried-updates.ts): one sent again after continue-as-new is not applied twice. */
  updates: string[];
}

export type DecisionClockStatus = DeadlineStatus | 'met' | 'missed' | 'paused';

export interface TakedownView {
  id: string;
  brand: string;
  policyVersion: string;
  state: TakedownState;
  regimes: Regime[];
  legalBasis: LegalBasis;
  tier: TakedownTier;
  channel: 'public' | 'partner';
  notifierRole: NotifierRole;
  roleVerified: boolean;
  items: NoticeItem[];
  claimedJurisdictions: string[];
  receivedAt: string;
  intake: { route: IntakeRoute; assessments: Completeness[] };
  /** The fields asked of the notifier, and when the case lapses without them. */
  informationRequested: { missing: string[]; lapsesAt: string } | null;
  reviewer: string | null;
  decisionDue: { dueAt: string; atRiskAt: string; status: DecisionClockStatus } | null;
  slaBreached: boolean;
  /** What a reviewer may choose, per the regimes' jurisdictions. */
  possibleMeasures: Measure[];
  decision: (Omit<TakedownDecision, 'endsAt'> & { endsAt: string | null; by: string }) | null;
  decidedAt: string | null;
  /** DSA cases: the Art. 20 complaint window's first instant after it closes. */
  complaintClosesAt: string | null;
  counterNoticeAt: string | null;
  /** §512(g)(2)(C): restored no earlier than notBefore unless the notifier reports a lawsuit. */
  restoreWindow: { notBefore: string; notAfter: string } | null;
  contentActions: { key: string; action: ContentAction; items: number; countries: string[] | null; at: string }[];
  /** The latest COMMUNICATIONS_IN_VIEW messages sent, oldest first; `communicationsTotal` counts all. */
  communications: { kind: string; recipient: 'uploader' | 'notifier'; at: string }[];
  communicationsTotal?: number;
  /**
   * The latest NOTES_IN_VIEW notes, oldest first; `notesTotal` counts every note and
   * `notesTruncated` says older ones are left out (all are at GET /v1/takedowns/:id/notes).
   * Absent on older cases.
   */
  notes?: TakedownNoteView[];
  notesTotal?: number;
  notesTruncated?: boolean;
  /** A threat to life or safety: the page to the legal on-call and the pager's answer (absent on older cases). */
  safetyPage?: { dedupKey: string; target: string; pager: string; status: string; at: string } | null;
  /** An "escalate to safety" decision applied: the page to the safety team's on-call (absent on older cases). */
  safetyEscalation?: { dedupKey: string; target: string; pager: string; status: string; at: string } | null;
  /** A temporary restriction (decision.endsAt) lifted: when the content came back (absent on older cases). */
  restrictionLiftedAt?: string | null;
  nextDeadlineAt: string | null;
  lastActionAt: string;
  /** Present once a record of the case was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

/** Who acts: the API key's name and role. Only `legal` may act; the validator asks the domain. */
export interface TakedownActorRef {
  id: string;
  role: string;
}

interface ByActor {
  actor: TakedownActorRef;
}
export interface AssignReviewerRequest extends ByActor {
  reviewer: string;
}
export interface RequestInformationRequest extends ByActor {
  missing: string[];
  message: string | null;
}
export interface InformationReceivedRequest extends ByActor {
  note: string | null;
}
export interface DecideTakedownRequest extends ByActor {
  decision: TakedownDecision;
}
export interface ApplyDecisionRequest extends ByActor {
  /** escalate_safety: the law-enforcement or judicial authority informed (DSA Art. 18). */
  authorityInformed: string | null;
}
export type CloseTakedownRequest = ByActor;

/** §512(g)(3)(A)–(D): what a counter-notice must contain. Forwarded to the notifier, kept out of views and events. */
export interface CounterNotice {
  signature: string;
  materialIdentification: string;
  goodFaithUnderPenaltyOfPerjury: true;
  consentToJurisdiction: true;
  subscriber: { name: string; address: string; phone: string };
}
export interface CounterNoticeRequest extends ByActor {
  counterNotice: CounterNotice;
}
export interface SuitFiledRequest extends ByActor {
  court: string | null;
}
export interface ComplaintRequest extends ByActor {
  by: 'notifier' | 'uploader';
  grounds: string;
}
export interface ComplaintDecisionRequest extends ByActor {
  reasons: string;
}
export interface TakedownNoteRequest extends ByActor {
  text: string;
}

/** Failure types of refused updates; the API maps them to 409 (naming the state), 403 and 422. */
export const TakedownFailure = {
  InvalidTransition: 'InvalidTransition',
  Forbidden: 'TakedownForbidden',
  InvalidValue: 'InvalidValue',
} as const;

export const assignReviewerUpdate = defineUpdate<TakedownView, [AssignReviewerRequest]>('assignReviewer');
export const requestInformationUpdate = defineUpdate<TakedownView, [RequestInformationRequest]>('requestInformation');
export const informationReceivedUpdate = defineUpdate<TakedownView, [InformationReceivedRequest]>('recordInformationReceived');
export const decideTakedownUpdate = defineUpdate<TakedownView, [DecideTakedownRequest]>('decide');
export const applyDecisionUpdate = defineUpdate<TakedownView, [ApplyDecisionRequest]>('applyDecision');
export const closeTakedownUpdate = defineUpdate<TakedownView, [CloseTakedownRequest]>('close');
export const counterNoticeUpdate = defineUpdate<TakedownView, [CounterNoticeRequest]>('recordCounterNotice');
export const suitFiledUpdate = defineUpdate<TakedownView, [SuitFiledRequest]>('recordSuitFiled');
export const complaintUpdate = defineUpdate<TakedownView, [ComplaintRequest]>('recordComplaint');
export const upholdDecisionUpdate = defineUpdate<TakedownView, [ComplaintDecisionRequest]>('upholdDecision');
export const reverseDecisionUpdate = defineUpdate<TakedownView, [ComplaintDecisionRequest]>('reverseDecision');
export const noteTakedownUpdate = defineUpdate<TakedownView, [TakedownNoteRequest]>('note');
export const takedownStatusQuery = defineStatusQuery<TakedownView>();

/** Takedown case IDs: `takedown-` and 26 lower-case hex characters. */
export const TAKEDOWN_ID = /^takedown-[a-z0-9]{26}$/;
