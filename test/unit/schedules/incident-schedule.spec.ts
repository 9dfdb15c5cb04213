import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { escalationSteps } from '../../../src/domain/incident/escalation';
import { INCIDENT_METRICS, IncidentPolicy, pinIncidentPolicy } from '../../../src/domain/incident/incident-policy';
import { IncidentScheduleState, incidentSchedule, pageDueTimes, reviewTimers, SchedulePage } from '../../../src/domain/incident/schedule';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import { earliest } from '../../../src/domain/schedule';
import { fulfilSlaClock, markSlaClockAtRisk, SlaClock, startSlaClock } from '../../../src/domain/sla/clock';

/** The shipped pack, pinned the way an incident pins it when it opens. */
const shipped = (brand: string): IncidentPolicy =>
  pinIncidentPolicy(policyPackSchema.parse(parseYaml(readFileSync(resolve(__dirname, '..', '..', '..', 'policies', `${brand}.yaml`), 'utf8'))));

const UOOZEE = shipped('uoozee');
const VIVTONE = shipped('vivtone');
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A just-triggered incident of the pack's priority, as the workflow opens one (clocks running, the pack's ladder planned if it pages). */
function triggered(policy: IncidentPolicy, priority: string, triggeredAt: number): IncidentScheduleState {
  const { calendar, targets } = policy.priorities[priority];
  const clocks: IncidentScheduleState['clocks'] = {};
  for (const metric of INCIDENT_METRICS) {
    const target = targets[metric];
    if (target !== undefined) clocks[metric] = startSlaClock(metric, target, calendar, triggeredAt, { atRiskRatio: policy.atRiskRatio });
  }
  const steps = policy.pagePriorities.includes(priority) ? escalationSteps(policy.escalation) : [];
  const times = pageDueTimes(steps, calendar, triggeredAt);
  const pages: SchedulePage[] = steps.map((s, i) => ({ step: s.step, level: s.level, loop: s.loop, targets: s.targets, dueAt: times[i], state: 'scheduled' }));
  return { status: 'triggered', clocks, pages, reviewDueAt: null, reviewReminders: [], reviewOverdueSent: false };
}

const next = (s: IncidentScheduleState) => {
  const due = earliest(incidentSchedule(s));
  return due && { at: new Date(due.at).toISOString(), summary: due.summary };
};

describe('incident schedule on the shipped uoozee pack (America/New_York, 09:00–18:00; P1 24×7)', () => {
  // Friday 2026-12-04 16:30 EST = 21:30Z.
  const friday1630 = at('2026-12-04T21:30:00Z');

  it('a P1 pages its ladder around the clock: three levels five minutes apart, twice (seed: everyone paged within 15 minutes)', () => {
    const s = triggered(UOOZEE, 'P1', friday1630);
    expect(s.pages.map((p) => isoOf(p.dueAt))).toEqual([
      '2026-12-04T21:30:00.000Z',
      '2026-12-04T21:35:00.000Z',
      '2026-12-04T21:40:00.000Z',
      '2026-12-04T21:45:00.000Z',
      '2026-12-04T21:50:00.000Z',
      '2026-12-04T21:55:00.000Z',
    ]);
    expect(next(s)).toEqual({ at: '2026-12-04T21:30:00.000Z', summary: 'page step 0 (level 0): rotation:sre-primary' });
    // Named as the API numbers pages: pages[3] is level 0 of the second pass (loop 1).
    expect(incidentSchedule(s).find((d) => d.at === s.pages[3].dueAt)?.summary).toBe('page step 3 (level 0, loop 1): rotation:sre-primary');
  });

  it('a P1 whose pages went out waits for its clocks: seed "P1 — initial response ≤15 minutes, mitigation action ≤2 hours", at risk at 75 %', () => {
    const s = triggered(UOOZEE, 'P1', friday1630);
    s.pages = s.pages.map((p) => ({ ...p, state: 'sent' }));
    expect(next(s)).toEqual({ at: '2026-12-04T21:41:15.000Z', summary: 'acknowledgement SLA at-risk point (15m target)' });
    s.clocks.firstResponse = markSlaClockAtRisk(s.clocks.firstResponse!, at('2026-12-04T21:41:15Z'));
    expect(next(s)).toEqual({ at: '2026-12-04T21:45:00.000Z', summary: 'acknowledgement SLA deadline (15m target)' });
    s.clocks.firstResponse = fulfilSlaClock(s.clocks.firstResponse!, UOOZEE.priorities.P1.calendar, at('2026-12-04T21:44:00Z'));
    expect(next(s)).toEqual({ at: '2026-12-04T23:00:00.000Z', summary: 'mitigation SLA at-risk point (2h target)' });
  });

  it('a page and a deadline due at the same instant: the timer is named after the page', () => {
    const s = triggered(UOOZEE, 'P1', friday1630);
    s.pages = s.pages.map((p, i) => ({ ...p, state: i === 3 ? 'scheduled' : 'cancelled' }));
    s.clocks.firstResponse = markSlaClockAtRisk(s.clocks.firstResponse!, friday1630);
    expect(next(s)).toEqual({ at: '2026-12-04T21:45:00.000Z', summary: 'page step 3 (level 0, loop 1): rotation:sre-primary' });
  });

  it('a P2 pages and counts in business hours only: triggered Friday 17:50, its later pages and its clocks land on Monday', () => {
    const s = triggered(UOOZEE, 'P2', at('2026-12-04T22:50:00Z'));
    // The third page uses up Friday's last minutes exactly (due at closing, 18:00); the fourth is Monday 09:05.
    expect(s.pages.map((p) => isoOf(p.dueAt)).slice(0, 4)).toEqual(['2026-12-04T22:50:00.000Z', '2026-12-04T22:55:00.000Z', '2026-12-04T23:00:00.000Z', '2026-12-07T14:05:00.000Z']);
    // P2: response 1 h (at risk after 45 min), resolution plan 8 h (at risk after 6 h), business time.
    expect(isoOf(s.clocks.firstResponse!.deadlineAt!)).toBe('2026-12-07T14:50:00.000Z');
    expect(isoOf(s.clocks.resolution!.deadlineAt!)).toBe('2026-12-07T21:50:00.000Z');
    s.pages = s.pages.map((p) => ({ ...p, state: 'cancelled' }));
    expect(next(s)).toEqual({ at: '2026-12-07T14:35:00.000Z', summary: 'acknowledgement SLA at-risk point (1h target)' });
  });

  it('a P3 does not page (pagePriorities P1, P2): only its clocks are due', () => {
    const s = triggered(UOOZEE, 'P3', friday1630);
    expect(s.pages).toEqual([]);
    // 4 h of business time from Friday 16:30: 1.5 h on Friday, 2.5 h on Monday from 09:00; at risk after 3 h.
    expect(next(s)).toEqual({ at: '2026-12-07T15:30:00.000Z', summary: 'acknowledgement SLA at-risk point (4h target)' });
  });

  it('a resolved P1: the review is due five business days later, reminded 9 h and 2 h before (45 h of 09:00–18:00)', () => {
    const { dueAt, reminders } = reviewTimers(UOOZEE.review, friday1630);
    expect(isoOf(dueAt)).toBe('2026-12-11T21:30:00.000Z');
    expect(reminders.map((r) => isoOf(r.at))).toEqual(['2026-12-10T21:30:00.000Z', '2026-12-11T19:30:00.000Z']);
    const s: IncidentScheduleState = { ...resolvedWithoutClocks(), reviewDueAt: dueAt, reviewReminders: reminders };
    expect(next(s)).toEqual({ at: '2026-12-10T21:30:00.000Z', summary: 'post-incident review reminder' });
    s.reviewReminders = reminders.map((r) => ({ ...r, sent: true }));
    expect(next(s)).toEqual({ at: '2026-12-11T21:30:00.000Z', summary: 'post-incident review due' });
    s.reviewOverdueSent = true;
    expect(next(s)).toBeNull();
  });

  it('the review window skips the pack\'s holidays: resolved Monday 2026-12-21 10:00, due Tuesday 29th (Christmas and the weekend not counted)', () => {
    const { dueAt } = reviewTimers(UOOZEE.review, at('2026-12-21T15:00:00Z'));
    expect(isoOf(dueAt)).toBe('2026-12-29T15:00:00.000Z');
  });

  it('a submitted review (review_pending) or a closed incident waits for nothing', () => {
    const { dueAt, reminders } = reviewTimers(UOOZEE.review, friday1630);
    expect(incidentSchedule({ ...resolvedWithoutClocks(), status: 'review_pending', reviewDueAt: dueAt, reviewReminders: reminders })).toEqual([]);
    expect(incidentSchedule({ ...resolvedWithoutClocks(), status: 'closed', reviewDueAt: dueAt, reviewReminders: reminders })).toEqual([]);
  });
});

