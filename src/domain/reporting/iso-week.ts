/** ISO 8601 weeks ("2026-W48"): Monday 00:00 UTC to the next Monday, week 1 holding 4 January. */
const WEEK = /^(\d{4})-W(\d{2})$/;
const DAY = 86_400_000;

export function isoWeekRange(week: string): { from: Date; to: Date } | null {
  const m = WEEK.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const mondayOfWeek1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  if (n < 1 || n > weeksIn(year)) return null;
  const from = mondayOfWeek1 + (n - 1) * 7 * DAY;
  return { from: new Date(from), to: new Date(from + 7 * DAY) };
}

/** The ISO week an instant falls in, e.g. "2026-W48". */
export function isoWeekOf(at: number): string {
  const d = new Date(at);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * DAY + 3 * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 4) + ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7) * DAY) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function weeksIn(year: number): number {
  // A year has 53 ISO weeks when 1 January is a Thursday, or a Wednesday in a leap year.
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}
