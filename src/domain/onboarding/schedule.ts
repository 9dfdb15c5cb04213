import { earliest, type Due } from '../schedule';
import { nextOpening } from '../sla/calendar';
import { utcTime } from '../ui-details';
import { classroomComplete, OnboardingCase, OnboardingPolicy } from './case';
import { plannedClassroomHours, weekLength } from './curriculum';

/**
 * What an onboarding case waits for (issue 14 §2), pure: the weekly check-in (hours against plan
 * in the classroom; the gates measured in the mentored period), the classroom's deadline passed
 * with hours short, the mentored period's close without a decision, and after certification each
 * refresher's due date and, for a mandatory one, the end of its grace (solo work suspended).
 * Escalations go to the team lead once each, inside the training calendar's hours.
 */
export type OnboardingDueKind = 'check_in' | 'classroom_overdue' | 'decision_due' | 'refresher_overdue' | 'refresher_suspend';

export interface OnboardingDue extends Due {
  kind: OnboardingDueKind;
  /** The escalation's key (recorded in `escalated`, and the notification's business key) or the refresher's id. */
  key: string;
}

const DAY_MS = 86_400_000;

/** An escalation's moment: the first open moment of the training calendar at or after `at` (a test pack's elapsed weeks: `at`). */
export function escalationMoment(policy: OnboardingPolicy, at: number): number {
  return policy.curriculum.testWeek !== undefined ? at : nextOpening(policy.calendar, at);
}

/** Every moment the case waits for now, earliest first. */
export function onboardingDues(c: OnboardingCase, policy: OnboardingPolicy): OnboardingDue[] {
  const cur = policy.curriculum;
  const dues: OnboardingDue[] = [];
  if (c.phase === 'classroom' || c.phase === 'mentored') {
    const week = c.checkIns + 1;
    const what = c.phase === 'classroom' ? `classroom ${hoursIn(c)} of ${plannedClassroomHours(cur)} h` : 'mentored: gates measured';
    // Weeks count from the first training day's opening (the plan's), not the instant the case was opened.
    dues.push({ kind: 'check_in', key: `check-in-${week}`, at: c.plan.startsAt + week * weekLength(cur), summary: `weekly check-in ${week} (${what})` });
  }
  const due = c.plan.classroomDueAt;
  if (c.phase === 'classroom' && due !== null && !classroomComplete(c, cur) && !c.escalated.includes('classroom-overdue')) {
    dues.push({ kind: 'classroom_overdue', key: 'classroom-overdue', at: escalationMoment(policy, due), summary: `classroom overdue (due ${utcTime(due)}): tell the team lead` });
  }
  if (c.phase === 'mentored' && c.mentored) {
    const key = `decision-due-${c.mentored.closesAt}`;
    if (!c.escalated.includes(key)) {
      dues.push({ kind: 'decision_due', key, at: escalationMoment(policy, c.mentored.closesAt), summary: `mentored period closes (${utcTime(c.mentored.closesAt)}): decision due` });
    }
  }
  if (c.phase === 'certified') {
    for (const r of c.refreshers) {
      const spec = cur.refreshers.find((x) => x.id === r.id);
      if (!spec) continue;
      if (!r.overdueSent) dues.push({ kind: 'refresher_overdue', key: r.id, at: r.dueAt, summary: `${spec.name} due (cycle ${r.cycle}, ${spec.hours} h)` });
      if (spec.mandatory && !r.suspended) {
        const grace = Math.round(spec.graceDays * (cur.testWeek !== undefined ? weekLength(cur) / 7 : DAY_MS));
        dues.push({ kind: 'refresher_suspend', key: r.id, at: r.dueAt + grace, summary: `${spec.name} overdue past ${spec.graceDays}d grace: suspend solo work` });
      }
    }
  }
  return dues.sort((a, b) => a.at - b.at);
}

export function nextOnboardingDue(c: OnboardingCase, policy: OnboardingPolicy): OnboardingDue | null {
  return earliest(onboardingDues(c, policy)) as OnboardingDue | null;
}

/** The next deadline the case shows (search attribute, API): the classroom's, the decision's, or a refresher's. */
export function nextOnboardingDeadline(c: OnboardingCase): number | null {
  if (c.phase === 'classroom') return c.plan.classroomDueAt;
  if (c.phase === 'mentored') return c.mentored?.closesAt ?? null;
  if (c.phase === 'certified') return c.refreshers.reduce<number | null>((a, r) => (a === null || r.dueAt < a ? r.dueAt : a), null);
  return null;
}

/** What is overdue at `now`, in words (the API's and the UI's "Overdue"). */
export function overdueItems(c: OnboardingCase, policy: OnboardingPolicy, now: number): string[] {
  const items: string[] = [];
  if (c.phase === 'classroom' && c.plan.classroomDueAt !== null && now > c.plan.classroomDueAt && !classroomComplete(c, policy.curriculum)) items.push('classroom');
  if (c.phase === 'mentored' && c.mentored && now > c.mentored.closesAt) items.push('decision');
  if (c.phase === 'certified') for (const r of c.refreshers) if (now > r.dueAt) items.push(`refresher:${r.id}`);
  return items;
}

const hoursIn = (c: OnboardingCase): number => Object.values(c.hours).reduce((a, h) => a + h, 0);
