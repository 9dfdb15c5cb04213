import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { metricCatalog } from '../../../src/observability/metric-catalog';
import { KnownMetrics } from './known-metrics';
import { metricNamesOf } from './promql-names';

/** deploy/grafana/: the provisioned datasource and the SRE dashboard, checked against the metric catalog. */
const grafana = resolve(__dirname, '..', '..', '..', 'deploy', 'grafana');

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}

const datasources = (parse(readFileSync(resolve(grafana, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: { uid: string; type: string; url: string }[] }).datasources;
const dashboardFiles = readdirSync(resolve(grafana, 'dashboards')).filter((f) => f.endsWith('.json'));
const dashboards = dashboardFiles.map((file) => ({ file, json: JSON.parse(readFileSync(resolve(grafana, 'dashboards', file), 'utf8')) as { uid: string; title: string; panels: Panel[] } }));
const panelsOf = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
const sre = dashboards.find((d) => d.json.uid === 'caseworks-sre')!;
const queryPanels = panelsOf(sre.json.panels).filter((p) => p.type !== 'row');

describe('Grafana provisioning (deploy/grafana)', () => {
  it('provisions one Prometheus datasource pointing at the compose service', () => {
    expect(datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'caseworks-prometheus', url: 'http://prometheus:9090' })]);
    expect(dashboardFiles).toContain('caseworks-sre.json');
  });

  it('every panel and every query uses the provisioned datasource uid', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    const used = queryPanels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]);
    expect(used.length).toBeGreaterThan(0);
    for (const ds of used) expect(uids.has(ds?.uid ?? '(none)')).toBe(true);
  });

  it('panel ids are unique and every query panel has at least one query', () => {
    const ids = panelsOf(sre.json.panels).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of queryPanels) expect({ title: p.title, queries: (p.targets ?? []).length > 0 }).toEqual({ title: p.title, queries: true });
  });

  it('every query names only catalogued metrics or the SDK scraped ones, with labels they carry', () => {
    const known = new KnownMetrics();
    const problems = queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => known.problemsIn(t.expr).map((problem) => `${p.title} ${t.refId}: ${problem}`)));
    expect(problems).toEqual([]);
  });

  it('shows what the SRE view needs: breaches, lateness, pages, escalations, cases, activities, workflow tasks, HTTP, schedules', () => {
    const shown = new Set(queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesOf(t.expr))));
    const needed = [
      metricCatalog.slaBreached.name,
      `${metricCatalog.slaBreachLateness.name}_bucket`,
      metricCatalog.pagesSent.name,
      metricCatalog.escalations.name,
      metricCatalog.casesOpened.name,
      metricCatalog.casesClosed.name,
      metricCatalog.activityAttempts.name,
      'temporal_workflow_task_execution_failed',
      `${metricCatalog.httpRequestDuration.name}_bucket`,
      `${metricCatalog.httpRequestDuration.name}_count`,
      metricCatalog.scheduleMissedRuns.name,
    ];
    expect(needed.filter((m) => !shown.has(m))).toEqual([]);
  });
});
