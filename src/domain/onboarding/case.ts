import type { BusinessCalendar } from '../sla/calendar';
import type { AgentStatus, AgentTier } from './agent';
import { Curriculum, extendedClose, mentoredWindow, monthsAfter, OnboardingPlan, onboardingPlan, plannedClassroomHours } from './curriculum';
import { AhtTarget, GateValues, gatesNotPassed } from './gates';
import { addQaScore, checkQaScore, QaRefusal, QaReview } from './qa';

/**
 * One agent's onboarding (issue 14 §2) as a pure state machine: classroom hours per module, the
 * mentored period with its gates, double-blind QA, the decision, and after certification the
 * refreshers whose mandatory ones, overdue past their grace, suspend solo work. The workflow
 * (src/workflows/onboarding/) applies these; the API's answers come from them too.
 */

export const ONBOARDING_PHASES = ['classroom', 'mentored', 'certified', 'stopped'] as const;
export type OnboardingPhase = (typeof ONBOARDING_PHASES)[number];

/** Who may act: trainers record training and assign mentors; trainers and operations leads (admin) decide; reviewers score QA. */
export const ONBOARDING_ROLES = {
  session: ['trainer'],
  start_mentored: ['trainer', 'admin'],
  qa_score: ['trainer', 'agent'],
  decide: ['trainer', 'admin'],
  evaluate_gates: ['trainer', 'admin'],
} as const;

export interface OnboardingPolicy {
  brand: string;
  version: string;
  curriculum: Curriculum;
  calendar: BusinessCalendar;
  aht: AhtTarget | null;
}

export interface RefresherDue {
  id: string;
  /** This cycle's due moment and the hours recorded towards it. */
  dueAt: number;
  hours: number;
  /** The cycle (1 = the first after certification) and whether its overdue notice / suspension went out. */
  cycle: number;
  overdueSent: boolean;
  suspended: boolean;
}

export interface OnboardingDecision {
  outcome: 'certify' | 'extend' | 'stop';
  by: string;
  at: number;
  note: string;
}

export interface OnboardingCase {
  agentId: string;
  brand: string;
  tier: AgentTier;
  teamLead: string | null;
  phase: OnboardingPhase;
  startedAt: number;
  plan: OnboardingPlan;
  /** Classroom hours recorded per module (every module of the curriculum, from 0). */
  hours: Record<string, number>;
  sessions: number;
  classroomDoneAt: number | null;
  mentor: string | null;
  /** The mentored period as it runs (from the mentor's assignment; closesAt moved once by an extension). */
  mentored: { startsAt: number; earliestEndAt: number; closesAt: number; extended: boolean } | null;
  gates: GateValues | null;
  /** Reviews not yet scored, and the latest scored ones (as many as the QA gate looks at). */
  reviews: QaReview[];
  reviewsScored: number;
  /** Every scored review's ID (QA ends at certification, so this stays small): a scored ID is never scored again. */
  scoredReviewIds: string[];
  decisions: OnboardingDecision[];
  certifiedAt: number | null;
  refreshers: RefresherDue[];
  /** Weekly check-ins done (classroom and mentored phases). */
  checkIns: number;
  /** Escalations sent, by key: each goes out once. */
  escalated: string[];
}

export type OnboardingCommand =
  | { action: 'session'; module: string; hours: number; heldOn?: string }
  | { action: 'start_mentored'; mentor: string }
  | { action: 'qa_score'; reviewId: string; ticketId: string; criteria: Record<string, number> }
  | { action: 'decide'; outcome: OnboardingDecision['outcome']; note: string };

export interface OnboardingActor {
  id: string;
  role: string;
}

/** A refused action: the API's 409 (state) or 422 (a field), naming why. */
export class OnboardingRefusal extends Error {
  constructor(
    readonly kind: 'state' | 'field' | 'role',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'OnboardingRefusal';
  }
}

export function openOnboardingCase(p: { agentId: string; brand: string; tier: AgentTier; teamLead: string | null; startedAt: number }, policy: OnboardingPolicy): OnboardingCase {
  const plan = onboardingPlan(policy.curriculum, policy.calendar, p.startedAt);
  return {
    ...p,
    phase: 'classroom',
    plan,
    hours: Object.fromEntries(policy.curriculum.classroom.modules.map((m) => [m.id, 0])),
    sessions: 0,
    classroomDoneAt: null,
    mentor: null,
    mentored: null,
    gates: null,
    reviews: [],
    reviewsScored: 0,
    scoredReviewIds: [],
    decisions: [],
    certifiedAt: null,
    refreshers: [],
    checkIns: 0,
    escalated: [],
  };
}

