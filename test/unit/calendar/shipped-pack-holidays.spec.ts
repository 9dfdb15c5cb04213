import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { pinBillingPolicy } from '../../../src/domain/billing/billing-policy';
import { settlementDeadlines } from '../../../src/domain/billing/refund';
import { pinTicketPolicy } from '../../../src/domain/policy/ticket-policy';
import { addBusinessTime, businessTimeBetween, isOpenAt, localInstant } from '../../../src/domain/sla/calendar';
import { pinTakedownPolicy, restoreWindow, takedownPolicySchema, TakedownPolicyInput } from '../../../src/domain/takedown/deadlines';
import { pinTakedownCasePolicy } from '../../../src/domain/takedown/takedown-policy';

// The shipped packs, loaded as the API loads them. Every instant below is fixed: nothing depends
// on the day the suite runs.
const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', '..', 'policies'));
const uoozeePack = shipped.find('uoozee')!;
const vivtonePack = shipped.find('vivtone')!;
const uoozeeP2 = pinTicketPolicy(uoozeePack, 'email', null).priorities.P2;
const vivtoneS3 = pinTicketPolicy(vivtonePack, 'email', 'basic').priorities.S3;
const HOUR = 3_600_000;

/** Written out, not computed: Thanksgiving (fourth Thursday of November) and Christmas as observed (Sat → Fri, Sun → Mon). */
const THANKSGIVING = ['2027-11-25', '2028-11-23', '2029-11-22', '2030-11-28', '2031-11-27', '2032-11-25', '2033-11-24', '2034-11-23', '2035-11-22'];
const CHRISTMAS = ['2027-12-24', '2028-12-25', '2029-12-25', '2030-12-25', '2031-12-25', '2032-12-24', '2033-12-26', '2034-12-25', '2035-12-25'];
const NEW_YEAR = ['2027-12-31', '2029-01-01', '2030-01-01', '2031-01-01', '2032-01-01', '2032-12-31', '2034-01-02', '2035-01-01'];

const ymd = (iso: string) => iso.split('-').map(Number) as [number, number, number];

describe.each([
  ['uoozee', uoozeeP2.calendar],
  ['vivtone', vivtoneS3.calendar],
])('the shipped %s business calendar: holidays every year, not until a list runs out', (_, cal) => {
  // The issue: "From 2027 on, SLA clocks tick on Thanksgiving and Christmas."
  it.each([...THANKSGIVING, ...CHRISTMAS, ...NEW_YEAR])('%s has no business time at all', (date) => {
    const [y, m, d] = ymd(date);
    const midnight = localInstant(cal.timeZone, y, m, d, 0);
    const next = localInstant(cal.timeZone, y, m, d + 1, 0);
    expect(isOpenAt(cal, localInstant(cal.timeZone, y, m, d, 12 * HOUR))).toBe(false);
    expect(businessTimeBetween(cal, midnight, next)).toBe(0);
  });

  it('the Wednesday before Thanksgiving and the Friday after are ordinary business days (8–9 h)', () => {
    for (const date of ['2030-11-27', '2030-11-29', '2035-11-21', '2035-11-23']) {
      const [y, m, d] = ymd(date);
      expect(businessTimeBetween(cal, localInstant(cal.timeZone, y, m, d, 0), localInstant(cal.timeZone, y, m, d + 1, 0))).toBeGreaterThanOrEqual(8 * HOUR);
    }
  });

  it('closes only the holidays the pack names: Veterans Day and Labor Day 2030 stay open (the seeds name no US federal calendar for support)', () => {
    for (const date of ['2030-11-11', '2030-09-02', '2030-07-04']) {
      const [y, m, d] = ymd(date);
      expect(isOpenAt(cal, localInstant(cal.timeZone, y, m, d, 12 * HOUR))).toBe(true);
    }
  });
});

describe('SLA clocks across Thanksgiving 2030 on the shipped packs', () => {
  it('uoozee P2 received the evening before Thanksgiving 2030 (Wed 17:30 New York): 30 min that evening, the rest Friday morning', () => {
    const received = Date.parse('2030-11-27T17:30:00-05:00');
    const due = addBusinessTime(uoozeeP2.calendar, received, uoozeeP2.targets.firstResponse!); // 1 h
    expect(new Date(due).toISOString()).toBe('2030-11-29T14:30:00.000Z'); // Fri 09:30 EST
  });

  it('vivtone Basic S3 by e-mail received Wed 17:30 Chicago, after closing: the clock resumes Friday 09:00, not on Thanksgiving', () => {
    const received = Date.parse('2030-11-27T17:30:00-06:00');
    expect(vivtoneS3.targets.firstResponse).toBe(HOUR); // "first response ≤1 hour for email"
    expect(new Date(addBusinessTime(vivtoneS3.calendar, received, 0)).toISOString()).toBe('2030-11-29T15:00:00.000Z'); // Fri 09:00 CST
    expect(new Date(addBusinessTime(vivtoneS3.calendar, received, HOUR)).toISOString()).toBe('2030-11-29T16:00:00.000Z'); // Fri 10:00 CST
    // And the 72 h resolution: Fri 8 h, then 8 h a day from Mon 2 Dec; 64 h more = 8 business days → Wed 11 Dec 17:00 CST.
    expect(new Date(addBusinessTime(vivtoneS3.calendar, received, vivtoneS3.targets.resolution!)).toISOString()).toBe('2030-12-11T23:00:00.000Z');
  });

  it('uoozee refund settlement "within 5–7 business days" requested the day before Thanksgiving 2029 skips the 22nd', () => {
    const billing = pinBillingPolicy(uoozeePack);
    const requested = Date.parse('2029-11-21T10:00:00-05:00');
    const { warnAt, breachAt } = settlementDeadlines(requested, billing.calendar, billing.refunds);
    // Business days after Wed 21: Fri 23 (1), Mon 26 (2), Tue 27 (3), Wed 28 (4: at risk) … Mon 3 Dec (7: breach).
    expect(new Date(warnAt).toISOString()).toBe('2029-11-28T15:00:00.000Z');
    expect(new Date(breachAt).toISOString()).toBe('2029-12-03T15:00:00.000Z');
  });
});

