import { ApiKeyService } from '../../src/api/auth/api-key.service';
import { alertGroupWorkflow, incidentWorkflow } from '../../src/workflows';
import { alertGroupQuery, incidentStatusQuery } from '../../src/workflows/incident/messages';
import { alert, sendAlert, testIncidentPolicy } from '../../test/support/incidents';
import { startPagerDutyFake } from '../../test/fakes/pagerduty-events';
import { alertFingerprint } from '../../src/domain/incident/alert';
import { alertGroupId } from '../../src/workflows/incident/messages';
import { apiCpuBudget, apiCpuBudgetText, cpuGroups, cpuParts, cpuPerItem, cpuSnapshot } from '../harness/cpu';
import { check, Scenario } from '../harness/scenario';
import { benchMetricsAddress, workflowTasksRun } from '../harness/sdk-metrics';
import { Stack, startStack, until } from '../harness/stack';
import { round, runPool, summary } from '../harness/stats';

const N = Number(process.env.BENCH_ALERTS_N ?? 20_000);
const FINGERPRINTS = Number(process.env.BENCH_ALERTS_FINGERPRINTS ?? 200);
const CONCURRENCY = 64;
/** How long each phase's alerts may take to be counted (a worker on one core, BENCH_API_CPUS, needs longer). */
const DRAIN_MS = Number(process.env.BENCH_ALERTS_DRAIN_S ?? 300) * 1000;

/**
 * An alert storm through POST /v1/alerts (test policy: 5 × http_5xx in a minute opens a P1, which
 * pages at once through a local PagerDuty Events v2 server), then the same number of bare
 * signal-with-starts of the alert-group workflow on other fingerprints: the physical limit.
 */
