import type { BusinessCalendar } from '../domain/sla/calendar';
import { elapsedBusinessMs, remainingBusinessMs, SlaClock, slaClockKind } from '../domain/sla/clock';
import type { SlaMetricView } from './ticket/messages';

export const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** One SLA clock as tickets and incidents show it: deadline, time left and spent on its own clock (business or elapsed), state. */
export function slaClockView(c: SlaClock, calendar: BusinessCalendar, now: number): SlaMetricView {
  return {
    metric: c.metric,
    cycle: c.cycle,
    state: c.state,
    clock: slaClockKind(c),
    targetSeconds: c.targetMs / 1000,
    startedAt: new Date(c.startedAt).toISOString(),
    deadlineAt: iso(c.deadlineAt),
    remainingSeconds: Math.round(remainingBusinessMs(c, calendar, now) / 1000),
    elapsedSeconds: Math.round(elapsedBusinessMs(c, calendar, now) / 1000),
    pauseReason: c.pauseReason,
    atRiskSince: iso(c.atRiskSince),
    fulfilledAt: iso(c.fulfilledAt),
    breachedAt: iso(c.breachedAt),
  };
}
