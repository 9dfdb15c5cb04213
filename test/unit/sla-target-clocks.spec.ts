import { resolve } from 'node:path';
import { publishedPolicy } from '../../src/api/policies/published-policy';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { policyPackSchema } from '../../src/domain/policy/policy.schema';
import { resolveTarget } from '../../src/domain/policy/resolve-targets';
import { pinTicketPolicy, TicketPolicy, ticketTargetClock } from '../../src/domain/policy/ticket-policy';
import { ALWAYS_OPEN, BusinessCalendar } from '../../src/domain/sla/calendar';
import {
  elapsedBusinessMs,
  fulfilSlaClock,
  pauseSlaClock,
  remainingBusinessMs,
  resumeSlaClock,
  retargetSlaClock,
  slaClockKind,
  startSlaClock,
} from '../../src/domain/sla/clock';

/**
 * Issue 19 §1: each target declares its clock (business or calendar), Pro phone runs 24×5, and
 * chats have a queue-wait target. Every instant is fixed; 2026-12-04 is a Friday.
 */
const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
const uoozee = shipped.find('uoozee')!;
const vivtone = shipped.find('vivtone')!;
const MIN = 60_000;
const HOUR = 60 * MIN;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A ticket's clock for one metric, as the workflow starts it from the pinned policy. */
function clockFor(policy: TicketPolicy, priority: string, metric: 'firstResponse' | 'resolution' | 'queueWait', at: number) {
  const p = policy.priorities[priority];
  return startSlaClock(metric, p.targets[metric]!, p.calendar, at, { clock: ticketTargetClock(p, metric), atRiskRatio: policy.atRiskRatio });
}

const base = { brand: 'acme', version: '1', displayName: 'Acme', source: 'unit test' };

