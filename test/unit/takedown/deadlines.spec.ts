import {
  compareTakedownUrgency,
  complaintDeadline,
  deadlineStatus,
  decisionDeadline,
  needsInfoLapseAt,
  pinTakedownPolicy,
  QueuedTakedown,
  restoreWindow,
  takedownPolicySchema,
  takedownTier,
} from '../../../src/domain/takedown/deadlines';
import { DAY, HOUR, nyEdt, POLICY, POLICY_INPUT } from './fixtures';

describe('takedown policy', () => {
  it('pins durations, the business day length and the defaults', () => {
    expect(POLICY.businessDayMs).toBe(8 * HOUR);
    expect(POLICY.decideWithinMs.dmca).toEqual({ safety: 24 * HOUR, trusted: 48 * HOUR, standard: 7 * DAY });
    expect(POLICY.decideWithinMs.dsa).toEqual({ safety: 12 * HOUR, trusted: 48 * HOUR, standard: 7 * DAY });
    expect(POLICY.needsInfoWaitMs).toBe(14 * DAY);
    expect(POLICY.complaintWindowMonths).toBe(6);
    expect(POLICY.atRiskRatio).toBe(0.75);
  });

  const problemPaths = (input: unknown) => {
    const parsed = takedownPolicySchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  it('refuses a pack whose tiers are out of order, overall or per regime', () => {
    expect(problemPaths({ ...POLICY_INPUT, decideWithin: { safety: '72h', trusted: '48h', standard: '7d' } })).toContain('regimes.dmca');
    expect(problemPaths({ ...POLICY_INPUT, regimes: { dsa: { standard: '24h' } } })).toEqual(['regimes.dsa']);
  });

  it('refuses bad durations, a short complaint window and uneven working days by field', () => {
    expect(problemPaths({ ...POLICY_INPUT, needsInfoWait: 'two weeks' })).toEqual(['needsInfoWait']);
    expect(problemPaths({ ...POLICY_INPUT, complaintWindowMonths: 3 })).toEqual(['complaintWindowMonths']);
    const uneven = { ...POLICY_INPUT.calendar, weekly: { ...POLICY_INPUT.calendar.weekly, fri: [{ start: '09:00', end: '13:00' }] } };
    expect(problemPaths({ ...POLICY_INPUT, calendar: uneven })).toEqual(['calendar.weekly']);
    expect(problemPaths({ ...POLICY_INPUT, calendar: { ...POLICY_INPUT.calendar, timeZone: 'Mars/Olympus' } })).toEqual(['calendar']);
  });
});

describe('priority', () => {
  it('puts child safety and threats first, verified trusted flaggers and authorities next, then the rest', () => {
    expect(takedownTier({ legalBasis: 'child_safety', notifierRole: 'rights_holder', roleVerified: false })).toBe('safety');
    expect(takedownTier({ legalBasis: 'threat_to_life_or_safety', notifierRole: 'trusted_flagger', roleVerified: true })).toBe('safety');
    expect(takedownTier({ legalBasis: 'copyright', notifierRole: 'trusted_flagger', roleVerified: true })).toBe('trusted');
    expect(takedownTier({ legalBasis: 'defamation', notifierRole: 'authority', roleVerified: true })).toBe('trusted');
    // A claimed status is not a status.
    expect(takedownTier({ legalBasis: 'copyright', notifierRole: 'trusted_flagger', roleVerified: false })).toBe('standard');
    expect(takedownTier({ legalBasis: 'copyright', notifierRole: 'attorney', roleVerified: true })).toBe('standard');
  });

  it('gives the safety tier the shortest deadline and orders the queue by tier, then deadline', () => {
    const t0 = Date.UTC(2025, 4, 12, 12);
    const queued = (tier: QueuedTakedown['tier'], receivedAt: number): QueuedTakedown & { name: string } => ({
      name: `${tier}@${(receivedAt - t0) / HOUR}h`,
      tier,
      receivedAt,
      decisionDueAt: decisionDeadline(POLICY, ['dmca'], tier, receivedAt).dueAt,
    });
    const safety = queued('safety', t0 + 5 * HOUR);
    const trusted = queued('trusted', t0 + 2 * HOUR);
    const standardOld = queued('standard', t0 - 10 * DAY); // overdue, still behind the other tiers
    const standardNew = queued('standard', t0);
    expect(safety.decisionDueAt - safety.receivedAt).toBeLessThan(trusted.decisionDueAt - trusted.receivedAt);
    expect(trusted.decisionDueAt - trusted.receivedAt).toBeLessThan(standardNew.decisionDueAt - standardNew.receivedAt);
    const order = [standardNew, standardOld, trusted, safety].sort(compareTakedownUrgency).map((q) => q.name);
    expect(order).toEqual([safety.name, trusted.name, standardOld.name, standardNew.name]);
  });

  it('takes the earliest deadline of the case’s regimes, with an at-risk point at 75%', () => {
    const t0 = Date.UTC(2025, 4, 12, 12);
    expect(decisionDeadline(POLICY, ['dmca'], 'safety', t0)).toEqual({ dueAt: t0 + 24 * HOUR, atRiskAt: t0 + 18 * HOUR });
    expect(decisionDeadline(POLICY, ['dmca', 'dsa'], 'safety', t0)).toEqual({ dueAt: t0 + 12 * HOUR, atRiskAt: t0 + 9 * HOUR });
    const d = decisionDeadline(POLICY, ['dsa'], 'safety', t0);
    expect([t0 + 9 * HOUR - 1, t0 + 9 * HOUR, t0 + 12 * HOUR].map((now) => deadlineStatus(d, now))).toEqual(['on_track', 'at_risk', 'overdue']);
    expect(() => decisionDeadline(POLICY, [], 'safety', t0)).toThrow(RangeError);
  });

  it('lapses an unanswered request for information after the wait', () => {
    expect(needsInfoLapseAt(POLICY, 1_000)).toBe(1_000 + 14 * DAY);
  });
});

describe('§512(g) restore window', () => {
  it('runs 10 to 14 business days from receipt, skipping weekends and Memorial Day', () => {
    // Received Wed 14 May 14:00. Business days after: 15, 16, 19–23, (26 closed), 27, 28, 29 = 10th; 30, 2, 3, 4 June = 14th.
    const window = restoreWindow(POLICY, nyEdt(2025, 5, 14, 14));
    expect(window).toEqual({ notBefore: nyEdt(2025, 5, 29, 14), notAfter: nyEdt(2025, 6, 4, 14) });
  });

  it('counts from the next opening when the counter-notice arrives out of hours', () => {
    // Fri 23 May 20:00; Mon 26 is a holiday, so day 1 is Tue 27 and day 10 ends Mon 9 June 17:00.
    const window = restoreWindow(POLICY, nyEdt(2025, 5, 23, 20));
    expect(window.notBefore).toBe(nyEdt(2025, 6, 9, 17));
    expect(window.notAfter).toBe(nyEdt(2025, 6, 13, 17));
  });

  it('always lands on the 10th and 14th business date after a receipt in working hours (counted independently)', () => {
    const holidays = new Set(POLICY_INPUT.calendar.holidays);
    const nyDate = (ms: number) => new Date(ms - 4 * HOUR).toISOString().slice(0, 10);
    const businessDatesBetween = (from: number, to: number) => {
      let count = 0;
      for (let t = from + DAY; nyDate(t) <= nyDate(to); t += DAY) {
        const weekday = new Date(t - 4 * HOUR).getUTCDay();
        if (weekday !== 0 && weekday !== 6 && !holidays.has(nyDate(t))) count++;
      }
      return count;
    };
    for (let day = 16; day <= 30; day++) {
      const received = nyEdt(2025, 6, day, 10, 30);
      if ([0, 6].includes(new Date(received).getUTCDay())) continue;
      const { notBefore, notAfter } = restoreWindow(POLICY, received);
      expect([businessDatesBetween(received, notBefore), businessDatesBetween(received, notAfter)]).toEqual([10, 14]);
      expect(new Date(notBefore).getUTCHours()).toBe(14); // 10:30 EDT: same time of day
    }
  });
});

describe('DSA Art. 20 complaint window', () => {
  it('ends with the same date six months later, in UTC', () => {
    expect(complaintDeadline(POLICY, Date.UTC(2025, 0, 15, 10))).toBe(Date.UTC(2025, 6, 16));
  });

  it('ends with the last day of the month when that date does not exist', () => {
    expect(complaintDeadline(POLICY, Date.UTC(2025, 7, 31, 23, 30))).toBe(Date.UTC(2026, 2, 1));
    expect(complaintDeadline(POLICY, Date.UTC(2023, 7, 31))).toBe(Date.UTC(2024, 2, 1)); // leap year: through 29 Feb
    expect(complaintDeadline(pinTakedownPolicy({ ...POLICY_INPUT, complaintWindowMonths: 12 }), Date.UTC(2025, 1, 28))).toBe(Date.UTC(2026, 2, 1));
  });
});
