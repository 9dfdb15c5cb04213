import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { KnownMetrics } from './deploy/known-metrics';
import { selectorsOf } from './deploy/promql-names';
import { promtool } from './deploy/promtool';

/** deploy/prometheus/: the alert and recording rules and the scrape config, checked by promtool itself. */
const dir = resolve(__dirname, '..', '..', 'deploy', 'prometheus');
const load = (file: string) => parse(readFileSync(resolve(dir, file), 'utf8'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules: Rule[] = (load('rules.yml') as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const recordings = rules.filter((r): r is Rule & { record: string } => r.record !== undefined);

describe('Prometheus rules and config (deploy/prometheus)', () => {
  it('promtool accepts the rule file', () => {
    const { status, output } = promtool('check', 'rules', 'rules.yml');
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('promtool accepts the scrape config, and it loads the rule file', () => {
    const { status, output } = promtool('check', 'config', 'prometheus.yml');
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('rules.yml') });
  });

  it('the alerts fire on the synthetic series of rules.test.yml and stay quiet on the others (promtool test rules)', () => {
    const { status, output } = promtool('test', 'rules', 'rules.test.yml');
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('the unit tests cover the breach-rate, retry, workflow-task, intake, page and schedule alerts', () => {
    const tests = (load('rules.test.yml') as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap((t) => t.alert_rule_test);
    for (const name of ['CaseworksSlaBreachRateAboveBaseline', 'CaseworksActivityRetrying', 'CaseworksWorkflowTaskFailures', 'CaseworksIntakeErrorRate', 'CaseworksIncidentPageNotAcknowledged', 'CaseworksScheduleMissedRuns']) {
      const ofAlert = tests.filter((t) => t.alertname === name);
      expect({ name, fires: ofAlert.some((t) => t.exp_alerts.length > 0), quiet: ofAlert.some((t) => t.exp_alerts.length === 0) }).toEqual({ name, fires: true, quiet: true });
    }
  });

  it('names only catalogued metrics (src/observability/metric-catalog.ts), the SDK scraped ones and its own recording rules, with their labels', () => {
    const known = new KnownMetrics(recordings);
    const problems = rules.flatMap((r) => known.problemsIn(r.expr).map((p) => `${r.alert ?? r.record}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('every alert has a severity, a summary, a description and a runbook line', () => {
    for (const alert of alerts) {
      expect({ alert: alert.alert, severity: alert.labels?.severity }).toEqual({ alert: alert.alert, severity: expect.stringMatching(/^(critical|warning)$/) });
      expect({ alert: alert.alert, annotations: alert.annotations }).toEqual({
        alert: alert.alert,
        annotations: { summary: expect.stringMatching(/\S/), description: expect.stringMatching(/\S/), runbook: expect.stringMatching(/\S/) },
      });
    }
    expect(alerts.length).toBeGreaterThanOrEqual(8);
  });

  it('the up{job=…} alerts name jobs the scrape config has', () => {
    const jobs = (load('prometheus.yml') as { scrape_configs: { job_name: string }[] }).scrape_configs.map((c) => c.job_name);
    const named = alerts.flatMap((a) => selectorsOf(a.expr).filter((s) => s.metric === 'up')).length;
    const values = alerts.flatMap((a) => [...a.expr.matchAll(/up\{job="([^"]+)"\}/g)].map((m) => m[1]));
    expect(values.length).toBe(named);
    for (const job of values) expect(jobs).toContain(job);
    expect(values.sort()).toEqual(['caseworks-api', 'caseworks-worker']);
  });
});