describe('the pack schema: each target says its clock', () => {
  it('a plain duration is business time, as before; `{ after, clock }` names the clock; both parse to a duration and a clocks map', () => {
    const pack = policyPackSchema.parse({
      ...base,
      priorities: { P3: { label: 'p3', firstResponse: '4h', resolution: { after: '72h', clock: 'calendar' } } },
      channels: { email: { firstResponse: { after: '4h', clock: 'business' } } },
    });
    expect(pack.priorities.P3).toMatchObject({ firstResponse: '4h', resolution: '72h', clocks: { resolution: 'calendar' } });
    expect(pack.channels.email).toEqual({ firstResponse: '4h', clocks: { firstResponse: 'business' } });
    // The parsed form parses again to itself (a pack written with `clocks:` directly is the same pack).
    expect(policyPackSchema.parse(pack).priorities).toEqual(pack.priorities);
  });

  it('refuses a clock that is neither, one that contradicts the clocks map, and a clock without a target, naming the path', () => {
    const issues = (priorities: unknown) => {
      const r = policyPackSchema.safeParse({ ...base, priorities });
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    };
    expect(issues({ P1: { label: 'x', resolution: { after: '4h', clock: 'wall' } } })[0].path).toMatch(/^priorities\.P1\.resolution/);
    expect(issues({ P1: { label: 'x', resolution: { after: '4h', clock: 'calendar' }, clocks: { resolution: 'business' } } })).toEqual([
      { path: 'priorities.P1.resolution.clock', message: expect.stringContaining('contradicts') },
    ]);
    expect(issues({ P1: { label: 'x', firstResponse: '1h', clocks: { resolution: 'calendar' } } })).toEqual([
      { path: 'priorities.P1.clocks.resolution', message: 'no resolution target to give a clock' },
    ]);
  });

  it("refuses a plan's channel coverage on an unknown calendar or a channel the plan does not include", () => {
    const r = policyPackSchema.safeParse({
      ...base,
      priorities: { S1: { label: 's1', firstResponse: '1h' } },
      plans: { pro: { label: 'Pro', coverage: '24x7', channels: ['email'], channelCoverage: { phone: '24x7', email: 'nights' } } },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['plans.pro.channelCoverage.email', 'plans.pro.channelCoverage.phone']);
  });

  it('combining rule: the shorter window wins; equal windows on different clocks give the calendar one (it never ends later)', () => {
    const pack = policyPackSchema.parse({
      ...base,
      priorities: { P3: { label: 'p3', resolution: '72h' }, P2: { label: 'p2', resolution: { after: '8h', clock: 'calendar' } } },
      channels: { email: { resolution: { after: '72h', clock: 'calendar' } }, chat: { resolution: '30m' } },
    });
    expect(resolveTarget(pack, 'P3', 'email', 'resolution')).toEqual({ ms: 72 * HOUR, clock: 'calendar' });
    expect(resolveTarget(pack, 'P3', 'chat', 'resolution')).toEqual({ ms: 30 * MIN, clock: 'business' });
    expect(resolveTarget(pack, 'P2', 'email', 'resolution')).toEqual({ ms: 8 * HOUR, clock: 'calendar' });
    expect(resolveTarget(pack, 'P3', 'phone', 'resolution')).toEqual({ ms: 72 * HOUR, clock: 'business' });
  });
});

describe('the shipped packs follow the seeds: responses in business hours, multi-day windows in elapsed hours', () => {
  it('001: "Severity 3 — initial response ≤8 business hours, resolution target ≤72 hours"', () => {
    const s3 = pinTicketPolicy(vivtone, 'phone', 'pro').priorities.S3;
    expect(s3.clocks).toMatchObject({ firstResponse: 'business', resolution: 'calendar' });
    expect(s3.targets.resolution).toBe(72 * HOUR);
    const basic = pinTicketPolicy(vivtone, 'email', 'basic').priorities;
    expect(ticketTargetClock(basic.S3, 'firstResponse')).toBe('business');
    expect(ticketTargetClock(basic.S2, 'resolution')).toBe('calendar'); // "resolution target ≤24–48 hours"
  });

  it('the published SLAs (GET /v1/policies/{brand}) say which clock each target runs on, and the Pro phone calendar', () => {
    const view = publishedPolicy(vivtone, [2026]);
    expect(view.priorities.find((p) => p.priority === 'S3')).toMatchObject({ firstResponse: '8h', resolution: '72h', clocks: { resolution: 'calendar' } });
    expect(view.channels.find((c) => c.channel === 'chat')).toMatchObject({ firstResponse: '5m', queueWait: '2m' });
    expect(view.plans.find((p) => p.plan === 'pro')).toMatchObject({ coverage: 'business', channelCoverage: { phone: 'weekdays' } });
  });

  it('000: a P3 email received on a Friday is resolved within 72 elapsed hours ("resolution within 48–72 hours"), answered in business hours ("initial response ≤4 hours")', () => {
    const policy = pinTicketPolicy(uoozee, 'email', null);
    const friday = Date.parse('2026-12-04T15:00:00-05:00'); // Friday 15:00 in New York
    const resolution = clockFor(policy, 'P3', 'resolution', friday);
    expect(resolution.clock).toBe('calendar');
    expect(iso(resolution.deadlineAt)).toBe('2026-12-07T20:00:00.000Z'); // Monday 15:00 New York: 72 h later
    expect(iso(resolution.atRiskAt)).toBe('2026-12-07T02:00:00.000Z'); // 75 % of 72 h = 54 h: Sunday 21:00 New York
    // The response: 3 h on Friday (15:00–18:00) and 1 h on Monday from 09:00.
    const response = clockFor(policy, 'P3', 'firstResponse', friday);
    expect(response.clock).toBeUndefined();
    expect(iso(response.deadlineAt)).toBe('2026-12-07T15:00:00.000Z');
  });

  it('the same ticket pinned before targets had clocks keeps business time: 72 business hours, 12 calendar days later', () => {
    const current = pinTicketPolicy(uoozee, 'email', null);
    const { clocks: _clocks, ...oldP3 } = current.priorities.P3;
    const old: TicketPolicy = { ...current, priorities: { ...current.priorities, P3: oldP3 } };
    const friday = Date.parse('2026-12-04T15:00:00-05:00');
    const resolution = clockFor(old, 'P3', 'resolution', friday);
    expect(resolution.clock).toBeUndefined();
    // 3 h Friday + 7 × 9 h + 6 h: Wednesday 2026-12-16 15:00 New York, 12 days later.
    expect(iso(resolution.deadlineAt)).toBe('2026-12-16T20:00:00.000Z');
  });

  it('000: "P4 — response within 72 hours" is three days, not eight working days', () => {
    const policy = pinTicketPolicy(uoozee, 'social', null);
    const p4 = clockFor(policy, 'P4', 'firstResponse', Date.parse('2026-12-04T15:00:00-05:00'));
    expect(p4.targetMs).toBe(HOUR); // social "≤1 hour during peak times" is stricter
    const byPhone = pinTicketPolicy(uoozee, 'phone', null).priorities.P4;
    expect(byPhone.targets.firstResponse).toBe(60_000); // phone 60 s is stricter still
    const alone = pinTicketPolicy({ ...uoozee, channels: {} }, 'email', null);
    const clock = clockFor(alone, 'P4', 'firstResponse', Date.parse('2026-12-04T15:00:00-05:00'));
    expect(iso(clock.deadlineAt)).toBe('2026-12-07T20:00:00.000Z');
  });
});

describe('a calendar-clock target runs on elapsed time whatever the coverage calendar', () => {
  const office: BusinessCalendar = { timeZone: 'UTC', weekly: { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }] } };
  const monday9 = Date.UTC(2026, 11, 7, 9);

  it('counts, pauses, resumes and fulfils in elapsed time on a business calendar', () => {
    let c = startSlaClock('resolution', 10 * HOUR, office, monday9, { clock: 'calendar' });
    expect(slaClockKind(c)).toBe('calendar');
    expect(c.deadlineAt).toBe(monday9 + 10 * HOUR); // 19:00, after the office closes
    expect(elapsedBusinessMs(c, office, monday9 + 9 * HOUR)).toBe(9 * HOUR);
    c = pauseSlaClock(c, office, monday9 + 2 * HOUR, 'pending_customer');
    expect(c.elapsedMs).toBe(2 * HOUR);
    c = resumeSlaClock(c, office, monday9 + 10 * HOUR);
    expect(c.deadlineAt).toBe(monday9 + 18 * HOUR); // 8 h left, on elapsed time: Tuesday 03:00
    expect(remainingBusinessMs(c, office, monday9 + 11 * HOUR)).toBe(7 * HOUR);
    c = fulfilSlaClock(c, office, monday9 + 12 * HOUR);
    expect(c).toMatchObject({ state: 'met', elapsedMs: 4 * HOUR, clock: 'calendar' });
  });

  it('a business clock of the same target waits for the office; one pinned before clocks (no field) is business', () => {
    const business = startSlaClock('resolution', 10 * HOUR, office, monday9);
    expect(business.deadlineAt).toBe(Date.UTC(2026, 11, 8, 11)); // 8 h Monday + 2 h Tuesday
    expect('clock' in business).toBe(false); // the old shape: histories replay with the same state
  });

  it('a retarget that changes the clock counts the time spent as it was counted, and the rest on the new clock', () => {
    const business = startSlaClock('resolution', 10 * HOUR, office, monday9);
    const moved = retargetSlaClock(business, office, monday9 + 6 * HOUR, 12 * HOUR, office, 'calendar');
    expect(moved).toMatchObject({ elapsedMs: 6 * HOUR, clock: 'calendar', deadlineAt: monday9 + 12 * HOUR });
    const back = retargetSlaClock(moved, office, monday9 + 7 * HOUR, 12 * HOUR, office, 'business');
    expect('clock' in back).toBe(false);
    expect(back.elapsedMs).toBe(7 * HOUR);
    expect(back.deadlineAt).toBe(Date.UTC(2026, 11, 8, 13)); // 1 h Monday 16–17, 4 h Tuesday 09–13
  });

  it('on a 24×7 calendar both clocks agree', () => {
    const a = startSlaClock('resolution', 5 * HOUR, ALWAYS_OPEN, monday9, { clock: 'calendar' });
    const b = startSlaClock('resolution', 5 * HOUR, ALWAYS_OPEN, monday9);
    expect(a.deadlineAt).toBe(b.deadlineAt);
  });
});

