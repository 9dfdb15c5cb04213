import { metricDefinitions } from '../../../src/observability/metric-catalog';
import { familyOf, groupingLabelsOf, selectorsOf } from './promql-names';
import { TEMPORAL_SDK_LABELS, TEMPORAL_SDK_METRICS } from './temporal-sdk-metrics';

/** Labels every scraped series has (Prometheus adds job and instance; `le` is a histogram's bucket). */
const SCRAPE_LABELS = ['job', 'instance'];

/**
 * What an alert rule or panel may name: the catalog's metrics, the SDK's scraped ones, Prometheus'
 * own `up`, and recording rules (with the labels their `by` keeps). Returns the problems found.
 */
export class KnownMetrics {
  private readonly labels = new Map<string, Set<string>>();
  private readonly histograms = new Set<string>();

  constructor(recordingRules: { record: string; expr: string }[] = []) {
    for (const m of metricDefinitions) {
      this.labels.set(m.name, new Set([...m.labels, ...SCRAPE_LABELS]));
      if (m.type === 'histogram') this.histograms.add(m.name);
    }
    for (const [name, type] of Object.entries(TEMPORAL_SDK_METRICS)) {
      this.labels.set(name, new Set([...TEMPORAL_SDK_LABELS, ...SCRAPE_LABELS]));
      if (type === 'histogram') this.histograms.add(name);
    }
    this.labels.set('up', new Set(SCRAPE_LABELS));
    for (const rule of recordingRules) this.labels.set(rule.record, new Set(groupingLabelsOf(rule.expr)));
  }

  /** Unknown metric names, labels a metric does not carry, and grouping by labels none of its metrics has. */
  problemsIn(expr: string): string[] {
    const problems: string[] = [];
    const reachable = new Set<string>();
    for (const { metric, labels } of selectorsOf(expr)) {
      const family = familyOf(metric, this.histograms);
      const known = this.labels.get(family);
      if (!known) {
        problems.push(`unknown metric ${metric || '(a selector without a name)'}`);
        continue;
      }
      const withBucket = this.histograms.has(family) && metric.endsWith('_bucket') ? [...known, 'le'] : [...known];
      withBucket.forEach((l) => reachable.add(l));
      for (const label of labels) if (!withBucket.includes(label)) problems.push(`${metric} has no label ${label}`);
    }
    for (const label of groupingLabelsOf(expr)) if (!reachable.has(label)) problems.push(`groups by ${label}, which none of its metrics carries`);
    return problems;
  }
}
