/**
 * Staffing intervals: the range [from, to) cut into equal steps, and the contacts that arrived in
 * each. Pure; the forecast endpoint reads arrival instants from the read model and buckets them here.
 */

/** The interval lengths a forecast may use (workforce tools plan in 15-, 30- or 60-minute steps). */
export const STAFFING_INTERVALS = { '15m': 15 * 60_000, '30m': 30 * 60_000, '60m': 60 * 60_000, '1h': 60 * 60_000 } as const;
export type StaffingIntervalName = keyof typeof STAFFING_INTERVALS;

export function isStaffingInterval(value: string): value is StaffingIntervalName {
  return Object.hasOwn(STAFFING_INTERVALS, value);
}

export interface Interval {
  start: number;
  end: number;
}

/** [from, to) in steps of `stepMs` from `from`; the last interval ends at `to` (it may be shorter). */
export function intervalsBetween(from: number, to: number, stepMs: number): Interval[] {
  if (!(stepMs > 0)) throw new RangeError('stepMs must be positive');
  const out: Interval[] = [];
  for (let start = from; start < to; start += stepMs) out.push({ start, end: Math.min(start + stepMs, to) });
  return out;
}

/** Which interval (0-based) an instant falls in, or -1 outside [from, to). */
export function intervalIndex(at: number, from: number, to: number, stepMs: number): number {
  if (at < from || at >= to) return -1;
  return Math.floor((at - from) / stepMs);
}

/** Arrivals per interval, by the instants' own count (actual arrivals in the range). */
export function arrivalsPerInterval(instants: readonly number[], intervals: readonly Interval[], stepMs: number): number[] {
  const counts: number[] = intervals.map(() => 0);
  if (intervals.length === 0) return counts;
  const from = intervals[0].start;
  const to = intervals[intervals.length - 1].end;
  for (const at of instants) {
    const i = intervalIndex(at, from, to, stepMs);
    if (i >= 0) counts[i]++;
  }
  return counts;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Expected arrivals per interval from the same weekday and time of day in the `weeks` weeks before
 * each interval (the mean of those weeks' counts): a forecast for a range that has not happened
 * yet, or a smoothed one for a range that has. Weeks are exact 7 × 24 h shifts, so in a week that
 * crosses a daylight-saving change the local time of day moves by an hour: the forecast uses
 * weeklyAverageArrivalsLocal (local-intervals.ts), aligned by local wall time, instead.
 */
export function weeklyAverageArrivals(instants: readonly number[], intervals: readonly Interval[], weeks: number): number[] {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError('weeks must be a whole number ≥ 1');
  const sorted = [...instants].sort((a, b) => a - b);
  return intervals.map(({ start, end }) => {
    let total = 0;
    for (let w = 1; w <= weeks; w++) total += countIn(sorted, start - w * WEEK_MS, end - w * WEEK_MS);
    return total / weeks;
  });
}

/** The history window weeklyAverageArrivals reads for [from, to). */
export function weeklyHistoryWindow(from: number, to: number, weeks: number): Interval {
  return { start: from - weeks * WEEK_MS, end: to - WEEK_MS };
}

/** How many sorted instants lie in [start, end). */
function countIn(sorted: readonly number[], start: number, end: number): number {
  return lowerBound(sorted, end) - lowerBound(sorted, start);
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
