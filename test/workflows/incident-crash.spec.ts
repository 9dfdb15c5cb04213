import { incidentWorkflow } from '../../src/workflows';
import { alertGroupQuery, incidentStatusQuery } from '../../src/workflows/incident/messages';
import { startPagerDutyFake } from '../fakes/pagerduty-events';
import { useWorkerStack } from '../support/harness';
import { alert, sendAlert, testIncidentPolicy } from '../support/incidents';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

describe('worker killed mid-page', () => {
  const stack = useWorkerStack({}, { label: 'incident-crash', fakes: { pd: startPagerDutyFake }, worker: false });
  const { taskQueue } = stack;
  const spawned: WorkerProcess[] = [];
  stack.onTeardown(() => spawned.filter((w) => w.child.exitCode === null).forEach((w) => w.child.kill('SIGKILL')));

  const spawn = async () => {
    const w = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, PAGERDUTY_EVENTS_URL: stack.fakes.pd.url, PAGERDUTY_ROUTING_KEY: stack.fakes.pd.routingKey });
    spawned.push(w);
    return w;
  };

  it('each page opens one PagerDuty alert, though the worker died before hearing back', async () => {
    const first = await spawn();
    stack.fakes.pd.delayAnswers(1, 120_000); // PagerDuty takes the first page; its answer never reaches the first worker
    // Two worker starts and a page retried after its 12 s start-to-close timeout can outlast the
    // test policy's 30 s of silence on a loaded machine: the incident would auto-resolve and
    // cancel the second page before it went out. Here the alerts stay "active" meanwhile.
    const policy = testIncidentPolicy();
    policy.alerting = { ...policy.alerting, rules: policy.alerting.rules.map((r) => ({ ...r, autoResolveAfterMs: 600_000 })) };
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `crash-${Date.now()}`, count: 5 }), policy);
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const firstPage = `${incidentId}:page:0`;
    await waitFor(() => stack.fakes.pd.received.some((r) => r.body?.dedup_key === firstPage), { what: 'the first page at PagerDuty' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    await spawn();
    const handle = stack.client.workflow.getHandle<typeof incidentWorkflow>(incidentId);
    const view = await waitFor(async () => {
      const v = await handle.query(incidentStatusQuery);
      return v.pages.every((p) => p.response !== null) ? v : undefined;
    }, { timeoutMs: 60_000, what: 'both pages answered' });

    expect(view.pages.map((p) => p.dedupKey)).toEqual([firstPage, `${incidentId}:page:1`]);
    // The retried page reached PagerDuty again under the same dedup key: one alert, never two.
    expect(stack.fakes.pd.received.filter((r) => r.body?.dedup_key === firstPage && r.body?.event_action === 'trigger').length).toBeGreaterThanOrEqual(2);
    const alerts = [...stack.fakes.pd.incidents().values()].filter((a) => a.dedupKey.startsWith(`${incidentId}:page:`));
    expect(alerts.map((a) => [a.dedupKey, a.openings])).toEqual([
      [firstPage, 1],
      [`${incidentId}:page:1`, 1],
    ]);
    const rows: { dedup_key: string; attempts: number }[] = await stack.ds.query(`SELECT dedup_key, attempts FROM pages WHERE incident_id = $1 ORDER BY step`, [incidentId]);
    expect(rows.map((r) => r.dedup_key)).toEqual([firstPage, `${incidentId}:page:1`]);
    // Two worker processes start (each loads the whole worker: tens of seconds on a loaded machine).
  }, 240_000);
});
