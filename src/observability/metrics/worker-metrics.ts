import type { MetricCounter, MetricGauge, MetricHistogram, MetricMeter } from '@temporalio/common';
import { metricCatalog } from '../metric-catalog';
import type { CaseMetricChange } from './case-event-metrics';

/**
 * Bucket bounds of caseworks_sla_breach_lateness_seconds: a breach recorded on time is late by a
 * timer's and a workflow task's latency (under a second); one recorded after an outage by minutes
 * to hours. The Temporal exporter's default buckets (50…10000) are made for milliseconds.
 */
export const BREACH_LATENESS_BUCKETS = [0.5, 1, 2, 5, 15, 60, 300, 900, 3600, 14_400, 86_400];

/** The histogram bucket overrides for Runtime.install's Prometheus exporter. */
export const workerHistogramBuckets: Record<string, number[]> = {
  [metricCatalog.slaBreachLateness.name]: BREACH_LATENESS_BUCKETS,
};

/**
 * The worker's own instruments, made on the Temporal runtime's meter so the runtime's one
 * Prometheus endpoint serves them beside the SDK's `temporal_*` metrics. Counters are exported
 * under the name given (the exporter adds no `_total`: the catalog's names carry it).
 */
export class WorkerMetrics {
  private readonly counters = new Map<string, MetricCounter>();
  private readonly lateness: MetricHistogram;
  readonly activityAttempts: MetricCounter;
  readonly scheduleMissedRuns: MetricGauge;
  readonly stuckCaseChecks: MetricCounter;

  constructor(readonly meter: MetricMeter) {
    const { slaBreachLateness, activityAttempts, scheduleMissedRuns, stuckCaseChecks } = metricCatalog;
    this.lateness = meter.createHistogram(slaBreachLateness.name, 'float', 's', slaBreachLateness.help);
    this.activityAttempts = meter.createCounter(activityAttempts.name, '', activityAttempts.help);
    this.scheduleMissedRuns = meter.createGauge(scheduleMissedRuns.name, 'int', '', scheduleMissedRuns.help);
    this.stuckCaseChecks = meter.createCounter(stuckCaseChecks.name, '', stuckCaseChecks.help);
  }

  /** Applies what caseMetricsFor derived from newly stored events. */
  record(changes: readonly CaseMetricChange[]): void {
    for (const change of changes) {
      if (change.metric === 'slaBreachLateness') this.lateness.record(change.seconds, change.labels);
      else this.counter(change.metric).add(1, change.labels);
    }
  }

  private counter(key: Exclude<CaseMetricChange['metric'], 'slaBreachLateness'>): MetricCounter {
    const { name, help } = metricCatalog[key];
    let counter = this.counters.get(name);
    if (!counter) {
      counter = this.meter.createCounter(name, '', help);
      this.counters.set(name, counter);
    }
    return counter;
  }
}

let current: WorkerMetrics | null = null;

/**
 * The WorkerMetrics of the meter given (the installed runtime's), made on first use. Lazy: asking
 * for the runtime's meter before Runtime.install would install a default runtime. Made again when
 * the meter changes: an idle runtime shuts down and the next worker gets a new one (tests).
 */
export function workerMetrics(meter: () => MetricMeter): WorkerMetrics {
  const m = meter();
  if (current?.meter !== m) current = new WorkerMetrics(m);
  return current;
}
