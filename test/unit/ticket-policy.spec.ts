import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinTicketPolicy, PolicyFieldError, slaCreditFor } from '../../src/domain/policy/ticket-policy';
import { ALWAYS_OPEN } from '../../src/domain/sla/calendar';
import { startSlaClock } from '../../src/domain/sla/clock';

const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
const vivtone = shipped.find('vivtone')!;
const uoozee = shipped.find('uoozee')!;
const HOUR = 3_600_000;

describe('pinTicketPolicy on the shipped packs', () => {
  it('a Basic-plan email ticket opened Friday 17:30 in Austin is due the next business morning', () => {
    const policy = pinTicketPolicy(vivtone, 'email', 'basic');
    const s3 = policy.priorities.S3;
    expect(s3.targets.firstResponse).toBe(1 * HOUR); // min(S3 8 h, email 1 h)
    const fridayEvening = Date.parse('2026-11-20T17:30:00-06:00');
    const clock = startSlaClock('firstResponse', s3.targets.firstResponse!, s3.calendar, fridayEvening);
    // Closed Friday evening and the weekend; opens Monday 09:00 CST; one business hour later.
    expect(new Date(clock.deadlineAt!).toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('follows the plan calendar: Enterprise is 24×7 whatever the severity', () => {
    const enterprise = pinTicketPolicy(vivtone, 'email', 'enterprise');
    expect(enterprise.priorities.S3.calendar).toEqual(ALWAYS_OPEN);
    const fridayEvening = Date.parse('2026-11-20T17:30:00-06:00');
    const clock = startSlaClock('firstResponse', enterprise.priorities.S3.targets.firstResponse!, enterprise.priorities.S3.calendar, fridayEvening);
    expect(clock.deadlineAt).toBe(fridayEvening + HOUR);
  });

  it('without plans, follows the priority: a streaming P1 is 24×7, P2 business hours', () => {
    const policy = pinTicketPolicy(uoozee, 'email', null);
    expect(policy.priorities.P1.calendar).toEqual(ALWAYS_OPEN);
    expect(policy.priorities.P2.calendar).toMatchObject({ timeZone: 'America/New_York' });
    expect(policy.priorities.P1.targets).toEqual({ firstResponse: 15 * 60_000, resolution: 72 * HOUR, mitigation: 2 * HOUR });
  });

  it('refuses a plan the brand does not sell, a missing plan, and a channel outside the plan, naming the field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(PolicyFieldError);
        return (err as PolicyFieldError).field;
      }
      throw new Error('expected a PolicyFieldError');
    };
    expect(field(() => pinTicketPolicy(vivtone, 'email', 'platinum'))).toBe('plan');
    expect(field(() => pinTicketPolicy(vivtone, 'email', null))).toBe('plan');
    expect(field(() => pinTicketPolicy(vivtone, 'chat', 'basic'))).toBe('channel');
    expect(field(() => pinTicketPolicy(uoozee, 'email', 'basic'))).toBe('plan');
  });

  it('credits only the plans the schedule names, rounded down to the minor unit', () => {
    const enterprise = pinTicketPolicy(vivtone, 'email', 'enterprise');
    expect(slaCreditFor(enterprise, 'S1', 'firstResponse')).toEqual({ percent: 10, amountMinor: 12_000, currency: 'USD' });
    expect(slaCreditFor(enterprise, 'S1', 'resolution')).toEqual({ percent: 15, amountMinor: 18_000, currency: 'USD' });
    expect(slaCreditFor(enterprise, 'S1', 'mitigation')).toBeNull();
    expect(slaCreditFor(pinTicketPolicy(vivtone, 'email', 'pro'), 'S1', 'firstResponse')).toBeNull();
    // Every rule in the shipped schedule stays inside the document's 5–25 %.
    for (const r of vivtone.credits!.perBreach) expect(r.percent).toBeGreaterThanOrEqual(5);
    expect(vivtone.credits!.monthlyCapPercent).toBe(25);
  });
});

describe('policy packs validate their calendars at boot', () => {
  it('names the calendar with an unknown time zone', () => {
    const { policyPackSchema } = jest.requireActual<typeof import('../../src/domain/policy/policy.schema')>('../../src/domain/policy/policy.schema');
    const result = policyPackSchema.safeParse({
      brand: 'x', version: '1', displayName: 'X', source: 't',
      calendars: { office: { timeZone: 'Atlantis/Lost', weekly: { mon: [{ start: '09:00', end: '17:00' }] } } },
      priorities: { P1: { label: 'p', coverage: 'office', firstResponse: '1h' } },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['calendars', 'office'], message: expect.stringContaining('Atlantis/Lost') });
  });
});
