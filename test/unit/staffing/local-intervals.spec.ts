import { arrivalsPerInterval, intervalsBetween, weeklyAverageArrivals } from '../../../src/domain/staffing/intervals';
import {
  intervalsPerLocalDate,
  localDate,
  localLabel,
  sameLocalTimeWeeksBefore,
  startOfLocalDate,
  weeklyAverageArrivalsLocal,
} from '../../../src/domain/staffing/local-intervals';

/**
 * Issue 19 §3, the forecast's DST check: "required agents per interval … (arrivals per 30-minute
 * interval)". America/Chicago falls back on 2026-11-01 (a 25-hour day) and springs forward on
 * 2027-03-14 (a 23-hour day). Fixed instants only.
 */
const TZ = 'America/Chicago';
const MIN = 60_000;
const HALF_HOUR = 30 * MIN;
const WEEK = 7 * 86_400_000;

const dayIntervals = (date: string, next: string) => intervalsBetween(startOfLocalDate(date, TZ), startOfLocalDate(next, TZ), HALF_HOUR);

describe('forecast intervals in local time across DST (America/Chicago)', () => {
  it('local midnight is CDT before the fall-back and CST after it', () => {
    expect(new Date(startOfLocalDate('2026-11-01', TZ)).toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(new Date(startOfLocalDate('2026-11-02', TZ)).toISOString()).toBe('2026-11-02T06:00:00.000Z');
    expect(new Date(startOfLocalDate('2027-03-14', TZ)).toISOString()).toBe('2027-03-14T06:00:00.000Z');
    expect(new Date(startOfLocalDate('2027-03-15', TZ)).toISOString()).toBe('2027-03-15T05:00:00.000Z');
  });

  it('the fall-back day 2026-11-01 has 50 half-hour intervals, its 01:00 hour twice, told apart by the offset', () => {
    const intervals = intervalsBetween(startOfLocalDate('2026-10-31', TZ), startOfLocalDate('2026-11-03', TZ), HALF_HOUR);
    expect(intervalsPerLocalDate(intervals, TZ)).toEqual([
      { date: '2026-10-31', intervals: 48 },
      { date: '2026-11-01', intervals: 50 },
      { date: '2026-11-02', intervals: 48 },
    ]);
    const labels = dayIntervals('2026-11-01', '2026-11-02').map((i) => localLabel(i.start, TZ));
    expect(labels.slice(0, 6)).toEqual([
      '2026-11-01T00:00:00-05:00',
      '2026-11-01T00:30:00-05:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T01:30:00-05:00',
      '2026-11-01T01:00:00-06:00',
      '2026-11-01T01:30:00-06:00',
    ]);
    expect(labels.at(-1)).toBe('2026-11-01T23:30:00-06:00');
    expect(new Set(labels).size).toBe(50);
  });

  it('the spring-forward day 2027-03-14 has 46 half-hour intervals: no 02:00–03:00', () => {
    const intervals = dayIntervals('2027-03-14', '2027-03-15');
    expect(intervals).toHaveLength(46);
    expect(intervalsPerLocalDate(intervals, TZ)).toEqual([{ date: '2027-03-14', intervals: 46 }]);
    const labels = intervals.map((i) => localLabel(i.start, TZ));
    expect(labels.slice(2, 6)).toEqual(['2027-03-14T01:00:00-06:00', '2027-03-14T01:30:00-06:00', '2027-03-14T03:00:00-05:00', '2027-03-14T03:30:00-05:00']);
    expect(labels.some((l) => l.includes('T02:'))).toBe(false);
    expect(localLabel(intervals.at(-1)!.end, TZ)).toBe('2027-03-15T00:00:00-05:00');
  });

  it('an arrival is counted in the local interval holding it, on both sides of the change', () => {
    const intervals = dayIntervals('2026-11-01', '2026-11-02');
    const firstOneTen = Date.parse('2026-11-01T06:10:00Z'); // 01:10 CDT
    const secondOneTen = Date.parse('2026-11-01T07:10:00Z'); // 01:10 CST, an hour later
    const nineAm = Date.parse('2026-11-01T15:05:00Z'); // 09:05 CST
    const counts = arrivalsPerInterval([firstOneTen, secondOneTen, nineAm], intervals, HALF_HOUR);
    const at = (label: string) => counts[intervals.findIndex((i) => localLabel(i.start, TZ) === label)];
    expect([at('2026-11-01T01:00:00-05:00'), at('2026-11-01T01:00:00-06:00'), at('2026-11-01T09:00:00-06:00')]).toEqual([1, 1, 1]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(localDate(secondOneTen, TZ)).toBe('2026-11-01');
  });

  it('the weekly profile aligns by local time: 09:00 CST after the change is forecast from 09:00 CDT before it, not 10:00', () => {
    const target = Date.parse('2026-11-02T15:00:00Z'); // Monday 09:00 CST
    const intervals = intervalsBetween(target, target + 2 * HALF_HOUR, HALF_HOUR); // 09:00, 09:30
    const nineCdtWeekBefore = Date.parse('2026-10-26T14:10:00Z'); // Monday 09:10 CDT
    expect(sameLocalTimeWeeksBefore(target, 1, TZ)).toBe(Date.parse('2026-10-26T14:00:00Z'));
    expect(weeklyAverageArrivalsLocal([nineCdtWeekBefore], intervals, 1, TZ)).toEqual([1, 0]);
    // 7 × 24 h back lands on 10:00 CDT: the arrival at 09:10 would be lost to the forecast.
    expect(weeklyAverageArrivals([nineCdtWeekBefore], intervals, 1)).toEqual([0, 0]);
  });

  it("both 01:00 intervals of the fall-back day read the one 01:00 of the week before; a week's missing 02:00 lends nothing", () => {
    const fallBack = dayIntervals('2026-11-01', '2026-11-02');
    const oneFifteenWeekBefore = Date.parse('2026-10-25T06:15:00Z'); // Sunday 01:15 CDT
    const profile = weeklyAverageArrivalsLocal([oneFifteenWeekBefore], fallBack, 1, TZ);
    const labelled = fallBack.map((i, n) => [localLabel(i.start, TZ), profile[n]] as const).filter(([, v]) => v > 0);
    expect(labelled).toEqual([
      ['2026-11-01T01:00:00-05:00', 1],
      ['2026-11-01T01:00:00-06:00', 1],
    ]);

    // A week after the spring-forward day: 02:30 CDT on 2027-03-21 did not exist a week before;
    // two weeks back (2027-03-07 02:30 CST) it did, so the mean is over that one week.
    const twoThirty = Date.parse('2027-03-21T07:30:00Z');
    expect(localLabel(twoThirty, TZ)).toBe('2027-03-21T02:30:00-05:00');
    expect(sameLocalTimeWeeksBefore(twoThirty, 1, TZ)).toBeNull();
    const twoWeeksBefore = Date.parse('2027-03-07T08:40:00Z'); // 02:40 CST
    const threeAmWeekBefore = Date.parse('2027-03-14T08:10:00Z'); // 03:10 CDT, not 02:xx
    expect(weeklyAverageArrivalsLocal([twoWeeksBefore, threeAmWeekBefore], [{ start: twoThirty, end: twoThirty + HALF_HOUR }], 2, TZ)).toEqual([1]);
    expect(twoWeeksBefore).toBe(twoThirty - 2 * WEEK + 10 * MIN + 60 * MIN);
  });
});
