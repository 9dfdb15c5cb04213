import { CaseTransitionError } from '../case-transition';
import type { LegalBasis } from './notice';
import type { Measure, Regime } from './regime';
import {
  complaintDeadline,
  decisionDeadline,
  Deadline,
  needsInfoLapseAt,
  restoreWindow,
  RestoreWindow,
  TakedownPolicy,
  TakedownTier,
} from './deadlines';

/**
 * A takedown case's states and the actions legal staff may take. Pure: the case workflow's update
 * validators and the API ask the same functions, and every action leaves a timestamped history
 * entry — the record the transparency report and any later dispute are built from.
 *
 *   received ─accept──────────────────────▶ triage ─assign─▶ in_review ─decide─▶ decided ─apply─▶ applied ─close─▶ closed
 *      │  └─request_info─▶ needs_info ─info_received─▲                             └──────────┬───────────────────┘
 *      └─reject─▶ rejected          └─lapse─▶ lapsed                                          │
 *   (a reviewer may also request_info from triage or in_review: a gap found while reviewing)
 *   §512(g), copyright removed or disabled:  ─counter_notice─▶ counter_notice_received ─forward_counter_notice─▶
 *       restore_pending ─restore (10–14 business days on)─▶ restored   | ─suit_filed─▶ kept
 *   DSA Art. 20, within the complaint window: ─complaint─▶ complaint_review ─uphold─▶ upheld | ─reverse─▶ reversed
 *
 * A counter-notice or complaint may arrive long after the case closed, so both are allowed from
 * decided, applied and closed. The end states are final: one dispute per decision.
 */
export const TAKEDOWN_STATES = [
  'received',
  'needs_info',
  'lapsed',
  'rejected',
  'triage',
  'in_review',
  'decided',
  'applied',
  'closed',
  'counter_notice_received',
  'restore_pending',
  'restored',
  'kept',
  'complaint_review',
  'upheld',
  'reversed',
] as const;
export type TakedownState = (typeof TAKEDOWN_STATES)[number];

export const TAKEDOWN_ACTIONS = [
  'request_info',
  'info_received',
  'lapse',
  'accept',
  'reject',
  'assign',
  'decide',
  'apply',
  'close',
  'counter_notice',
  'forward_counter_notice',
  'restore',
  'suit_filed',
  'complaint',
  'uphold',
  'reverse',
  'note',
] as const;
export type TakedownAction = (typeof TAKEDOWN_ACTIONS)[number];

