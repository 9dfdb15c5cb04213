import { arrivalsPerInterval, intervalIndex, intervalsBetween, isStaffingInterval, weeklyAverageArrivals, weeklyHistoryWindow } from '../../../src/domain/staffing/intervals';

const T0 = Date.parse('2026-03-02T09:00:00Z'); // fixed instants: nothing here depends on today
const MIN = 60_000;
const HALF_HOUR = 30 * MIN;
const WEEK = 7 * 86_400_000;

describe('staffing intervals (src/domain/staffing/intervals.ts)', () => {
  it('cuts [from, to) into 30-minute intervals starting at from; a ragged end gets a short last interval', () => {
    expect(intervalsBetween(T0, T0 + 2 * HALF_HOUR, HALF_HOUR)).toEqual([
      { start: T0, end: T0 + HALF_HOUR },
      { start: T0 + HALF_HOUR, end: T0 + 2 * HALF_HOUR },
    ]);
    expect(intervalsBetween(T0, T0 + 45 * MIN, HALF_HOUR).at(-1)).toEqual({ start: T0 + HALF_HOUR, end: T0 + 45 * MIN });
    expect(intervalsBetween(T0, T0, HALF_HOUR)).toEqual([]);
  });

  it('puts an arrival on a boundary in the interval it starts (start inclusive, end exclusive)', () => {
    expect(intervalIndex(T0, T0, T0 + 4 * HALF_HOUR, HALF_HOUR)).toBe(0);
    expect(intervalIndex(T0 + HALF_HOUR - 1, T0, T0 + 4 * HALF_HOUR, HALF_HOUR)).toBe(0);
    expect(intervalIndex(T0 + HALF_HOUR, T0, T0 + 4 * HALF_HOUR, HALF_HOUR)).toBe(1);
    expect(intervalIndex(T0 + 4 * HALF_HOUR, T0, T0 + 4 * HALF_HOUR, HALF_HOUR)).toBe(-1);
    expect(intervalIndex(T0 - 1, T0, T0 + 4 * HALF_HOUR, HALF_HOUR)).toBe(-1);
  });

  it('counts actual arrivals per interval and ignores those outside the range', () => {
    const intervals = intervalsBetween(T0, T0 + 3 * HALF_HOUR, HALF_HOUR);
    const instants = [T0 - 1, T0, T0 + 5 * MIN, T0 + 29 * MIN, T0 + HALF_HOUR, T0 + 89 * MIN, T0 + 90 * MIN];
    expect(arrivalsPerInterval(instants, intervals, HALF_HOUR)).toEqual([3, 1, 1]);
  });

  it('forecasts from the same weekday and time in the weeks before: the mean of their counts', () => {
    const intervals = intervalsBetween(T0, T0 + 2 * HALF_HOUR, HALF_HOUR);
    // One week back: 4 arrivals in the first interval, 1 in the second; two weeks back: 2 and 0;
    // three weeks back: 6 in the first (outside a 2-week history); this week's own arrivals do not count.
    const instants = [
      ...[1, 2, 3, 4].map((m) => T0 - WEEK + m * MIN),
      T0 - WEEK + HALF_HOUR + MIN,
      ...[1, 2].map((m) => T0 - 2 * WEEK + m * MIN),
      ...[1, 2, 3, 4, 5, 6].map((m) => T0 - 3 * WEEK + m * MIN),
      T0 + MIN,
    ];
    expect(weeklyAverageArrivals(instants, intervals, 2)).toEqual([3, 0.5]);
    expect(weeklyAverageArrivals(instants, intervals, 3)).toEqual([4, 1 / 3]);
    expect(weeklyHistoryWindow(T0, T0 + 2 * HALF_HOUR, 2)).toEqual({ start: T0 - 2 * WEEK, end: T0 + 2 * HALF_HOUR - WEEK });
  });

  it('knows the interval names a forecast may ask for', () => {
    expect(['15m', '30m', '60m', '1h'].every(isStaffingInterval)).toBe(true);
    expect(isStaffingInterval('45m')).toBe(false);
    expect(isStaffingInterval('constructor')).toBe(false);
  });
});