export const isFinal = (c: OnboardingCase): boolean => c.phase === 'stopped';

/** A phase in a sentence ("the agent is in the classroom"). */
export const PHASE_WORDS: Record<OnboardingPhase, string> = { classroom: 'in the classroom', mentored: 'in the mentored period', certified: 'certified', stopped: 'stopped' };

/** How many weekly check-ins are due by `now`: a case started in the past (or a worker away for weeks) checks in once, not once per missed week. */
export function checkInsDueBy(c: Pick<OnboardingCase, 'plan'>, weekMs: number, now: number): number {
  return Math.max(0, Math.floor((now - c.plan.startsAt) / weekMs));
}

/** Classroom modules still short of their minimum hours, and the hours still missing in all. */
export function classroomShortfall(c: OnboardingCase, curriculum: Curriculum): { modules: { id: string; missing: number }[]; totalMissing: number } {
  const modules = curriculum.classroom.modules.map((m) => ({ id: m.id, missing: Math.max(0, m.hours.min - (c.hours[m.id] ?? 0)) })).filter((m) => m.missing > 0);
  const recorded = Object.values(c.hours).reduce((a, h) => a + h, 0);
  return { modules, totalMissing: Math.max(0, plannedClassroomHours(curriculum) - recorded, ...modules.map((m) => m.missing)) };
}

export const classroomComplete = (c: OnboardingCase, curriculum: Curriculum): boolean => classroomShortfall(c, curriculum).totalMissing === 0;

/** Modules behind a straight-line plan at `now` (hours due by now of each module's minimum): the weekly check-in's at-risk list. */
export function modulesBehind(c: OnboardingCase, curriculum: Curriculum, now: number): string[] {
  const due = c.plan.classroomDueAt;
  if (due === null || c.phase !== 'classroom') return [];
  const share = Math.min(1, Math.max(0, (now - c.plan.startsAt) / (due - c.plan.startsAt)));
  return curriculum.classroom.modules.filter((m) => (c.hours[m.id] ?? 0) < m.hours.min * share - 1e-9).map((m) => m.id);
}

/** Measuring the gates (on demand): trainers and operations leads, while the agent is still being onboarded. */
export function checkGateMeasurement(c: OnboardingCase, actor: OnboardingActor): void {
  const roles: readonly string[] = ONBOARDING_ROLES.evaluate_gates;
  if (!roles.includes(actor.role)) throw new OnboardingRefusal('role', `role ${actor.role} may not measure the gates; roles: ${roles.join(', ')}`);
  if (c.phase === 'certified' || isFinal(c)) throw new OnboardingRefusal('state', `the agent is ${PHASE_WORDS[c.phase]}: no gates to measure`);
}

