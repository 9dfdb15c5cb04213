import fc from 'fast-check';
import {
  addBusinessTime,
  ALWAYS_OPEN,
  BusinessCalendar,
  businessTimeBetween,
  CalendarError,
  isOpenAt,
  nextOpening,
  validateCalendar,
} from '../../src/domain/sla/calendar';

const H = 3_600_000;
const weekdays = (start: string, end: string, days = ['mon', 'tue', 'wed', 'thu', 'fri']) =>
  Object.fromEntries(days.map((d) => [d, [{ start, end }]]));

const chicago: BusinessCalendar = { timeZone: 'America/Chicago', weekly: weekdays('09:00', '17:00'), holidays: ['2026-11-26'] };
const berlinAllDay: BusinessCalendar = { timeZone: 'Europe/Berlin', weekly: weekdays('00:00', '24:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) };
const berlinOffice: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '18:00' }]])),
};
const newYork: BusinessCalendar = { timeZone: 'America/New_York', weekly: weekdays('09:00', '17:00') };
const sydney24x5: BusinessCalendar = { timeZone: 'Australia/Sydney', weekly: weekdays('00:00', '24:00') };

describe('business calendar — concrete cases', () => {
  it('Friday 17:30 in Chicago + 1 business hour = Monday 10:00 (UTC−6 in November)', () => {
    expect(new Date(addBusinessTime(chicago, Date.parse('2026-11-20T17:30:00-06:00'), H)).toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('8 business hours from Monday 10:00 is Tuesday 10:00', () => {
    expect(new Date(addBusinessTime(chicago, Date.parse('2026-11-23T10:00:00-06:00'), 8 * H)).toISOString()).toBe('2026-11-24T16:00:00.000Z');
  });

  it('skips a holiday (Thanksgiving 2026-11-26)', () => {
    // Wednesday 16:00 + 2 h: one hour Wednesday, the next on Friday (Thursday is closed).
    expect(new Date(addBusinessTime(chicago, Date.parse('2026-11-25T16:00:00-06:00'), 2 * H)).toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(isOpenAt(chicago, Date.parse('2026-11-26T12:00:00-06:00'))).toBe(false);
  });

  it('zero duration at a closed time is the next opening; at an open time it is now', () => {
    const saturday = Date.parse('2026-11-21T12:00:00-06:00');
    expect(new Date(addBusinessTime(chicago, saturday, 0)).toISOString()).toBe('2026-11-23T15:00:00.000Z');
    expect(nextOpening(chicago, saturday)).toBe(Date.parse('2026-11-23T09:00:00-06:00'));
    const open = Date.parse('2026-11-23T11:00:00-06:00');
    expect(addBusinessTime(chicago, open, 0)).toBe(open);
  });

  it('an always-closed calendar fails clearly instead of looping', () => {
    expect(() => addBusinessTime({ timeZone: 'UTC', weekly: {} }, 0, H)).toThrow(CalendarError);
  });
});

describe('business calendar — DST', () => {
  it('Berlin spring forward (2026-03-29): the local day has 23 business hours; autumn (2026-10-25) 25', () => {
    expect(businessTimeBetween(berlinAllDay, Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-29T22:00:00Z'))).toBe(23 * H);
    expect(businessTimeBetween(berlinAllDay, Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T23:00:00Z'))).toBe(25 * H);
  });

  it('a 09–17 window on a DST Sunday/Monday is still 8 hours (New York, 2026-03-08 and 2026-11-01)', () => {
    const ny7 = { ...newYork, weekly: weekdays('09:00', '17:00', ['sun', 'mon']) };
    expect(businessTimeBetween(ny7, Date.parse('2026-03-08T00:00:00-05:00'), Date.parse('2026-03-09T00:00:00-04:00'))).toBe(8 * H);
    expect(businessTimeBetween(ny7, Date.parse('2026-11-01T00:00:00-04:00'), Date.parse('2026-11-02T00:00:00-05:00'))).toBe(8 * H);
  });

  it('adding across the change lands on the right wall time: Fri 16:00 Berlin + 2 h = Mon 10:00 CEST', () => {
    const berlin917 = { timeZone: 'Europe/Berlin', weekly: weekdays('09:00', '17:00') };
    expect(new Date(addBusinessTime(berlin917, Date.parse('2026-03-27T16:00:00+01:00'), 2 * H)).toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('a window starting in the spring-forward gap starts after it (02:30 Berlin on 2026-03-29 → 03:30 CEST)', () => {
    const gap = { timeZone: 'Europe/Berlin', weekly: { sun: [{ start: '02:30', end: '05:00' }] } };
    expect(nextOpening(gap, Date.parse('2026-03-29T00:00:00Z'))).toBe(Date.parse('2026-03-29T03:30:00+02:00'));
  });
});

describe('business calendar — properties', () => {
  const calendars = [ALWAYS_OPEN, chicago, berlinOffice, sydney24x5];
  const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });
  const duration = fc.integer({ min: 0, max: 30 * 24 * H });
  const cal = fc.constantFrom(...calendars);
  const runs = { numRuns: 200 };

  it('elapsed(t, add(t, d)) = d', () => {
    fc.assert(fc.property(cal, instant, duration, (c, t, d) => businessTimeBetween(c, t, addBusinessTime(c, t, d)) === d), runs);
  });

  it('add is monotonic in d', () => {
    fc.assert(fc.property(cal, instant, duration, duration, (c, t, a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return addBusinessTime(c, t, lo) <= addBusinessTime(c, t, hi);
    }), runs);
  });

  it('add is additive: add(add(t, a), b) = add(t, a + b) for a > 0', () => {
    fc.assert(fc.property(cal, instant, duration.filter((a) => a > 0), duration, (c, t, a, b) =>
      addBusinessTime(c, addBusinessTime(c, t, a), b) === addBusinessTime(c, t, a + b)), runs);
  });

  it('elapsed is additive over adjacent spans and never exceeds wall time', () => {
    fc.assert(fc.property(cal, instant, duration, duration, (c, a, x, y) => {
      const [b, d] = [a + x, a + x + y];
      const whole = businessTimeBetween(c, a, d);
      return whole === businessTimeBetween(c, a, b) + businessTimeBetween(c, b, d) && whole <= d - a;
    }), runs);
  });

  it('24×7 is wall time', () => {
    fc.assert(fc.property(instant, duration, (t, d) => addBusinessTime(ALWAYS_OPEN, t, d) === t + d && businessTimeBetween(ALWAYS_OPEN, t, t + d) === d), runs);
  });

  it('the last millisecond before add(t, d) is open time when d > 0', () => {
    fc.assert(fc.property(cal, instant, duration.filter((d) => d > 0), (c, t, d) => isOpenAt(c, addBusinessTime(c, t, d) - 1)), runs);
  });
});

describe('validateCalendar', () => {
  it('accepts the shipped shapes', () => {
    expect(validateCalendar(chicago)).toEqual([]);
    expect(validateCalendar(berlinOffice)).toEqual([]);
  });
  it.each<[string, BusinessCalendar, RegExp]>([
    ['an unknown zone', { timeZone: 'Mars/Olympus', weekly: {} }, /time zone/],
    ['a bad time', { timeZone: 'UTC', weekly: { mon: [{ start: '9am', end: '17:00' }] } }, /9am/],
    ['start after end', { timeZone: 'UTC', weekly: { mon: [{ start: '17:00', end: '09:00' }] } }, /start before it ends/],
    ['overlapping windows', { timeZone: 'UTC', weekly: { mon: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '17:00' }] } }, /overlap/],
    ['a bad holiday', { timeZone: 'UTC', weekly: {}, holidays: ['2026-02-30'] }, /holiday/],
  ])('finds %s', (_, calendar, problem) => {
    expect(validateCalendar(calendar).join('; ')).toMatch(problem);
  });
});