describe('the takedown legal calendar: US federal holidays, observed', () => {
  const legal = pinTakedownCasePolicy(uoozeePack).clocks;

  it('§512(g) restore window over New Year 2028: "New Year\'s Day 2028 is a Saturday, observed Friday" — 2027-12-31 is no business day', () => {
    // Counter-notice Monday 2027-12-13 12:00 New York. Business days after it: 14–17 (1–4), 20–23 (5–8),
    // Fri 24 closed (Christmas observed), 27 (9), 28 (10: not before), 29, 30 (11, 12), Fri 31 closed,
    // Mon 3 Jan (13), Tue 4 Jan (14: not after).
    const received = Date.parse('2027-12-13T12:00:00-05:00');
    const w = restoreWindow(legal, received);
    expect(new Date(w.notBefore).toISOString()).toBe('2027-12-28T17:00:00.000Z');
    expect(new Date(w.notAfter).toISOString()).toBe('2028-01-04T17:00:00.000Z');
  });

  it('is closed on every observed federal holiday of 2030 and open on the weekdays around them', () => {
    const holidays2030 = ['2030-01-01', '2030-01-21', '2030-02-18', '2030-05-27', '2030-06-19', '2030-07-04', '2030-09-02', '2030-10-14', '2030-11-11', '2030-11-28', '2030-12-25'];
    for (const date of holidays2030) {
      const [y, m, d] = ymd(date);
      expect([date, isOpenAt(legal.calendar, localInstant('America/New_York', y, m, d, 12 * HOUR))]).toEqual([date, false]);
    }
    expect(isOpenAt(legal.calendar, Date.parse('2030-11-12T12:00:00-05:00'))).toBe(true); // Tuesday after Veterans Day
  });
});

describe('old list-only calendars count exactly as before', () => {
  // The uoozee legal calendar as shipped before rules: federal holidays through 2027, without 2027-12-31.
  const OLD_LIST = [
    '2026-01-01', '2026-01-19', '2026-02-16', '2026-05-25', '2026-06-19', '2026-07-03',
    '2026-09-07', '2026-10-12', '2026-11-11', '2026-11-26', '2026-12-25',
    '2027-01-01', '2027-01-18', '2027-02-15', '2027-05-31', '2027-06-18', '2027-07-05',
    '2027-09-06', '2027-10-11', '2027-11-11', '2027-11-25', '2027-12-24',
  ];
  const input = (calendar: Partial<TakedownPolicyInput['calendar']>): TakedownPolicyInput => ({
    calendar: {
      timeZone: 'America/New_York',
      weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
      ...calendar,
    },
    decideWithin: { safety: '24h', trusted: '48h', standard: '7d' },
  });
  const listOnly = pinTakedownPolicy(input({ holidays: OLD_LIST }));
  const rules = pinTakedownPolicy(input({ holidayRules: { sets: ['us-federal'] } }));

  it('a list-only calendar pins the same object as before (no holidayRules key), so pinned inputs and histories are unchanged', () => {
    expect(Object.keys(listOnly.calendar).sort()).toEqual(['holidays', 'timeZone', 'weekly']);
    expect(listOnly.calendar.holidays).toEqual(OLD_LIST);
  });

  it('a list is the list: 2027-12-31 missing from it stays a business day (the old behaviour, which the rules fix)', () => {
    const received = Date.parse('2027-12-13T12:00:00-05:00');
    expect(new Date(restoreWindow(listOnly, received).notAfter).toISOString()).toBe('2028-01-03T17:00:00.000Z');
  });

  it('over 2026–2027 (where the list is complete) list and rules agree, start instant by start instant', () => {
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-12-01T00:00:00Z'); t += 37 * HOUR + 13 * 60_000) {
      const a = restoreWindow(listOnly, t);
      const b = restoreWindow(rules, t);
      expect([new Date(t).toISOString(), a.notBefore, a.notAfter]).toEqual([new Date(t).toISOString(), b.notBefore, b.notAfter]);
    }
  });

  it('refuses a bad rule with a problem on the calendar path, naming it', () => {
    const bad = takedownPolicySchema.safeParse(input({ holidayRules: { sets: ['us-federal'], except: ['easter'] } }));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['calendar', 'except "easter" is neither a holiday rule id of this calendar nor a date YYYY-MM-DD']]);
    const contradiction = takedownPolicySchema.safeParse(input({ holidays: ['2030-07-04'], holidayRules: { sets: ['us-federal'], except: ['2030-07-04'] } }));
    expect(contradiction.error?.issues.map((i) => i.message)).toEqual(['"2030-07-04" is both a holiday and an except']);
    const unknownKey = takedownPolicySchema.safeParse(input({ holidayRules: { set: ['us-federal'] } as never }));
    expect(unknownKey.error?.issues[0].path).toEqual(['calendar', 'holidayRules']);
  });
});
