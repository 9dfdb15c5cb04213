/**
 * The metrics Caseworks exports: one catalog read by the code that records them, the scrape test and
 * the alert-rule test. Names are the names as scraped (Prometheus exposition format); a change here is a
 * change for every alert rule and dashboard panel that names the metric.
 */
export type MetricType = 'counter' | 'histogram' | 'gauge';

/** Which process serves the metric: the worker's Temporal runtime exporter, or the API's prom-client registry. */
export type MetricSource = 'worker' | 'api';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: MetricSource;
}

function metric<const L extends readonly string[]>(
  name: string,
  type: MetricType,
  labels: L,
  source: MetricSource,
  help: string,
) {
  return { name, type, labels, source, help } as const satisfies MetricDefinition;
}

export const metricCatalog = {
  casesOpened: metric('caseworks_cases_opened_total', 'counter', ['kind', 'brand', 'priority'], 'worker', 'Cases opened, counted when the opening event is first stored in the read model.'),
  casesClosed: metric('caseworks_cases_closed_total', 'counter', ['kind', 'brand', 'priority'], 'worker', 'Cases closed, counted when the closing event is first stored in the read model.'),
  slaAtRisk: metric('caseworks_sla_at_risk_total', 'counter', ['kind', 'brand', 'priority', 'metric'], 'worker', 'SLA clocks that reached their at-risk point.'),
  slaBreached: metric('caseworks_sla_breached_total', 'counter', ['kind', 'brand', 'priority', 'metric'], 'worker', 'SLA clocks that breached.'),
  slaBreachLateness: metric('caseworks_sla_breach_lateness_seconds', 'histogram', ['kind', 'metric'], 'worker', 'Seconds from an SLA deadline to the breach being recorded.'),
  escalations: metric('caseworks_escalations_total', 'counter', ['kind', 'brand', 'step'], 'worker', 'Escalation steps taken.'),
  pagesSent: metric('caseworks_pages_sent_total', 'counter', ['brand', 'priority'], 'worker', 'On-call pages sent for incidents.'),
  refunds: metric('caseworks_refunds_total', 'counter', ['brand', 'outcome'], 'worker', 'Refund cases by outcome.'),
  disputes: metric('caseworks_disputes_total', 'counter', ['brand', 'outcome'], 'worker', 'Disputes (chargebacks) by outcome.'),
  takedownClocksAtRisk: metric('caseworks_takedown_clocks_at_risk_total', 'counter', ['regime', 'clock'], 'worker', 'Takedown statutory clocks that reached their at-risk point.'),
  activityAttempts: metric('caseworks_activity_attempts_total', 'counter', ['activity_type', 'outcome'], 'worker', 'Activity attempts by type and outcome (completed, failed, retrying).'),
  scheduleMissedRuns: metric('caseworks_schedule_missed_runs', 'gauge', ['schedule'], 'worker', 'Runs a Temporal schedule missed (catch-up window passed), from the server.'),
  stuckCaseChecks: metric('caseworks_stuck_case_checks_total', 'counter', ['outcome'], 'worker', 'Looks the worker took at a case whose workflow task failed, by outcome (reset, found, stuck-otherwise, not-stuck, not-current, no-case, error).'),
  httpRequestDuration: metric('caseworks_http_request_duration_seconds', 'histogram', ['method', 'route', 'status'], 'api', 'API request duration by method, route pattern and status.'),
} as const;

export type MetricKey = keyof typeof metricCatalog;

export const metricDefinitions: readonly MetricDefinition[] = Object.values(metricCatalog);