export const alertStorm: Scenario = {
  name: 'alert-storm',
  description: `${N} alerts over ${FINGERPRINTS} fingerprints via POST /v1/alerts, ${CONCURRENCY} concurrent senders; then ${N} bare signal-with-start`,
  async run(log) {
    const pd = await startPagerDutyFake();
    const metricsAddress = await benchMetricsAddress();
    const stack = await startStack({ api: true, extraEnv: { PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.routingKey, WORKER_METRICS_ADDRESS: metricsAddress } });
    try {
      const sreKey = (await ApiKeyService.create(stack.ds, 'bench-sre', 'sre')).key;
      const run = Date.now();
      const service = (i: number) => `svc-${run}-${i % FINGERPRINTS}`;
      const failures: string[] = [];
      const cpu = () => cpuSnapshot(cpuGroups(stack));
      log(`api: ${N} alerts`);
      const apiCpuBefore = cpu();
      const apiTasksBefore = await workflowTasksRun(metricsAddress);
      const apiStartedAt = Date.now();
      // Until the last alert of a phase is counted by its incident: a signal-with-start is
      // accepted before the worker runs it, so the rates are what each path accepts; counted to
      // the end, both phases carry the whole work of an alert (polled every 2 s).
      const endToEnd = (before: ReturnType<typeof cpu>, startedAt: number) => {
        const wallMs = Date.now() - startedAt;
        return { perSecond: round((N / wallMs) * 1000), cpu: cpuPerItem(before, cpu(), N, wallMs) };
      };
      const api = await runPool(
        N,
        CONCURRENCY,
        async (i) => {
          const res = await fetch(`${stack.apiUrl}/v1/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${sreKey}` },
            body: JSON.stringify({ brand: 'uoozee', source: 'bench', kind: 'http_5xx', service: service(i), region: 'eu-west-1', summary: `5xx on ${service(i)}`, severity: 'critical' }),
          });
          if (res.status !== 202) failures.push(`${res.status} ${await res.text()}`);
          else await res.arrayBuffer();
        },
        (d) => log(`  api ${d}/${N}`),
      );
      const apiCpu = cpuPerItem(apiCpuBefore, cpu(), N, api.wallMs);

      // Every group must have opened exactly one incident, and the incidents must count every alert.
      const api_ = await everyAlertCounted(stack, service, log);
      const apiEndToEnd = endToEnd(apiCpuBefore, apiStartedAt);
      const apiTasks = (await workflowTasksRun(metricsAddress)) - apiTasksBefore;
      const incidents = api_.incidents;
      const counted = api_.counted;
      const firstPages = () => [...pd.incidents().values()].filter((a) => incidents.some((id) => a.dedupKey === `${id}:page:0`));
      await until(() => firstPages().length >= FINGERPRINTS, 120_000, 'first pages', 500).catch(() => undefined);
      const duplicateOpenings = [...pd.incidents().values()].filter((a) => a.openings > 1).length;

      log(`bare: ${N} signal-with-start`);
      const policy = testIncidentPolicy();
      const bareCpuBefore = cpu();
      const bareTasksBefore = await workflowTasksRun(metricsAddress);
      const bareStartedAt = Date.now();
      const bareService = (i: number) => `bare-${run}-${i % FINGERPRINTS}`;
      const bare = await runPool(N, CONCURRENCY, async (i) => {
        await sendAlert(stack.client, stack.taskQueue, alert({ service: bareService(i), source: 'bench' }), policy);
      }, (d) => log(`  bare ${d}/${N}`));
      const bareCpu = cpuPerItem(bareCpuBefore, cpu(), N, bare.wallMs);
      const bareCounted = (await everyAlertCounted(stack, bareService, log)).counted;
      const bareEndToEnd = endToEnd(bareCpuBefore, bareStartedAt);
      const bareTasks = (await workflowTasksRun(metricsAddress)) - bareTasksBefore;
      // Workflow tasks the worker ran per alert, each phase to its last alert counted: the fewer
      // alerts a task takes in, the more each costs the worker and the server.
      const tasksPerAlert = { api: round(apiTasks / N, 3), bareSignalWithStart: round(bareTasks / N, 3) };

      const apiS = summary(api.latencies);
      const bareS = summary(bare.latencies);
      const apiTput = round((N / api.wallMs) * 1000);
      const bareTput = round((N / bare.wallMs) * 1000);
      // Only where both phases share the same cores (not with the API on cores of its own).
      const budget = process.env.BENCH_API_CPUS ? null : apiCpuBudget(apiCpu, bareCpu, 0.9);
      return {
        figures: {
          alerts: N,
          fingerprints: FINGERPRINTS,
          concurrency: CONCURRENCY,
          api: { perSecond: apiTput, latencyMs: apiS },
          bareSignalWithStart: { perSecond: bareTput, latencyMs: bareS },
          ratio: round(apiTput / bareTput, 2),
          // CPU per alert by process during each phase, and the cores busy in all (bench/harness/cpu.ts).
          cpu: { api: apiCpu, bareSignalWithStart: bareCpu },
          // What the goal's 0.9× leaves the API process, two bounds (harness/cpu.ts); null with the API on cores of its own.
          apiCpuBudget: budget,
          // Until every alert of the phase is counted by its incident (not the goal's measure, which is what each path accepts).
          endToEnd: { api: apiEndToEnd, bareSignalWithStart: bareEndToEnd, ratio: round(apiEndToEnd.perSecond / bareEndToEnd.perSecond, 2), bareAlertsCounted: bareCounted },
          workflowTasksPerAlert: tasksPerAlert,
          incidents: incidents.length,
          alertsCounted: counted,
          firstPagesAtPagerDuty: firstPages().length,
          duplicateOpeningsAtPagerDuty: duplicateOpenings,
        },
        checks: [
          check('every POST answered 202', failures.length === 0, failures.slice(0, 3).join(' | ')),
          check(`exactly ${FINGERPRINTS} incidents`, incidents.length === FINGERPRINTS, `${incidents.length}`),
          check(`alert counts sum to ${N}`, counted === N, `${counted}`),
          check(`bare alert counts sum to ${N}`, bareCounted === N, `${bareCounted}`),
          check(`exactly ${FINGERPRINTS} first pages at PagerDuty`, firstPages().length === FINGERPRINTS, `${firstPages().length}`),
          check('no PagerDuty alert opened twice', duplicateOpenings === 0, `${duplicateOpenings}`),
        ],
        headline: `API ${apiTput} alerts/s p99 ${apiS.p99} ms · bare signal-with-start ${bareTput}/s p99 ${bareS.p99} ms → ratio ${round(apiTput / bareTput, 2)} · ${incidents.length} incidents, ${counted} alerts counted, ${firstPages().length} first pages` +
          ` · end to end (until counted) ${apiEndToEnd.perSecond}/s via the API vs ${bareEndToEnd.perSecond}/s bare → ratio ${round(apiEndToEnd.perSecond / bareEndToEnd.perSecond, 2)}, CPU per alert ${apiEndToEnd.cpu.totalPerItemMs} vs ${bareEndToEnd.cpu.totalPerItemMs} ms` +
          ` · workflow tasks per alert ${tasksPerAlert.api} via the API vs ${tasksPerAlert.bareSignalWithStart} bare` +
          ` · CPU per alert ${apiCpu.totalPerItemMs} ms via the API (${cpuParts(apiCpu.perItemMs)}; ${apiCpu.coresBusy} cores busy) vs ${bareCpu.totalPerItemMs} ms bare (${cpuParts(bareCpu.perItemMs)}; ${bareCpu.coresBusy} cores busy)` +
          (budget ? ` · ${apiCpuBudgetText(budget, 'alert')}` : ` · the API on CPUs ${process.env.BENCH_API_CPUS} of its own`),
      };
    } finally {
      await stack.stop();
      await pd.close();
    }
  },
};