/** Refuses (throws OnboardingRefusal) what the case does not allow now; returns nothing when it may go ahead. */
export function checkOnboardingCommand(c: OnboardingCase, cmd: OnboardingCommand, actor: OnboardingActor, policy: OnboardingPolicy, now: number): void {
  const roles: readonly string[] = ONBOARDING_ROLES[cmd.action];
  if (!roles.includes(actor.role)) throw new OnboardingRefusal('role', `role ${actor.role} may not ${cmd.action.replace('_', ' ')}; roles: ${roles.join(', ')}`);
  if (isFinal(c)) throw new OnboardingRefusal('state', `onboarding of ${c.agentId} has stopped`);
  const cur = policy.curriculum;
  switch (cmd.action) {
    case 'session': {
      if (!(cmd.hours > 0 && cmd.hours <= 12 && Number.isInteger(cmd.hours * 4))) throw new OnboardingRefusal('field', 'hours in quarter hours, more than 0 and at most 12 a session', 'hours');
      const refresher = cur.refreshers.find((r) => r.id === cmd.module);
      if (c.phase === 'certified') {
        if (!refresher) throw new OnboardingRefusal('field', `a certified agent's sessions are refreshers: ${cur.refreshers.map((r) => r.id).join(', ') || 'none in the pack'}`, 'module');
        return;
      }
      if (!Object.hasOwn(c.hours, cmd.module)) throw new OnboardingRefusal('field', `not a classroom module of ${c.brand}: ${Object.keys(c.hours).join(', ')}`, 'module');
      return;
    }
    case 'start_mentored': {
      if (!cur.mentored) throw new OnboardingRefusal('state', `${c.brand}'s curriculum has no mentored period: certify once the gates pass`);
      if (c.phase !== 'classroom') throw new OnboardingRefusal('state', `the agent is ${PHASE_WORDS[c.phase]}, not in the classroom`);
      if (cmd.mentor === c.agentId) throw new OnboardingRefusal('field', 'an agent does not mentor themselves', 'mentor');
      const short = classroomShortfall(c, cur);
      if (short.totalMissing > 0) {
        const modules = short.modules.map((m) => `${m.id} ${m.missing} h`).join(', ');
        throw new OnboardingRefusal('state', `the classroom is ${short.totalMissing} h short${modules ? ` (${modules})` : ''}`);
      }
      return;
    }
    case 'qa_score': {
      if (!cur.qa) throw new OnboardingRefusal('state', `${c.brand}'s curriculum has no QA rubric`);
      if (c.phase === 'certified') throw new OnboardingRefusal('state', 'the agent is certified: onboarding QA is over');
      const review = c.reviews.find((r) => r.id === cmd.reviewId);
      // A scored review the case no longer holds (beyond the gate's window) is still scored.
      if (!review && c.scoredReviewIds.includes(cmd.reviewId)) throw new OnboardingRefusal('state', `review ${cmd.reviewId} is scored`, 'reviewId');
      try {
        checkQaScore(cur.qa, review, c.agentId, cmd.ticketId, actor.id, cmd.criteria);
      } catch (err) {
        if (err instanceof QaRefusal) throw new OnboardingRefusal(err.field === 'reviewId' || err.message.includes('already') ? 'state' : 'field', err.message, err.field);
        throw err;
      }
      return;
    }
    case 'decide': {
      if (c.phase === 'certified' && cmd.outcome !== 'stop') throw new OnboardingRefusal('state', 'the agent is certified: only stop (leaving) remains');
      if (cmd.outcome === 'extend') {
        if (c.phase !== 'mentored' || !c.mentored) throw new OnboardingRefusal('state', 'only the mentored period is extended');
        if (c.mentored.extended) throw new OnboardingRefusal('state', 'the mentored period was extended once already');
      }
      if (cmd.outcome === 'certify') {
        if (cur.mentored && c.phase !== 'mentored') throw new OnboardingRefusal('state', `the agent is ${PHASE_WORDS[c.phase]}: certification follows the mentored period`);
        if (!cur.mentored && !classroomComplete(c, cur)) throw new OnboardingRefusal('state', `the modules are ${classroomShortfall(c, cur).totalMissing} h short`);
        if (c.mentored && now < c.mentored.earliestEndAt) throw new OnboardingRefusal('state', `the mentored period lasts until ${new Date(c.mentored.earliestEndAt).toISOString()} at least`);
        const open = gatesNotPassed(c.gates, cur);
        if (open.length) throw new OnboardingRefusal('state', `gates not passed: ${open.join(', ')} (evaluate them, or extend)`);
      }
      return;
    }
  }
}

