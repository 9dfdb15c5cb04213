/**
 * Business-time arithmetic over coverage calendars: an IANA time zone, weekly working windows in
 * local wall time, and closed days. Pure and deterministic (only Intl and Date with explicit
 * instants), so workflows use it for their timers and the API for what it shows.
 *
 * Wall times that do not exist or occur twice (DST) resolve like the "compatible" disambiguation
 * of ECMAScript Temporal: a time in a spring-forward gap moves forward by the gap's length, and a
 * time in a fall-back overlap takes the earlier instant.
 */
import { hasHolidayRules, HolidayRules, isRuleHoliday, validateHolidayRules } from '../calendar/holiday-rules';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface BusinessCalendar {
  /** IANA zone, e.g. 'America/Chicago'. */
  timeZone: string;
  /**
   * Working windows per weekday, local wall time 'HH:MM' (end exclusive; '24:00' allowed). Missing day = closed.
   * 'HH:MM:SS' is accepted too (policy packs use minutes; tests build windows of seconds).
   */
  weekly: Partial<Record<Weekday, Array<{ start: string; end: string }>>>;
  /** Local dates 'YYYY-MM-DD' that are closed all day (also beside holidayRules: extra dates). */
  holidays?: string[];
  /**
   * Holidays as rules, evaluated for any year (src/domain/calendar/holiday-rules.ts). Optional and
   * added beside `holidays`, so policies pinned before rules existed (lists only) stay valid and
   * count exactly as before.
   */
  holidayRules?: HolidayRules;
}

const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY = 86_400_000;
const MAX_DAYS = 3 * 366;

export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC',
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
};

export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

// ---- validation ------------------------------------------------------------------------------

const HHMM = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Seconds since local midnight of 'HH:MM' or 'HH:MM:SS'; null if malformed. */
function secondsOfDay(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  if (!m) return null;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (min > 59 || sec > 59 || h > 24 || (h === 24 && (min !== 0 || sec !== 0))) return null;
  return h * 3600 + min * 60 + sec;
}

export function validateCalendar(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cal.timeZone });
  } catch {
    problems.push(`unknown time zone "${cal.timeZone}"`);
  }
  for (const [day, windows] of Object.entries(cal.weekly)) {
    if (!WEEKDAYS.includes(day as Weekday)) problems.push(`unknown weekday "${day}"`);
    const spans: [number, number][] = [];
    for (const w of windows ?? []) {
      const [s, e] = [secondsOfDay(w.start), secondsOfDay(w.end)];
      if (s === null || s >= 24 * 3600) problems.push(`${day}: "${w.start}" is not a start time HH:MM`);
      if (e === null) problems.push(`${day}: "${w.end}" is not an end time HH:MM`);
      if (s !== null && e !== null && s >= e) problems.push(`${day}: window ${w.start}-${w.end} must start before it ends`);
      if (s !== null && e !== null && s < e) spans.push([s, e]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) problems.push(`${day}: windows overlap`);
  }
  for (const h of cal.holidays ?? []) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(h);
    const ok = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toISOString().startsWith(h);
    if (!ok) problems.push(`holiday "${h}" is not a date YYYY-MM-DD`);
  }
  if (cal.holidayRules) {
    problems.push(...validateHolidayRules(cal.holidayRules));
    // A date both added and removed is a contradiction, not a choice: say so rather than pick one.
    for (const e of cal.holidayRules.except ?? []) if (cal.holidays?.includes(e)) problems.push(`"${e}" is both a holiday and an except`);
  }
  return problems;
}

// ---- time zones --------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
  ss: number;
}

function wallOf(timeZone: string, instant: number): Wall {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour') % 24, mm: get('minute'), ss: get('second') };
}

/** The local date of an instant in a zone, and the milliseconds since local midnight. */
export function localDateOf(timeZone: string, instant: number): { y: number; m: number; d: number; msOfDay: number } {
  const w = wallOf(timeZone, instant);
  const ms = ((instant % 1000) + 1000) % 1000;
  return { y: w.y, m: w.m, d: w.d, msOfDay: (w.hh * 3600 + w.mm * 60 + w.ss) * 1000 + ms };
}

/** Wall clock read as if it were UTC: comparable with Date.UTC of the wanted local time. */
function wallAsUtc(timeZone: string, instant: number): number {
  const w = localDateOf(timeZone, instant);
  return Date.UTC(w.y, w.m - 1, w.d) + w.msOfDay;
}

const wallCache = new Map<string, number>();

/**
 * The instant of a local wall time (see the DST note at the top): a time that occurs twice is the
 * earlier instant; a time in a spring-forward gap moves forward by the gap.
 */