describe('incident schedule on the shipped vivtone pack (America/Chicago, 09:00–17:00)', () => {
  // Friday 2026-12-04 16:45 CST = 22:45Z. Seed 001: "Severity 1 response ≤ 30 min"; level 2 engaged within 4 h.
  const friday1645 = at('2026-12-04T22:45:00Z');

  // Issue 19 §1: S1 incidents run 24×7 (incidents.coverage), no longer in business hours (it used to be Monday 09:15).
  it('an S1 pages level 1 at once and level 2 after 30 minutes around the clock: Friday 17:15, when its response deadline also falls', () => {
    const s = triggered(VIVTONE, 'S1', friday1645);
    expect(s.pages.map((p) => [p.level, isoOf(p.dueAt)])).toEqual([
      [0, '2026-12-04T22:45:00.000Z'],
      [1, '2026-12-04T23:15:00.000Z'],
    ]);
    expect(isoOf(s.clocks.firstResponse!.deadlineAt!)).toBe('2026-12-04T23:15:00.000Z');
    s.pages = s.pages.map((p, i) => (i === 0 ? { ...p, state: 'sent' } : p));
    // At risk at 75 % of 30 min: Friday 17:07:30, before the page.
    expect(next(s)).toEqual({ at: '2026-12-04T23:07:30.000Z', summary: 'acknowledgement SLA at-risk point (30m target)' });
    s.clocks.firstResponse = markSlaClockAtRisk(s.clocks.firstResponse!, at('2026-12-04T23:07:30Z'));
    expect(next(s)).toEqual({ at: '2026-12-04T23:15:00.000Z', summary: 'page step 1 (level 1): rotation:support-l2' });
  });

  it('an S1 resolved Friday 2026-12-18 15:00: review due after 40 business hours, Christmas skipped (Monday 28th 15:00), reminded 8 h before', () => {
    const { dueAt, reminders } = reviewTimers(VIVTONE.review, at('2026-12-18T21:00:00Z'));
    expect(isoOf(dueAt)).toBe('2026-12-28T21:00:00.000Z');
    expect(reminders.map((r) => isoOf(r.at))).toEqual(['2026-12-24T21:00:00.000Z']);
  });
});

function resolvedWithoutClocks(): IncidentScheduleState {
  const met: SlaClock = fulfilSlaClock(startSlaClock('firstResponse', 60_000, UOOZEE.priorities.P1.calendar, 0), UOOZEE.priorities.P1.calendar, 1_000);
  return { status: 'resolved', clocks: { firstResponse: met }, pages: [], reviewDueAt: null, reviewReminders: [], reviewOverdueSent: false };
}