/** Applies a checked command; returns the new case and what happened, for the record. */
export function applyOnboardingCommand(c: OnboardingCase, cmd: OnboardingCommand, actor: OnboardingActor, policy: OnboardingPolicy, now: number): { c: OnboardingCase; data: Record<string, unknown> } {
  checkOnboardingCommand(c, cmd, actor, policy, now);
  const cur = policy.curriculum;
  switch (cmd.action) {
    case 'session': {
      if (c.phase === 'certified') {
        const refreshers = c.refreshers.map((r) => (r.id === cmd.module ? completeRefresher(r, cmd.hours, cur, c.certifiedAt!) : r));
        const before = c.refreshers.find((r) => r.id === cmd.module)!;
        const after = refreshers.find((r) => r.id === cmd.module)!;
        return { c: { ...c, refreshers, sessions: c.sessions + 1 }, data: { module: cmd.module, hours: cmd.hours, heldOn: cmd.heldOn ?? null, refresher: true, completedCycle: after.cycle > before.cycle ? before.cycle : null, restored: before.suspended && !after.suspended } };
      }
      const hours = { ...c.hours, [cmd.module]: c.hours[cmd.module] + cmd.hours };
      const next = { ...c, hours, sessions: c.sessions + 1 };
      const done = c.classroomDoneAt === null && classroomComplete(next, cur);
      return { c: done ? { ...next, classroomDoneAt: now } : next, data: { module: cmd.module, hours: cmd.hours, heldOn: cmd.heldOn ?? null, moduleHours: hours[cmd.module], classroomComplete: classroomComplete(next, cur) } };
    }
    case 'start_mentored': {
      const w = mentoredWindow(cur, policy.calendar, now)!;
      return { c: { ...c, phase: 'mentored', mentor: cmd.mentor, mentored: { ...w, extended: false } }, data: { mentor: cmd.mentor, startsAt: w.startsAt, earliestEndAt: w.earliestEndAt, closesAt: w.closesAt } };
    }
    case 'qa_score': {
      const before = c.reviews.find((r) => r.id === cmd.reviewId);
      const review = addQaScore(cur.qa!, before, cmd.reviewId, cmd.ticketId, { reviewer: actor.id, criteria: cmd.criteria, at: now });
      const scored = review.state === 'scored';
      const others = c.reviews.filter((r) => r.id !== cmd.reviewId);
      // Scored reviews beyond what the gate reads are dropped: the state stays bounded (the read model keeps every score).
      const keep = cur.qa!.lastReviews;
      const reviews = [...others, review];
      const scoredOnes = reviews.filter((r) => r.state === 'scored');
      const bounded = reviews.filter((r) => r.state !== 'scored' || scoredOnes.indexOf(r) >= scoredOnes.length - keep);
      // The record says only how far the review is: the score stays blind until revealed.
      return {
        c: { ...c, reviews: bounded, reviewsScored: c.reviewsScored + (scored ? 1 : 0), scoredReviewIds: scored ? [...c.scoredReviewIds, review.id] : c.scoredReviewIds },
        data: { reviewId: review.id, ticketId: review.ticketId, state: review.state, scoresIn: review.scores.length, ...(scored ? { final: review.final, passed: review.passed } : {}) },
      };
    }
    case 'decide': {
      const decision: OnboardingDecision = { outcome: cmd.outcome, by: actor.id, at: now, note: cmd.note };
      const decisions = [...c.decisions, decision];
      if (cmd.outcome === 'stop') return { c: { ...c, phase: 'stopped', decisions }, data: { outcome: 'stop', from: c.phase, note: cmd.note } };
      if (cmd.outcome === 'extend') {
        const closesAt = extendedClose(cur, policy.calendar, c.mentored!.closesAt);
        return { c: { ...c, decisions, mentored: { ...c.mentored!, closesAt, extended: true } }, data: { outcome: 'extend', closesAt, note: cmd.note } };
      }
      const refreshers = cur.refreshers.map((r) => ({ id: r.id, dueAt: monthsAfter(cur, now, r.everyMonths), hours: 0, cycle: 1, overdueSent: false, suspended: false }));
      return { c: { ...c, phase: 'certified', decisions, certifiedAt: now, refreshers }, data: { outcome: 'certify', gates: c.gates, note: cmd.note } };
    }
  }
}

/**
 * A refresher's hours recorded; enough hours close the cycle and lift its suspension. Cycles are
 * counted from the certification (cycle n due n periods after it), so a refresher due on the 31st
 * stays at the month's end rather than drifting to the 28th, and one done late is not moved later.
 */
function completeRefresher(r: RefresherDue, hours: number, cur: Curriculum, certifiedAt: number): RefresherDue {
  const spec = cur.refreshers.find((x) => x.id === r.id)!;
  const total = r.hours + hours;
  if (total + 1e-9 < spec.hours) return { ...r, hours: total };
  return { id: r.id, dueAt: monthsAfter(cur, certifiedAt, spec.everyMonths * (r.cycle + 1)), hours: 0, cycle: r.cycle + 1, overdueSent: false, suspended: false };
}

/** Gate values measured now, recorded on the case. */
export function withGates(c: OnboardingCase, gates: GateValues): OnboardingCase {
  return { ...c, gates };
}

/** Whether the agent may work alone, as the registry should show it: certified and not suspended for an overdue mandatory refresher. */
export function registryStatus(c: OnboardingCase): AgentStatus {
  if (c.phase === 'stopped') return 'suspended';
  if (c.phase === 'certified') return c.refreshers.some((r) => r.suspended) ? 'suspended' : 'certified';
  return c.phase === 'mentored' ? 'mentored' : 'onboarding';
}
