import { localDateOf, localInstant } from '../sla/calendar';
import type { Interval } from './intervals';

/**
 * Staffing intervals in the brand's local time (issue 19 §3, DST check). Rosters are planned in
 * local wall time: a 09:00–09:30 interval is 09:00–09:30 in Chicago whether Chicago is on CDT or
 * CST. Intervals are equal elapsed steps (intervals.ts), so a local day that is 25 hours long
 * (fall back, America/Chicago 2026-11-01) has 50 half-hour intervals, its 01:00–02:00 twice (once
 * CDT, once CST, labelled with their offsets), and a 23-hour day (spring forward, 2027-03-14) has
 * 46, no 02:00–03:00. An arrival falls in the interval holding its instant, so it is counted in
 * the right local interval on both sides of the change. Pure: Intl only, instants passed in.
 */

const DAY = 86_400_000;

/** The local wall time of an instant with its UTC offset: "2026-11-01T01:30:00-06:00". */
export function localLabel(instant: number, timeZone: string): string {
  const { y, m, d, msOfDay } = localDateOf(timeZone, instant);
  const offsetMin = Math.round((Date.UTC(y, m - 1, d) + msOfDay - instant) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const s = Math.floor(msOfDay / 1000);
  return `${datePart(y, m, d)}T${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The local date ("YYYY-MM-DD") of an instant. */
export function localDate(instant: number, timeZone: string): string {
  const { y, m, d } = localDateOf(timeZone, instant);
  return datePart(y, m, d);
}

/** The instant a local date begins ("2026-11-01" in Chicago: 05:00Z, CDT). */
export function startOfLocalDate(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return localInstant(timeZone, y, m, d, 0);
}

/** How many intervals start on each local date, in order: 50 half-hours on a fall-back day, 46 on a spring-forward one. */
export function intervalsPerLocalDate(intervals: readonly Interval[], timeZone: string): { date: string; intervals: number }[] {
  const out: { date: string; intervals: number }[] = [];
  for (const { start } of intervals) {
    const date = localDate(start, timeZone);
    const last = out[out.length - 1];
    if (last?.date === date) last.intervals++;
    else out.push({ date, intervals: 1 });
  }
  return out;
}

/**
 * The same local wall time `weeks` weeks before `instant` (same weekday, same time of day), or
 * null when that wall time did not exist then (it fell in a spring-forward gap). A wall time that
 * occurred twice then (fall back) is its first occurrence.
 */
export function sameLocalTimeWeeksBefore(instant: number, weeks: number, timeZone: string): number | null {
  const { y, m, d, msOfDay } = localDateOf(timeZone, instant);
  const day = new Date(Date.UTC(y, m - 1, d) - weeks * 7 * DAY);
  const before = localInstant(timeZone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), msOfDay);
  const back = localDateOf(timeZone, before);
  return back.msOfDay === msOfDay && back.d === day.getUTCDate() ? before : null;
}

/**
 * Expected arrivals per interval from the same weekday and local time of day in the `weeks` weeks
 * before (the mean over the weeks in which that local time existed). Aligned by wall time, not by
 * 7 × 24 h: across a DST change a 09:00 interval is forecast from the 09:00 intervals before it,
 * not from 08:00 or 10:00. Both 01:00 intervals of a fall-back day read the one 01:00 of the weeks
 * before (the hour is staffed twice because it happens twice); the weeks before a spring-forward
 * day lend their 02:00 hour to nothing.
 */
export function weeklyAverageArrivalsLocal(instants: readonly number[], intervals: readonly Interval[], weeks: number, timeZone: string): number[] {
  if (!Number.isInteger(weeks) || weeks < 1) throw new RangeError('weeks must be a whole number ≥ 1');
  const sorted = [...instants].sort((a, b) => a - b);
  return intervals.map(({ start, end }) => {
    let total = 0;
    let counted = 0;
    for (let w = 1; w <= weeks; w++) {
      const before = sameLocalTimeWeeksBefore(start, w, timeZone);
      if (before === null) continue;
      total += lowerBound(sorted, before + (end - start)) - lowerBound(sorted, before);
      counted++;
    }
    return counted === 0 ? 0 : total / counted;
  });
}

/** The history weeklyAverageArrivalsLocal reads for [from, to): a day's margin for the DST hour. */
export function localHistoryWindow(from: number, to: number, weeks: number): Interval {
  return { start: from - weeks * 7 * DAY - DAY, end: to - 7 * DAY + DAY };
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

function datePart(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
