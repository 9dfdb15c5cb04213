/**
 * When a ticket's customer wrote: the instant its SLA clocks start from. A ticket that arrives
 * through a channel (an e-mail's Date, a chat's first message) carries that instant, which may lie
 * before the ticket is opened in Caseworks. Pure: the API validates with it, the workflow starts
 * its clocks with it.
 */

/** How far ahead of our clock a sender's clock may run (its "now" is ours, give or take this). */
export const RECEIVED_AT_CLOCK_SKEW_MS = 5 * 60_000;
/** How old a message may be and still open a ticket with its SLA clocks running from then. */
export const RECEIVED_AT_MAX_AGE_MS = 30 * 86_400_000;

/** RFC 3339 / ISO 8601 date-time with an explicit offset ('Z' or ±HH:MM): no local times, whose instant is a guess. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

export type ReceivedAtCheck = { ok: true; at: number } | { ok: false; reason: string };

/** The instant an ISO 8601 date-time with offset names; null if it is not one (or not a real date). */
export function parseInstantWithOffset(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, hh, mm] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const ss = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59) return null;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  let offsetMin = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, hh, mm, ss, ms) - offsetMin * 60_000;
}

/**
 * Whether `text` may be a ticket's receivedAt at `now`: an ISO 8601 date-time with offset, not
 * later than now plus the clock-skew allowance, not older than the window.
 */
export function checkReceivedAt(text: string, now: number): ReceivedAtCheck {
  const at = parseInstantWithOffset(text);
  if (at === null) return { ok: false, reason: 'must be an ISO 8601 date-time with an offset, e.g. 2026-11-27T17:30:00-06:00' };
  if (at > now + RECEIVED_AT_CLOCK_SKEW_MS) {
    return { ok: false, reason: `must not be in the future (more than ${RECEIVED_AT_CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock)` };
  }
  if (at < now - RECEIVED_AT_MAX_AGE_MS) {
    return { ok: false, reason: `must not be more than ${RECEIVED_AT_MAX_AGE_MS / 86_400_000} days ago` };
  }
  return { ok: true, at };
}

/**
 * Where a ticket's SLA clocks start: when the customer wrote, if known, else when it opened — but
 * never after it opened (a sender's clock a little ahead of ours counts as now).
 */
export function slaStartOf(receivedAt: number | null, openedAt: number): number {
  // NaN (an unreadable value from a client that bypassed the API's check) starts at opening.
  return receivedAt === null || Number.isNaN(receivedAt) ? openedAt : Math.min(receivedAt, openedAt);
}
