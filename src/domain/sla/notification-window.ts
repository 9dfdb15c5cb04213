import { BusinessCalendar, isAlwaysOpen, nextOpening } from './calendar';

/**
 * Non-urgent notifications go out only inside the coverage window.
 *
 * An SLA fact (a clock at risk, a breach) is recorded when it happens, whatever the hour. Telling
 * a person about it is another matter: an at-risk warning or an escalation step of a ticket covered
 * in business hours waits for the next opening of its coverage calendar, because nobody is on duty
 * to act on it before then. Urgent notifications — those of a priority covered 24×7, or one the
 * caller marks urgent — go out at once.
 *
 * The window is half-open, [start, end): a notification due at the very end of a window (a breach
 * at 17:00 on a 09:00–17:00 calendar) is outside it and moves to the next opening.
 */
export interface NotificationTiming {
  /** Due at once, whatever the calendar (e.g. a priority whose people are paged around the clock). */
  urgent?: boolean;
}

/** The instant a notification due at `dueAt` may be sent: `dueAt` itself, or the next opening. */
export function notificationTime(coverage: BusinessCalendar, dueAt: number, { urgent = false }: NotificationTiming = {}): number {
  if (urgent || isAlwaysOpen(coverage)) return dueAt;
  return nextOpening(coverage, dueAt);
}