export function localInstant(timeZone: string, y: number, m: number, d: number, msOfDay: number): number {
  const key = `${timeZone}|${y}-${m}-${d}|${msOfDay}`;
  const hit = wallCache.get(key);
  if (hit !== undefined) return hit;
  const wanted = Date.UTC(y, m - 1, d) + msOfDay;
  const offsets = [...new Set([wanted - DAY, wanted + DAY].map((t) => wallAsUtc(timeZone, t) - t))];
  const candidates = offsets.map((o) => wanted - o).filter((t) => wallAsUtc(timeZone, t) === wanted);
  const result = candidates.length ? Math.min(...candidates) : wanted - (wallAsUtc(timeZone, wanted - DAY) - (wanted - DAY));
  if (wallCache.size > 100_000) wallCache.clear();
  wallCache.set(key, result);
  return result;
}

function instantOf(timeZone: string, y: number, m: number, d: number, secondOfDay: number): number {
  return localInstant(timeZone, y, m, d, secondOfDay * 1000);
}

// ---- open intervals ----------------------------------------------------------------------------

function secondOfDayOrThrow(hhmm: string): number {
  const s = secondsOfDay(hhmm);
  if (s === null) throw new CalendarError(`"${hhmm}" is not a wall time HH:MM`);
  return s;
}

/** Open around the clock, every day (24×7): nothing ever waits for an opening. */
export function isAlwaysOpen(cal: BusinessCalendar): boolean {
  if (cal === ALWAYS_OPEN) return true;
  if ((cal.holidays ?? []).length || hasHolidayRules(cal.holidayRules)) return false;
  return WEEKDAYS.every((d) => {
    const w = cal.weekly[d];
    return w?.length === 1 && w[0].start === '00:00' && w[0].end === '24:00';
  });
}

/** Is the local date y-m-d closed all day: a listed date, or one the holiday rules give? */
export function isHoliday(cal: BusinessCalendar, y: number, m: number, d: number): boolean {
  if (cal.holidays?.length && cal.holidays.includes(`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)) return true;
  return cal.holidayRules !== undefined && isRuleHoliday(cal.holidayRules, y, m, d);
}

/** Open intervals [start, end) of one local date, as instants, merged where they touch (none on a closed day). */
export function openIntervalsOfDay(cal: BusinessCalendar, y: number, m: number, d: number): [number, number][] {
  if (isHoliday(cal, y, m, d)) return [];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  const out: [number, number][] = [];
  for (const w of cal.weekly[weekday] ?? []) {
    const s = instantOf(cal.timeZone, y, m, d, secondOfDayOrThrow(w.start));
    const e = instantOf(cal.timeZone, y, m, d, secondOfDayOrThrow(w.end));
    if (e <= s) continue;
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Open intervals in time order, from the local day containing `from` onwards. */
function* openIntervals(cal: BusinessCalendar, from: number): Generator<[number, number]> {
  const w = wallOf(cal.timeZone, from);
  // Start a day early: a window of the previous local day can still be open at `from`.
  for (let i = -1; i <= MAX_DAYS; i++) {
    const day = new Date(Date.UTC(w.y, w.m - 1, w.d + i));
    for (const iv of openIntervalsOfDay(cal, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())) {
      if (iv[1] > from) yield iv;
    }
  }
  throw new CalendarError(`calendar in ${cal.timeZone} has no open time within ${MAX_DAYS} days`);
}

// ---- arithmetic ---------------------------------------------------------------------------------

export function isOpenAt(cal: BusinessCalendar, instantMs: number): boolean {
  if (isAlwaysOpen(cal)) return true;
  for (const [s, e] of openIntervals(cal, instantMs)) return s <= instantMs && instantMs < e;
  return false;
}

/**
 * The instant when `durationMs` of business time has elapsed, counting from `startMs`.
 * durationMs = 0 gives the first open instant at or after startMs.
 */
export function addBusinessTime(cal: BusinessCalendar, startMs: number, durationMs: number): number {
  if (durationMs < 0) throw new CalendarError('duration must not be negative');
  if (isAlwaysOpen(cal)) return startMs + durationMs;
  let left = durationMs;
  for (const [s, e] of openIntervals(cal, startMs)) {
    const from = Math.max(s, startMs);
    if (left <= e - from) return from + left;
    left -= e - from;
  }
  throw new CalendarError('unreachable');
}

/** Business time elapsed between two instants (0 if to <= from). */
export function businessTimeBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  if (isAlwaysOpen(cal)) return toMs - fromMs;
  let total = 0;
  const w = wallOf(cal.timeZone, fromMs);
  const days = Math.ceil((toMs - fromMs) / DAY) + 2;
  for (let i = -1; i <= days; i++) {
    const day = new Date(Date.UTC(w.y, w.m - 1, w.d + i));
    for (const [s, e] of openIntervalsOfDay(cal, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())) {
      const lo = Math.max(s, fromMs);
      const hi = Math.min(e, toMs);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** The next instant >= fromMs at which the calendar is open (fromMs itself if open). */
export function nextOpening(cal: BusinessCalendar, fromMs: number): number {
  return addBusinessTime(cal, fromMs, 0);
}
