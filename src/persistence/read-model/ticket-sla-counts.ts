import type { SlaMetric } from '../../domain/policy/policy.schema';
import type { TicketView } from '../../workflows/ticket/messages';

/**
 * The SLA report's figures per ticket: settled clocks per metric, met and breached, every cycle
 * counted once (current clocks, listed history, and the earlier ones only counted). Stored in
 * columns of their own (migration 1765700000000) so the report sums columns instead of walking
 * the snapshot's JSON.
 */
export const SLA_COUNT_COLUMNS: Readonly<Record<SlaMetric, { met: string; breached: string }>> = {
  firstResponse: { met: 'sla_first_response_met', breached: 'sla_first_response_breached' },
  nextResponse: { met: 'sla_next_response_met', breached: 'sla_next_response_breached' },
  resolution: { met: 'sla_resolution_met', breached: 'sla_resolution_breached' },
  mitigation: { met: 'sla_mitigation_met', breached: 'sla_mitigation_breached' },
  // Chat queue wait (migration 1765800000000).
  queueWait: { met: 'sla_queue_wait_met', breached: 'sla_queue_wait_breached' },
};

/** Column → count for one ticket view. */
export function slaCountColumns(view: Pick<TicketView, 'sla' | 'slaHistory' | 'slaHistoryEarlier'>): Record<string, number> {
  const clocks = [...Object.values(view.sla ?? {}), ...(view.slaHistory ?? [])];
  const columns: Record<string, number> = {};
  for (const [metric, names] of Object.entries(SLA_COUNT_COLUMNS) as [SlaMetric, { met: string; breached: string }][]) {
    const earlier = view.slaHistoryEarlier?.[metric];
    columns[names.met] = clocks.filter((c) => c?.metric === metric && c.state === 'met').length + (earlier?.met ?? 0);
    columns[names.breached] = clocks.filter((c) => c?.metric === metric && c.state === 'breached').length + (earlier?.breached ?? 0);
  }
  return columns;
}

/**
 * SQL `VALUES` rows, one (metric, met, breached) per metric, from the `tickets` row aliased `t`: for
 * `CROSS JOIN LATERAL (VALUES …) c(metric, met, breached)` in the reports. A column never written
 * (a row older than the columns) counts as none.
 */
export const SETTLED_CLOCK_VALUES = Object.entries(SLA_COUNT_COLUMNS)
  .map(([metric, c]) => `('${metric}', coalesce(t.${c.met}, 0), coalesce(t.${c.breached}, 0))`)
  .join(', ');
