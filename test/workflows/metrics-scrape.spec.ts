import { createServer } from 'node:net';
import { metricCatalog } from '../../src/observability/metric-catalog';
import { caseMetricsFor, CaseMetricChange } from '../../src/observability/metrics/case-event-metrics';
import { BillingCaseRecords, observeRecordedEvents } from '../../src/persistence/read-model';
import { testSealer } from '../support/sealed-rows';
import { alertGroupQuery, incidentStatusQuery } from '../../src/workflows/incident/messages';
import { startPagerDutyFake } from '../fakes/pagerduty-events';
import { createKey, useWorkerStack } from '../support/harness';
import { alert, sendAlert, testIncidentPolicy } from '../support/incidents';
import { ticketEvents } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { AppProcess, spawnAppProcess, spawnWorkerProcess } from '../support/worker-process';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One scrape in Prometheus text format: series (`name{a="x",b="y"}`, labels sorted) → value. */
type Scrape = Map<string, number>;

function parseScrape(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`).sort();
    series.set(seriesKey(m[1]!, labels), Number(m[3]));
  }
  return series;
}

const seriesKey = (name: string, labels: string[]) => (labels.length ? `${name}{${labels.join(',')}}` : name);

/** The series key of a metric with these labels (any order). */
function series(name: string, labels: Record<string, string> = {}): string {
  return seriesKey(
    name,
    Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .sort(),
  );
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return parseScrape(await res.text());
}

/** How far each series moved between two scrapes (a series absent before started at 0). */
const delta = (before: Scrape, after: Scrape, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

/** Every label value of our metrics in a scrape. */
function caseworksLabelValues(s: Scrape): string[] {
  return [...s.keys()].filter((k) => k.startsWith('caseworks_')).flatMap((k) => [...k.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map(([, v]) => v!));
}

describe('both /metrics endpoints after a ticket breaches and escalates and an incident is paged', () => {
  const stack = useWorkerStack({}, { label: 'metrics-scrape', fakes: { pd: startPagerDutyFake }, worker: false });
  const spawned: AppProcess[] = [];
  stack.onTeardown(() => spawned.filter((p) => p.child.exitCode === null).forEach((p) => p.child.kill('SIGKILL')));

  it('moves each counter by exactly what happened, with bounded labels and no IDs', async () => {
    const [workerMetricsPort, apiPort, apiMetricsPort] = [await freePort(), await freePort(), await freePort()];
    const workerMetrics = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    const apiMetrics = `http://127.0.0.1:${apiMetricsPort}/metrics`;
    const api = `http://127.0.0.1:${apiPort}`;
    spawned.push(
      await spawnWorkerProcess({
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        PAGERDUTY_EVENTS_URL: stack.fakes.pd.url,
        PAGERDUTY_ROUTING_KEY: stack.fakes.pd.routingKey,
        WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
        SCHEDULE_METRICS_INTERVAL_MS: '1000',
      }),
    );
    spawned.push(
      await spawnAppProcess('src/api/main.ts', { API_PORT: String(apiPort), API_METRICS_PORT: String(apiMetricsPort), TEMPORAL_TASK_QUEUE: stack.taskQueue }, async () => (await fetch(`${api}/health/live`).catch(() => null))?.ok === true),
    );
    const clientKey = await createKey(stack.ds, 'client');
    const agentKey = await createKey(stack.ds, 'agent');
    // The public port never serves metrics; the metrics port serves nothing else.
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${apiMetricsPort}/v1/tickets`)).status).toBe(404);

    const workerBefore = await scrape(workerMetrics);
    const apiBefore = await scrape(apiMetrics);

    // A P1 incident from five 5xx alerts; its first page fails once at PagerDuty (a 500), then goes through.
    stack.fakes.pd.failNext(1);
    const policy = testIncidentPolicy();
    policy.alerting = { ...policy.alerting, rules: policy.alerting.rules.map((r) => ({ ...r, autoResolveAfterMs: 600_000 })) };
    const groupId = await sendAlert(stack.client, stack.taskQueue, alert({ service: `metrics-${Date.now()}`, count: 5 }), policy);

    // A P1 ticket over HTTP: first response in 2 s and mitigation in 6 s (test policy), at risk at
    // half of each, then three escalation steps per breach (assignee, team lead after 1 s, level 2 after 2 s).
    const opened = await fetch(`${api}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ brand: 'uoozee', channel: 'email', priority: 'P1', subject: 'Nothing plays', description: 'All titles fail', customerRef: 'cust_metrics_4711' }),
    });
    expect(opened.status).toBe(201);
    const ticketId = ((await opened.json()) as { id: string }).id;

    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const pages = await waitFor(async () => {
      const v = await stack.client.workflow.getHandle(incidentId).query(incidentStatusQuery);
      return v.pages.length > 0 && v.pages.every((p) => p.response !== null || p.state === 'cancelled') ? v.pages : undefined;
    }, { timeoutMs: 60_000, what: 'every page of the incident answered' });
    const pagesSent = pages.filter((p) => p.response !== null && p.response.status !== 'rejected').length;
    expect(pagesSent).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await ticketEvents(stack.ds, ticketId)).filter((e) => e.type === 'escalated').length === 6 || undefined, {
      timeoutMs: 60_000,
      what: 'six escalation steps of the ticket',
    });
    // Resolved by an agent, the ticket closes itself after the test policy's 3 s.
    const resolved = await fetch(`${api}/v1/tickets/${ticketId}/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resolution: 'Restarted the playback service' }),
    });
    expect(resolved.status).toBe(200);
    await waitFor(async () => (await ticketEvents(stack.ds, ticketId)).some((e) => e.type === 'closed') || undefined, { timeoutMs: 30_000, what: 'the ticket closed' });
    const ticketLog = await ticketEvents(stack.ds, ticketId);
    const countOf = (type: string, metric?: string) => ticketLog.filter((e) => e.type === type && (metric === undefined || e.data.metric === metric)).length;
    // What the ticket's history holds is what the counters must show, and it is what the policy says.
    expect([countOf('opened'), countOf('sla_at_risk', 'firstResponse'), countOf('sla_at_risk', 'mitigation'), countOf('sla_breached', 'firstResponse'), countOf('sla_breached', 'mitigation'), countOf('closed')]).toEqual([1, 1, 1, 1, 1, 1]);

    const t = { kind: 'ticket', brand: 'uoozee', priority: 'P1' };
    const expectedWorker: [string, number][] = [
      [series(metricCatalog.casesOpened.name, t), 1],
      [series(metricCatalog.casesClosed.name, t), 1],
      [series(metricCatalog.slaAtRisk.name, { ...t, metric: 'firstResponse' }), 1],
      [series(metricCatalog.slaAtRisk.name, { ...t, metric: 'mitigation' }), 1],
      [series(metricCatalog.slaBreached.name, { ...t, metric: 'firstResponse' }), 1],
      [series(metricCatalog.slaBreached.name, { ...t, metric: 'mitigation' }), 1],
      [series(`${metricCatalog.slaBreachLateness.name}_count`, { kind: 'ticket', metric: 'firstResponse' }), 1],
      [series(`${metricCatalog.slaBreachLateness.name}_count`, { kind: 'ticket', metric: 'mitigation' }), 1],
      [series(metricCatalog.escalations.name, { kind: 'ticket', brand: 'uoozee', step: 'assignee' }), 2],
      [series(metricCatalog.escalations.name, { kind: 'ticket', brand: 'uoozee', step: 'team_lead' }), 2],
      [series(metricCatalog.escalations.name, { kind: 'ticket', brand: 'uoozee', step: 'level2' }), 2],
      [series(metricCatalog.casesOpened.name, { kind: 'incident', brand: 'uoozee', priority: 'P1' }), 1],
      [series(metricCatalog.pagesSent.name, { brand: 'uoozee', priority: 'P1' }), pagesSent],
      // The first page's attempt hit the 500 (retrying), its retry and every other page went through.
      [series(metricCatalog.activityAttempts.name, { activity_type: 'sendPage', outcome: 'retrying' }), 1],
      [series(metricCatalog.activityAttempts.name, { activity_type: 'sendPage', outcome: 'completed' }), pagesSent],
      [series(metricCatalog.activityAttempts.name, { activity_type: 'sendPage', outcome: 'failed' }), 0],
    ];
    const workerMoved = (s: Scrape) => expectedWorker.map(([key]) => [key, delta(workerBefore, s, key)] as [string, number]);
    // Each counter moves right after its event is committed: wait for the last ones, then compare exactly.
    const workerAfter = await waitFor(async () => {
      const s = await scrape(workerMetrics);
      return JSON.stringify(workerMoved(s)) === JSON.stringify(expectedWorker) ? s : undefined;
    }, { timeoutMs: 20_000, what: 'the worker counters to reach the expected deltas' }).catch(async (err: unknown) => {
      // Say which series differ rather than only that the wait timed out.
      expect(workerMoved(await scrape(workerMetrics))).toEqual(expectedWorker);
      throw err;
    });
    expect(workerMoved(workerAfter)).toEqual(expectedWorker);
    // The lateness histogram has our buckets (seconds), and a breach recorded on time is late by under a minute.
    expect(workerAfter.has(series(`${metricCatalog.slaBreachLateness.name}_bucket`, { kind: 'ticket', metric: 'firstResponse', le: '0.5' }))).toBe(true);
    expect(delta(workerBefore, workerAfter, series(`${metricCatalog.slaBreachLateness.name}_bucket`, { kind: 'ticket', metric: 'firstResponse', le: '60' }))).toBe(1);
    // The schedules the worker ensures, from the server: none missed a run.
    await waitFor(async () => (await scrape(workerMetrics)).get(series(metricCatalog.scheduleMissedRuns.name, { schedule: 'caseworks-ended-cases-sweep' })) === 0 || undefined, {
      what: 'the missed-runs gauge of the ended-cases sweep',
    });
    // The SDK's own metrics come from the same endpoint.
    expect([...workerAfter.keys()].some((k) => k.startsWith('temporal_activity_execution_latency'))).toBe(true);

    const apiAfter = await scrape(apiMetrics);
    const requests = (method: string, route: string, status: string) => delta(apiBefore, apiAfter, series(`${metricCatalog.httpRequestDuration.name}_count`, { method, route, status }));
    expect([requests('POST', '/v1/tickets', '201'), requests('POST', '/v1/tickets/:id/resolve', '200')]).toEqual([1, 1]);
    expect(apiAfter.has('process_cpu_user_seconds_total')).toBe(true);

    // No label value names a case, a customer or an address; the label sets are the catalog's.
    const values = [...caseworksLabelValues(workerAfter), ...caseworksLabelValues(apiAfter)];
    expect(values.length).toBeGreaterThan(0);
    const leaked = values.filter((v) => v.includes(ticketId) || v.includes(incidentId) || /^(ticket|incident|refund|dispute|takedown)-|cust_|@|[0-9a-f]{8,}/i.test(v));
    expect(leaked).toEqual([]);
    for (const key of [...workerAfter.keys(), ...apiAfter.keys()].filter((k) => k.startsWith('caseworks_'))) {
      const name = key.replace(/\{.*$/, '');
      const def = Object.values(metricCatalog).find((d) => name === d.name || (d.type === 'histogram' && [`${d.name}_bucket`, `${d.name}_sum`, `${d.name}_count`].includes(name)));
      expect([key, def !== undefined]).toEqual([key, true]);
      const labels = [...key.matchAll(/([a-z_]+)="/g)].map(([, l]) => l).filter((l) => l !== 'le');
      expect([key, labels.sort()]).toEqual([key, [...def!.labels].sort()]);
    }

    // SIGTERM with metrics on: the schedule poll and the metrics server stop, both processes exit 0.
    for (const p of spawned) p.child.kill('SIGTERM');
    expect(await Promise.all(spawned.map((p) => p.exited))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    await expect(fetch(apiMetrics)).rejects.toThrow();
  }, 300_000);

  it('counts nothing again when a read-model write is retried (the events are stored already)', async () => {
    const counted: CaseMetricChange[] = [];
    observeRecordedEvents((c, events) => counted.push(...events.flatMap((e) => caseMetricsFor(c, e))));
    try {
      const records = new BillingCaseRecords(stack.ds, testSealer(stack.config));
      const id = `refund-metrics-${Date.now()}`;
      const at = (s: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + s * 1000).toISOString();
      const refund = { kind: 'refund' as const, id, brand: 'uoozee', state: 'settled', customerRef: 'cust_metrics_4711', snapshot: {} };
      const events = [
        { eventKey: `${id}:opened`, type: 'opened', actor: 'system', occurredAt: at(0), data: {}, seq: 1 },
        { eventKey: `${id}:refund-succeeded`, type: 'refund_succeeded', actor: 'system', occurredAt: at(5), data: {}, seq: 2 },
      ];
      const first = await records.recordSnapshot(refund, events, 2);
      const retried = await records.recordSnapshot(refund, events, 2);
      expect([first.recordedEventKeys, retried.recordedEventKeys]).toEqual([[`${id}:opened`, `${id}:refund-succeeded`], []]);
      expect(counted.map((c) => [c.metric, c.labels])).toEqual([
        ['casesOpened', { kind: 'refund', brand: 'uoozee', priority: 'none' }],
        ['casesClosed', { kind: 'refund', brand: 'uoozee', priority: 'none' }],
        ['refunds', { brand: 'uoozee', outcome: 'refunded' }],
      ]);
    } finally {
      observeRecordedEvents(null);
    }
  });
});