describe('001: "24×5 phone for standard customers, 24×7 for enterprise customers"', () => {
  const pro = pinTicketPolicy(vivtone, 'phone', 'pro');
  const tuesdayNight = Date.parse('2026-12-08T23:00:00-06:00'); // Tuesday 23:00 in Austin
  const saturday = Date.parse('2026-12-05T10:00:00-06:00'); // Saturday 10:00

  it('a Pro phone ticket on a Tuesday night is answered within 30 s ("under 30 seconds for phone IVR"), not the next morning', () => {
    const c = clockFor(pro, 'S2', 'firstResponse', tuesdayNight);
    expect(c.targetMs).toBe(30_000);
    expect(c.deadlineAt).toBe(tuesdayNight + 30_000);
  });

  it('a Pro phone ticket on a Saturday waits for Monday 00:00: the 24×5 week, not business hours', () => {
    const c = clockFor(pro, 'S2', 'firstResponse', saturday);
    expect(iso(c.deadlineAt)).toBe('2026-12-07T06:00:30.000Z'); // Monday 00:00:30 Central
  });

  it('Pro email and chat keep business hours ("Pro (phone + chat during business hours)"); Enterprise phone is 24×7', () => {
    const email = pinTicketPolicy(vivtone, 'email', 'pro');
    expect(iso(clockFor(email, 'S2', 'firstResponse', tuesdayNight).deadlineAt)).toBe('2026-12-09T16:00:00.000Z'); // Wednesday 09:00 + 1 h
    const enterprise = pinTicketPolicy(vivtone, 'phone', 'enterprise');
    expect(enterprise.priorities.S2.calendar).toEqual(ALWAYS_OPEN);
    expect(clockFor(enterprise, 'S2', 'firstResponse', saturday).deadlineAt).toBe(saturday + 30_000);
  });
});

describe('001: chat queue wait, apart from first response', () => {
  it('"≤5 minutes for chat during core hours" and "sub-2-minute wait for live chat": two targets on a chat ticket', () => {
    const chat = pinTicketPolicy(vivtone, 'chat', 'pro').priorities.S3;
    expect(chat.targets).toMatchObject({ firstResponse: 5 * MIN, queueWait: 2 * MIN });
    expect(ticketTargetClock(chat, 'queueWait')).toBe('business');
    // Email has no queue: no queue-wait target.
    expect(pinTicketPolicy(vivtone, 'email', 'pro').priorities.S3.targets.queueWait).toBeUndefined();
    // Queued in business hours: the wait ends 2 minutes after receipt.
    const monday10 = Date.parse('2026-12-07T10:00:00-06:00');
    const wait = clockFor(pinTicketPolicy(vivtone, 'chat', 'pro'), 'S3', 'queueWait', monday10);
    expect(wait.deadlineAt).toBe(monday10 + 2 * MIN);
  });
});
