import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import type { SlaMetric } from '../../../src/domain/policy/policy.schema';
import { pinTicketPolicy, TicketPolicy } from '../../../src/domain/policy/ticket-policy';
import { earliest } from '../../../src/domain/schedule';
import { breachSlaClock, pauseSlaClock, SlaClock, startSlaClock } from '../../../src/domain/sla/clock';
import { planEscalations, ticketSchedule, TicketScheduleState } from '../../../src/domain/ticket/schedule';

// The shipped packs, loaded as the API loads them, and their real calendars: every instant below
// is fixed (no Date.now()), so the results do not depend on the day the suite runs.
const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', '..', 'policies'));
const uoozee = pinTicketPolicy(shipped.find('uoozee')!, 'email', null);
const vivtoneBasic = pinTicketPolicy(shipped.find('vivtone')!, 'email', 'basic');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const utc = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A ticket just opened at `receivedAt`: its clocks as the workflow starts them. */
function opened(policy: TicketPolicy, priority: string, receivedAt: number): TicketScheduleState {
  const { calendar, targets } = policy.priorities[priority];
  const clocks: SlaClock[] = [];
  for (const metric of ['firstResponse', 'resolution', 'mitigation'] as SlaMetric[]) {
    const target = targets[metric];
    if (target !== undefined) clocks.push(startSlaClock(metric, target, calendar, receivedAt, { cycle: 1, atRiskRatio: policy.atRiskRatio }));
  }
  return { status: 'new', clocks, escalations: [], deferred: [], resolvedAt: null, autoCloseAfterMs: policy.autoCloseAfterMs, surveyClosesAt: null, csatGiven: false };
}

const dueOf = (s: TicketScheduleState, now: number, summary: string) => utc(ticketSchedule(s, now).find((d) => d.summary.startsWith(`${summary} (`))?.at);

describe('ticketSchedule on the shipped packs', () => {
  it('uoozee P2 (New York business hours) received Friday 16:30: first response that evening, resolution on Monday', () => {
    const friday = at('2026-11-20T16:30:00-05:00');
    const s = opened(uoozee, 'P2', friday);
    // P2 by email: first response min(1 h, email 4 h), resolution min(8 h, email 72 h); at risk at 75 %.
    expect(dueOf(s, friday, 'firstResponse SLA at-risk point')).toBe('2026-11-20T22:15:00.000Z'); // 17:15 EST
    expect(dueOf(s, friday, 'firstResponse SLA deadline')).toBe('2026-11-20T22:30:00.000Z'); // 17:30 EST
    // 1.5 business hours on Friday, the weekend closed, the remaining 6.5 h from Monday 09:00.
    expect(dueOf(s, friday, 'resolution SLA deadline')).toBe('2026-11-23T20:30:00.000Z'); // Monday 15:30 EST
    expect(dueOf(s, friday, 'resolution SLA at-risk point')).toBe('2026-11-23T18:30:00.000Z'); // 6 h in: Monday 13:30
    expect(ticketSchedule(s, friday).some((d) => d.summary.startsWith('mitigation'))).toBe(false); // P2 has no mitigation target
    expect(earliest(ticketSchedule(s, friday))).toEqual({ at: at('2026-11-20T17:15:00-05:00'), summary: 'firstResponse SLA at-risk point (1h business target)' });
  });

  it('uoozee P2 received the evening before Thanksgiving: the holiday does not count, the deadline is Friday', () => {
    const wednesday = at('2026-11-25T17:30:00-05:00');
    const s = opened(uoozee, 'P2', wednesday);
    // 30 minutes on Wednesday, Thursday 26th is a holiday in the pack, 30 more minutes on Friday.
    expect(dueOf(s, wednesday, 'firstResponse SLA deadline')).toBe('2026-11-27T14:30:00.000Z');
  });

  it('uoozee P1 is covered 24×7: deadlines run through the weekend', () => {
    const friday = at('2026-11-20T17:30:00-05:00');
    const s = opened(uoozee, 'P1', friday);
    expect(dueOf(s, friday, 'firstResponse SLA deadline')).toBe(utc(friday + 15 * MIN));
    expect(dueOf(s, friday, 'mitigation SLA deadline')).toBe(utc(friday + 2 * HOUR));
  });

  it('vivtone Basic S3 by email received Friday 17:30 in Austin is due the next business morning (the pack\'s own example)', () => {
    const friday = at('2026-11-20T17:30:00-06:00');
    const s = opened(vivtoneBasic, 'S3', friday);
    expect(dueOf(s, friday, 'firstResponse SLA deadline')).toBe('2026-11-23T16:00:00.000Z'); // Monday 10:00 CST
    expect(earliest(ticketSchedule(s, friday))!.at).toBeGreaterThan(at('2026-11-23T09:00:00-06:00'));
  });

  it('a paused clock waits for nothing; settled escalations and deferred warnings leave the schedule', () => {
    const friday = at('2026-11-20T16:30:00-05:00');
    const s = opened(uoozee, 'P2', friday);
    const { calendar } = uoozee.priorities.P2;
    const paused: TicketScheduleState = {
      ...s,
      status: 'pending_customer',
      clocks: s.clocks.map((c) => (c.metric === 'resolution' ? pauseSlaClock(c, calendar, friday + MIN, 'pending_customer') : c)),
      escalations: [
        { metric: 'firstResponse', level: 'team_lead', dueAt: friday + HOUR, state: 'notified' },
        { metric: 'firstResponse', level: 'level2', dueAt: friday + 2 * HOUR, state: 'scheduled' },
      ],
      deferred: [
        { metric: 'resolution', dueAt: friday + 3 * HOUR, state: 'sent', notification: { kind: 'sla_at_risk' } },
        { metric: 'resolution', dueAt: friday + 4 * HOUR, state: 'scheduled', notification: { kind: 'sla_at_risk' } },
      ],
    };
    expect(ticketSchedule(paused, friday + MIN).map((d) => d.summary)).toEqual([
      'firstResponse SLA deadline (1h business target)',
      'firstResponse SLA at-risk point (1h business target)',
      'escalation to level2 (firstResponse)',
      "sla_at_risk notification (resolution) at the coverage window's opening",
    ]);
  });

  it('a resolved ticket waits for its survey (3 days) and its auto-close (4 days); a closed one for the survey only', () => {
    const resolvedAt = at('2026-11-20T16:30:00-05:00');
    const resolved: TicketScheduleState = { ...opened(uoozee, 'P2', resolvedAt), clocks: [], status: 'resolved', resolvedAt, surveyClosesAt: resolvedAt + uoozee.csatSurveyOpenForMs };
    expect(uoozee.csatSurveyOpenForMs).toBe(3 * DAY);
    expect(ticketSchedule(resolved, resolvedAt)).toEqual([
      { at: resolvedAt + 4 * DAY, summary: 'auto-close / CSAT survey window' },
      { at: resolvedAt + 3 * DAY, summary: 'auto-close / CSAT survey window' },
    ]);
    expect(earliest(ticketSchedule(resolved, resolvedAt))!.at).toBe(resolvedAt + 3 * DAY);
    // Once the survey is over (or answered) only the auto-close is left.
    expect(ticketSchedule(resolved, resolvedAt + 3 * DAY).map((d) => d.at)).toEqual([resolvedAt + 4 * DAY]);
    expect(ticketSchedule({ ...resolved, csatGiven: true }, resolvedAt).map((d) => d.at)).toEqual([resolvedAt + 4 * DAY]);
    const closed: TicketScheduleState = { ...resolved, status: 'closed' };
    expect(ticketSchedule(closed, resolvedAt + DAY)).toEqual([{ at: resolvedAt + 3 * DAY, summary: 'CSAT survey window' }]);
  });
});