export const DECISION_OUTCOMES = ['remove', 'restrict', 'no_action', 'escalate_safety'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

const DISPUTABLE: readonly TakedownAction[] = ['counter_notice', 'complaint', 'note'];
const ALLOWED: Record<TakedownState, readonly TakedownAction[]> = {
  received: ['request_info', 'accept', 'reject', 'note'],
  needs_info: ['info_received', 'lapse', 'note'],
  triage: ['assign', 'request_info', 'note'],
  in_review: ['assign', 'decide', 'request_info', 'note'], // assign again = hand over to another reviewer
  decided: ['apply', ...DISPUTABLE],
  applied: ['close', ...DISPUTABLE],
  closed: DISPUTABLE,
  counter_notice_received: ['forward_counter_notice', 'note'],
  restore_pending: ['restore', 'suit_filed', 'note'],
  complaint_review: ['uphold', 'reverse', 'note'],
  // End states: notes only, e.g. the court's eventual ruling.
  lapsed: ['note'],
  rejected: ['note'],
  restored: ['note'],
  kept: ['note'],
  upheld: ['note'],
  reversed: ['note'],
};

/** The only role that may act on a takedown: these are legal decisions. Admins are not legal staff. */
export const TAKEDOWN_ROLE = 'legal';
/** The case workflow's own identity, for what intake and the statutory timers do without a person. */
export const TAKEDOWN_SYSTEM_ROLE = 'system';
/**
 * What the system may do: intake's completeness verdict (received → triage / needs_info /
 * rejected, per assessCompleteness), lapsing an unanswered request, and restoring content when
 * the §512(g)(2)(C) window opens with no lawsuit reported. Never a decision: that is legal's.
 */
export const TAKEDOWN_SYSTEM_ACTIONS: readonly TakedownAction[] = ['accept', 'request_info', 'reject', 'lapse', 'restore'];

/**
 * The shared CaseTransitionError (one refusal for every case kind), worded for takedowns; a
 * preservation hold (preservation.ts) words it for itself.
 */
export class InvalidTakedownTransitionError<S extends string = TakedownState, A extends string = TakedownAction> extends CaseTransitionError {
  declare readonly state: S;
  declare readonly action: A;

  constructor(state: S, action: A, reason?: string, subject = 'a takedown case') {
    super(state, action, `cannot ${action} ${subject} in state ${state}${reason ? `: ${reason}` : ''}`, reason);
    this.name = 'InvalidTakedownTransitionError';
  }
}

/** A role other than legal staff (the workflow answers it with 403, TakedownFailure.Forbidden). */
export class TakedownForbiddenError<A extends string = TakedownAction> extends Error {
  constructor(
    readonly role: string,
    readonly action: A,
    subject = 'a takedown case',
  ) {
    super(`role ${role} may not ${action} ${subject}; only legal staff may act on takedowns`);
    this.name = 'TakedownForbiddenError';
  }
}

export function canApplyTakedownAction(state: TakedownState, action: TakedownAction): boolean {
  return ALLOWED[state].includes(action);
}

/** Throws TakedownForbiddenError for the wrong role (checked first: others learn nothing of the case), then InvalidTakedownTransitionError. */
export function checkTakedownAction(state: TakedownState, action: TakedownAction, role: string): void {
  const allowedRole = role === TAKEDOWN_ROLE || (role === TAKEDOWN_SYSTEM_ROLE && TAKEDOWN_SYSTEM_ACTIONS.includes(action));
  if (!allowedRole) throw new TakedownForbiddenError(role, action);
  if (!canApplyTakedownAction(state, action)) throw new InvalidTakedownTransitionError(state, action);
}

// ── The case record ────────────────────────────────────────────────────────────────────────────

export type DecisionGround =
  /** Illegal content: the law relied on, e.g. "17 U.S.C. §106" or "§ 130 StGB". */
  | { kind: 'legal'; reference: string; explanation: string }
  /** Incompatible with our terms: the clause relied on. */
  | { kind: 'contractual'; reference: string; explanation: string };

export interface TakedownDecision {
  outcome: DecisionOutcome;
  measure: Measure;
  ground: DecisionGround;
  /** Facts and circumstances relied on (DSA Art. 17(3)(b)). */
  facts: string;
  /** Whether the content was found by automated means, and how far the decision was automated (Art. 17(3)(c)). */
  automatedDetection: boolean;
  automatedDecision: 'fully' | 'partially' | 'not_automated';
  /** When a temporary restriction ends; null = indefinite. */
  endsAt: number | null;
}

export type TakedownHistoryData = Readonly<Record<string, unknown>>;

export interface TakedownHistoryEntry {
  action: TakedownAction;
  /** Who acted: a staff member's ID, or 'system' for a timer. */
  actor: string;
  at: number;
  data: TakedownHistoryData;
}

export interface TakedownActor {
  id: string;
  role: string;
}

export interface TakedownCase {
  state: TakedownState;
  regimes: readonly Regime[];
  legalBasis: LegalBasis;
  tier: TakedownTier;
  receivedAt: number;
  /** Set when review can start (accept / info_received). */
  decisionDue: Deadline | null;
  infoRequestLapsesAt: number | null;
  reviewer: string | null;
  decision: TakedownDecision | null;
  decidedAt: number | null;
  /** Who decided: a complaint against the decision is reviewed by someone else (Art. 20(6)). Absent on cases recorded before it was kept. */
  decidedBy?: string | null;
  /**
   * DSA cases: first instant after the Art. 20 window. Set at decide (the notifier is told then)
   * and, when the content is restricted, counted again at apply, when the uploader's statement
   * of reasons goes out: at least the window after each side was informed.
   */
  complaintClosesAt: number | null;
  counterNoticeAt: number | null;
  restoreWindow: RestoreWindow | null;
  history: readonly TakedownHistoryEntry[];
}

export function openTakedownCase(input: { regimes: readonly Regime[]; legalBasis: LegalBasis; tier: TakedownTier; receivedAt: number }): TakedownCase {
  if (input.regimes.length === 0) throw new RangeError('a takedown case has at least one regime');
  return {
    state: 'received',
    regimes: [...input.regimes],
    legalBasis: input.legalBasis,
    tier: input.tier,
    receivedAt: input.receivedAt,
    decisionDue: null,
    infoRequestLapsesAt: null,
    reviewer: null,
    decision: null,
    decidedAt: null,
    decidedBy: null,
    complaintClosesAt: null,
    counterNoticeAt: null,
    restoreWindow: null,
    history: [],
  };
}

export type TakedownCommand =
  | { action: 'request_info'; missing: string[] }
  | { action: 'info_received' }
  | { action: 'lapse' }
  | { action: 'accept' }
  | { action: 'reject'; reason: string }
  | { action: 'assign'; reviewer: string }
  | { action: 'decide'; decision: TakedownDecision }
  /** For escalate_safety: the law-enforcement or judicial authority informed (DSA Art. 18). */
  | { action: 'apply'; authorityInformed?: string }
  | { action: 'close' }
  | { action: 'counter_notice' }
  | { action: 'forward_counter_notice' }
  | { action: 'restore' }
  | { action: 'suit_filed'; court?: string }
  | { action: 'complaint'; by: 'notifier' | 'uploader'; grounds: string }
  | { action: 'uphold'; reasons: string }
  | { action: 'reverse'; reasons: string }
  | { action: 'note'; text: string };

/** The rules the table cannot express: time limits, which regime allows a dispute, what a decision must say. */
export function checkTakedownCommand(c: TakedownCase, command: TakedownCommand, actor: TakedownActor, now: number): void {
  checkTakedownAction(c.state, command.action, actor.role);
  const refuse = (reason: string) => new InvalidTakedownTransitionError(c.state, command.action, reason);
  switch (command.action) {
    case 'request_info':
      if (command.missing.length === 0) throw refuse('name the missing fields');
      return;
    case 'lapse':
      if (c.infoRequestLapsesAt !== null && now < c.infoRequestLapsesAt) {
        throw refuse(`the notifier has until ${iso(c.infoRequestLapsesAt)} to answer`);
      }
      return;
    case 'reject':
      if (blank(command.reason)) throw refuse('give the notifier a reason');
      return;
    case 'assign':
      if (blank(command.reviewer)) throw refuse('name the reviewer');
      return;
    case 'decide':
      checkDecision(command.decision, refuse);
      return;
    case 'apply':
      if (c.decision?.outcome === 'escalate_safety' && blank(command.authorityInformed ?? '')) {
        throw refuse('name the authority informed of the threat (DSA Art. 18)');
      }
      return;
    case 'counter_notice':
      // §512(g) protects material "removed or disabled" under a §512(c) notice, nothing else.
      if (!c.regimes.includes('dmca') || c.legalBasis !== 'copyright') throw refuse('counter-notices answer DMCA copyright removals only');
      if (c.decision?.outcome !== 'remove' && c.decision?.outcome !== 'restrict') throw refuse('nothing was removed or disabled');
      return;
    case 'restore':
      if (c.restoreWindow && now < c.restoreWindow.notBefore) {
        throw refuse(`the notifier has until ${iso(c.restoreWindow.notBefore)} to report a lawsuit (§512(g)(2)(C))`);
      }
      return;
    case 'complaint':
      if (!c.regimes.includes('dsa')) throw refuse('internal complaints (DSA Art. 20) need a DSA case');
      if (c.complaintClosesAt !== null && now >= c.complaintClosesAt) throw refuse(`the complaint window closed at ${iso(c.complaintClosesAt)}`);
      if (blank(command.grounds)) throw refuse('say why the decision is wrong');
      return;
    case 'uphold':
    case 'reverse':
      // The statement of reasons promises review "by a different person": the decider may not uphold or reverse.
      if (c.decidedBy && c.decidedBy === actor.id) {
        throw refuse(`${actor.id} decided this case; a complaint is reviewed by a different person (DSA Art. 20)`);
      }
      if (blank(command.reasons)) throw refuse('give reasons for the complaint decision (Art. 20(5))');
      return;
    case 'note':
      if (blank(command.text)) throw refuse('a note needs text');
      return;
    case 'info_received':
    case 'accept':
    case 'close':
    case 'forward_counter_notice':
    case 'suit_filed':
      return;
  }
}

function checkDecision(d: TakedownDecision, refuse: (reason: string) => Error): void {
  const expected: Partial<Record<DecisionOutcome, Measure['kind']>> = { remove: 'global_removal', restrict: 'geo_restriction', no_action: 'no_action' };
  const kind = expected[d.outcome];
  if (kind && d.measure.kind !== kind) throw refuse(`a ${d.outcome} decision takes the ${kind} measure, not ${d.measure.kind}`);
  if (d.measure.kind === 'geo_restriction' && d.measure.countries.length === 0) throw refuse('a geo-restriction names its countries');
  if (blank(d.facts)) throw refuse('state the facts and circumstances relied on');
  if (d.measure.kind !== 'no_action' && (blank(d.ground.reference) || blank(d.ground.explanation))) {
    throw refuse('name the legal or contractual ground and explain it');
  }
}

/** The case after `command`, with its history entry; throws as checkTakedownCommand does. */
export function applyTakedownAction(c: TakedownCase, command: TakedownCommand, actor: TakedownActor, now: number, policy: TakedownPolicy): TakedownCase {
  checkTakedownCommand(c, command, actor, now);
  const { action, ...data } = command;
  const next: TakedownCase = { ...c };
  const derived: Record<string, unknown> = {};
  switch (command.action) {
    case 'request_info':
      next.state = 'needs_info';
      next.infoRequestLapsesAt = derived.lapsesAt = needsInfoLapseAt(policy, now);
      break;
    case 'info_received':
    case 'accept':
      // The decision clock starts once the notice is complete enough to review.
      next.state = 'triage';
      next.infoRequestLapsesAt = null;
      next.decisionDue = decisionDeadline(policy, c.regimes, c.tier, now);
      derived.decisionDueAt = next.decisionDue.dueAt;
      break;
    case 'lapse':
      next.state = 'lapsed';
      break;
    case 'reject':
      next.state = 'rejected';
      break;
    case 'assign':
      next.state = 'in_review';
      next.reviewer = command.reviewer;
      break;
    case 'decide':
      next.state = 'decided';
      next.decision = command.decision;
      next.decidedAt = now;
      next.decidedBy = actor.id;
      // The notifier hears the decision now (Art. 16(5)): the window runs at least from here.
      if (c.regimes.includes('dsa')) next.complaintClosesAt = derived.complaintClosesAt = complaintDeadline(policy, now);
      break;
    case 'apply':
      next.state = 'applied';
      // The uploader is informed now (the statement of reasons goes out with the restriction):
      // Art. 20(1) gives them at least the window from here, not from the decision.
      if (c.regimes.includes('dsa') && c.decision && c.decision.measure.kind !== 'no_action') {
        next.complaintClosesAt = derived.complaintClosesAt = Math.max(c.complaintClosesAt ?? 0, complaintDeadline(policy, now));
      }
      break;
    case 'close':
      next.state = 'closed';
      break;
    case 'counter_notice':
      next.state = 'counter_notice_received';
      next.counterNoticeAt = now;
      // §512(g)(2)(C) counts from receipt of the counter-notice, not from forwarding it.
      next.restoreWindow = restoreWindow(policy, now);
      derived.restoreNotBefore = next.restoreWindow.notBefore;
      derived.restoreNotAfter = next.restoreWindow.notAfter;
      break;
    case 'forward_counter_notice':
      next.state = 'restore_pending';
      break;
    case 'restore':
      next.state = 'restored';
      break;
    case 'suit_filed':
      next.state = 'kept';
      break;
    case 'complaint':
      next.state = 'complaint_review';
      break;
    case 'uphold':
      next.state = 'upheld';
      break;
    case 'reverse':
      next.state = 'reversed';
      break;
    case 'note':
      break;
  }
  next.history = [...c.history, { action, actor: actor.id, at: now, data: { ...data, ...derived } }];
  return next;
}

function blank(s: string): boolean {
  return s.trim() === '';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
