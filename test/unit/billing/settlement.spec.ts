import { addBusinessDays } from '../../../src/domain/billing/business-days';
import { DEFAULT_REFUND_POLICY, settlementDeadlines } from '../../../src/domain/billing/refund';
import { ALWAYS_OPEN, BusinessCalendar, CalendarError } from '../../../src/domain/sla/calendar';

const weekdays = (start: string, end: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start, end }]]));
// 4 July 2025 is a Friday: a holiday running straight into a weekend.
const newYork: BusinessCalendar = { timeZone: 'America/New_York', weekly: weekdays('09:00', '17:00'), holidays: ['2025-07-04'] };
const london: BusinessCalendar = { timeZone: 'Europe/London', weekly: weekdays('09:00', '17:30') };
const iso = (t: number) => new Date(t).toISOString();

describe('settlement deadlines (warn 4, breach 7 business days)', () => {
  it('skips a holiday and the weekend: Thursday 3 July 10:00 → warn Thu 10 July, breach Tue 15 July, same local time', () => {
    const { warnAt, breachAt } = settlementDeadlines(Date.parse('2025-07-03T10:00:00-04:00'), newYork, DEFAULT_REFUND_POLICY);
    expect(iso(warnAt)).toBe('2025-07-10T14:00:00.000Z');
    expect(iso(breachAt)).toBe('2025-07-15T14:00:00.000Z');
  });

  it('a Saturday request starts at Monday opening', () => {
    const { warnAt, breachAt } = settlementDeadlines(Date.parse('2025-07-05T14:00:00-04:00'), newYork, DEFAULT_REFUND_POLICY);
    expect(iso(warnAt)).toBe('2025-07-11T13:00:00.000Z'); // Fri 09:00 EDT
    expect(iso(breachAt)).toBe('2025-07-16T13:00:00.000Z'); // Wed 09:00 EDT
  });

  it('an after-hours request before a holiday starts at the next opening', () => {
    expect(iso(addBusinessDays(newYork, Date.parse('2025-07-03T18:30:00-04:00'), 1))).toBe('2025-07-08T13:00:00.000Z');
  });

  it('keeps the local time across a DST change (London, 30 March 2025)', () => {
    expect(iso(addBusinessDays(london, Date.parse('2025-03-27T10:00:00Z'), 4))).toBe('2025-04-02T09:00:00.000Z'); // 10:00 BST
  });

  it('on a 24×7 calendar a business day is 24 hours', () => {
    const t = Date.parse('2025-07-05T03:21:00Z');
    expect(settlementDeadlines(t, ALWAYS_OPEN, DEFAULT_REFUND_POLICY)).toEqual({ warnAt: t + 4 * 86_400_000, breachAt: t + 7 * 86_400_000 });
  });

  it('follows the policy and rejects nonsense', () => {
    const { warnAt } = settlementDeadlines(Date.parse('2025-07-07T09:00:00-04:00'), newYork, { ...DEFAULT_REFUND_POLICY, settlementWarnBusinessDays: 1 });
    expect(iso(warnAt)).toBe('2025-07-08T13:00:00.000Z');
    expect(() => addBusinessDays(newYork, 0, -1)).toThrow(CalendarError);
    expect(() => addBusinessDays(newYork, 0, 1.5)).toThrow(CalendarError);
    expect(addBusinessDays(newYork, Date.parse('2025-07-07T10:00:00-04:00'), 0)).toBe(Date.parse('2025-07-07T10:00:00-04:00'));
  });
});
