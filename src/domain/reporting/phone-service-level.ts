import { share } from './report-statistics';

const HALF_HOUR = 30 * 60_000;

/** One phone ticket (a call): when it came in and when an agent first answered (null: not yet). */
export interface PhoneCall {
  receivedAt: number;
  firstResponseAt: number | null;
}

export interface IntervalServiceLevel {
  /** The interval's start (ISO 8601, UTC); it lasts 30 minutes. */
  start: string;
  calls: number;
  answeredWithin: number;
  /** answeredWithin / calls, 4 decimals. */
  serviceLevel: number | null;
  /** The interval starts inside the calendar's hours (000: "during business hours"). */
  inHours: boolean;
}

export interface PhoneServiceLevel {
  answerWithinSeconds: number;
  intervals: IntervalServiceLevel[];
  /** Over the calls in hours: the figure judged against the target. */
  inHours: { calls: number; answeredWithin: number; serviceLevel: number | null };
  /** Over every call of the period, hours or not. */
  allCalls: { calls: number; answeredWithin: number; serviceLevel: number | null };
}

/**
 * The phone service level per 30-minute interval (000_…txt: "Phone support — SLA: answer rate
 * ≥80% within 60 seconds during business hours"): of the calls that came in during an interval,
 * the share answered within `answerWithinMs` — a service level over calls, as a contact centre
 * reports it, not a per-ticket clock. A call not answered yet, or answered later, counts as
 * missed. Intervals without calls are left out; `inHours(start)` says whether an interval is
 * business time (calls outside hours are shown but not judged).
 */
export function phoneServiceLevel(calls: readonly PhoneCall[], answerWithinMs: number, inHours: (intervalStart: number) => boolean): PhoneServiceLevel {
  const byInterval = new Map<number, { calls: number; answeredWithin: number }>();
  for (const c of calls) {
    const start = Math.floor(c.receivedAt / HALF_HOUR) * HALF_HOUR;
    const slot = byInterval.get(start) ?? { calls: 0, answeredWithin: 0 };
    slot.calls++;
    if (c.firstResponseAt !== null && c.firstResponseAt - c.receivedAt <= answerWithinMs) slot.answeredWithin++;
    byInterval.set(start, slot);
  }
  const intervals = [...byInterval.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, s]) => ({ start: new Date(start).toISOString(), calls: s.calls, answeredWithin: s.answeredWithin, serviceLevel: share(s.answeredWithin, s.calls), inHours: inHours(start) }));
  const total = (rows: IntervalServiceLevel[]) => {
    const n = rows.reduce((a, r) => a + r.calls, 0);
    const ok = rows.reduce((a, r) => a + r.answeredWithin, 0);
    return { calls: n, answeredWithin: ok, serviceLevel: share(ok, n) };
  };
  return { answerWithinSeconds: answerWithinMs / 1000, intervals, inHours: total(intervals.filter((i) => i.inHours)), allCalls: total(intervals) };
}
