import { addBusinessTime, BusinessCalendar, CalendarError, isHoliday, localDateOf, localInstant, Weekday } from '../sla/calendar';

/**
 * "Within 5–7 business days" counted the way a customer reads it: the clock starts at the first
 * open instant (addBusinessTime(cal, t, 0), so a Saturday request starts on Monday morning), and
 * the deadline is the same local time of day N business days later. A business day is a local
 * date on which the calendar has any open window and which is not a holiday (listed, or given by
 * the calendar's holiday rules).
 *
 * Why whole days rather than N × (open hours): a promise stated in days should not stretch on a
 * week with a half-day Friday, and a 24×7 calendar then gives N × 24 h, as one would expect.
 * A wall time that does not exist or occurs twice (DST) resolves like calendar.ts: forward by the
 * gap, or the earlier instant. Pure: only Intl and Date with explicit instants.
 */
const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MAX_DAYS = 3 * 366;

export function addBusinessDays(cal: BusinessCalendar, startMs: number, days: number): number {
  if (!Number.isInteger(days) || days < 0) throw new CalendarError(`business days must be a whole number >= 0, got ${days}`);
  const start = addBusinessTime(cal, startMs, 0);
  if (days === 0) return start;
  const w = localDateOf(cal.timeZone, start);
  let counted = 0;
  for (let i = 1; i <= MAX_DAYS; i++) {
    const date = new Date(Date.UTC(w.y, w.m - 1, w.d + i));
    if (!isBusinessDate(cal, date)) continue;
    if (++counted === days) return localInstant(cal.timeZone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.msOfDay);
  }
  throw new CalendarError(`calendar in ${cal.timeZone} has fewer than ${days} business days within ${MAX_DAYS} days`);
}

/** `date` is a UTC midnight standing for a local date. */
function isBusinessDate(cal: BusinessCalendar, date: Date): boolean {
  if (isHoliday(cal, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())) return false;
  return (cal.weekly[WEEKDAYS[date.getUTCDay()]] ?? []).length > 0;
}