describe('planEscalations on the shipped packs', () => {
  it('uoozee P2 breached Friday 17:30: steps inside the window go out on time, the rest at Monday\'s opening', () => {
    const breachedAt = at('2026-11-20T17:30:00-05:00');
    const steps = planEscalations(uoozee.escalation, uoozee.priorities.P2.calendar, breachedAt);
    expect(steps.map((s) => [s.step, s.level, utc(s.dueAt)])).toEqual([
      [0, 'assignee', '2026-11-20T22:30:00.000Z'], // at once: 17:30
      [1, 'team_lead', '2026-11-20T22:45:00.000Z'], // 15 business minutes: 17:45
      // 30 minutes end exactly at Friday's close (18:00): outside the half-open window, told at Monday 09:00.
      [2, 'level2', '2026-11-23T14:00:00.000Z'],
      // One business hour: 30 minutes on Friday, 30 on Monday.
      [3, 'level3', '2026-11-23T14:30:00.000Z'],
    ]);
  });

  it('uoozee P1 (24×7) escalates on the clock, weekend or not', () => {
    const breachedAt = at('2026-11-21T03:00:00-05:00'); // Saturday night
    const steps = planEscalations(uoozee.escalation, uoozee.priorities.P1.calendar, breachedAt);
    expect(steps.map((s) => s.dueAt - breachedAt)).toEqual([0, 15 * MIN, 30 * MIN, HOUR]);
  });

  it('a breached clock leaves the schedule and its chain takes its place', () => {
    const friday = at('2026-11-20T16:30:00-05:00');
    const s = opened(uoozee, 'P2', friday);
    const deadline = s.clocks[0].deadlineAt!;
    const breached = s.clocks.map((c) => (c.metric === 'firstResponse' ? breachSlaClock(c, deadline) : c));
    const escalations = planEscalations(uoozee.escalation, uoozee.priorities.P2.calendar, deadline).map((e) => ({ ...e, metric: 'firstResponse' as const, state: 'scheduled' }));
    const next = earliest(ticketSchedule({ ...s, clocks: breached, escalations }, deadline));
    expect(next).toEqual({ at: deadline, summary: 'escalation to assignee (firstResponse)' });
  });
});