/**
 * Waits (up to 5 minutes) until the alert groups of `service(0 … FINGERPRINTS-1)` have opened
 * their incidents and those count N alerts; answers what was there when it stopped.
 */
async function everyAlertCounted(stack: Stack, service: (i: number) => string, log: (line: string) => void): Promise<{ incidents: string[]; counted: number }> {
  const groups = Array.from({ length: FINGERPRINTS }, (_, i) => alertGroupId('uoozee', alertFingerprint({ kind: 'http_5xx', service: service(i), region: 'eu-west-1', edge: null, dedupKey: null })));
  let incidents: string[] = [];
  let counted = 0;
  // A group's incident, once seen, is not asked again: a group ends when its alerts stop, and a
  // query of an ended one is a whole replay, which 200 at a time every round kept a worker on one
  // core (BENCH_API_CPUS) too busy to answer any in time. A second incident a group opened
  // later would still show: the alerts it took would be missing from the sum below.
  const opened = new Map<string, string[]>();
  await until(
    async () => {
      // Under load a query can time out: that round does not count, the next one asks again.
      const pending = groups.filter((g) => !opened.has(g));
      const views = await Promise.all(pending.map((g) => stack.client.workflow.getHandle<typeof alertGroupWorkflow>(g).query(alertGroupQuery).catch(() => null)));
      for (const [i, view] of views.entries()) {
        if (view && view.incidentsOpened.length > 0) opened.set(pending[i], view.incidentsOpened);
      }
      if (opened.size < groups.length) return false;
      incidents = [...opened.values()].flat();
      if (incidents.length < FINGERPRINTS) return false;
      const counts = await Promise.all(incidents.map((id) => stack.client.workflow.getHandle<typeof incidentWorkflow>(id).query(incidentStatusQuery).then((v) => v.alertCount).catch(() => null)));
      if (counts.some((c) => c === null)) return false;
      counted = counts.reduce((a: number, b) => a + b!, 0);
      log(`  ${incidents.length} incidents, ${counted}/${N} alerts counted`);
      return counted >= N;
    },
    DRAIN_MS,
    'every alert counted',
    2_000,
  ).catch(() => undefined);
  return { incidents, counted };
}
