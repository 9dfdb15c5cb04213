import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/config.schema';
import { TicketEventRow } from '../../src/persistence/entities';
import { ticketWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake, NotifyWebhookFake } from '../fakes/notify-webhook';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { testSealer } from '../support/sealed-rows';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/**
 * Issue 20, part 2: an at-risk warning whose moment passed while the ticket could not act (no
 * worker, or the database down) is still recorded and sent when the ticket gets to it — marked
 * late, before the breach, once — instead of being skipped because the deadline is behind it.
 */
describe('ticketWorkflow: a late at-risk warning', () => {
  const taskQueue = uniqueTaskQueue('ticket-late');
  let notify: NotifyWebhookFake;
  let config: AppConfig;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    notify = await startNotifyWebhookFake();
    config = testConfig({ NOTIFY_WEBHOOK_URL: notify.url });
    ds = await openDataSource(config);
    client = await temporalClient(config);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
    await notify?.close();
  });

  // Event data is sealed under the ticket's key: opened as the API would.
  const eventsBySeq = async (ticketId: string) =>
    testSealer().open(await ds.getRepository(TicketEventRow).createQueryBuilder('e').where('e.ticketId = :ticketId', { ticketId }).orderBy('e.seq', 'ASC').getMany());

  it('records and sends the missed warning once, marked late, before the breach', async () => {
    // First response 4 s: at risk at 2 s (test policy atRiskAt 0.5), breached at 4 s.
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 4_000, resolution: 3_600_000, nextResponse: 3_600_000 });
    worker = await startWorker(config, ds, taskQueue);
    const handle = await client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    await waitFor(async () => (await eventsBySeq(input.ticketId)).some((e) => e.type === 'opened'), { what: 'the opened record' });
    const view = await handle.query(statusQuery);
    const atRiskDue = Date.parse(view.sla.firstResponse!.startedAt) + 2_000;
    const deadline = Date.parse(view.sla.firstResponse!.deadlineAt!);
    expect(Date.now()).toBeLessThan(atRiskDue); // the worker goes before the warning was due

    // The outage: no worker polls the ticket's task queue past both the at-risk point and the deadline.
    await worker.stop();
    worker = undefined;
    await waitFor(() => Date.now() > deadline + 500, { what: 'the deadline to pass with no worker', timeoutMs: 10_000 });
    expect(await eventsBySeq(input.ticketId)).toHaveLength(1);

    worker = await startWorker(config, ds, taskQueue);
    const atRiskKey = `${input.ticketId}:firstResponse:c1:at-risk`;
    const escalationKeys = [0, 1, 2].map((step) => `${input.ticketId}:firstResponse:c1:escalation:${step}`);
    await waitFor(() => [atRiskKey, ...escalationKeys].every((k) => notify.deliveries.has(k)), { what: 'the late warning and the escalations', timeoutMs: 40_000 });

    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.ticketId);
      return rows.length === 6 ? rows : undefined;
    }, { what: 'six records' });
    expect(events.map((e) => e.type)).toEqual(['opened', 'sla_at_risk', 'sla_breached', 'escalated', 'escalated', 'escalated']);
    expect(events.map((e) => Number(e.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    const [, atRisk, breached] = events;
    expect(atRisk.data).toMatchObject({ metric: 'firstResponse', cycle: 1, late: true, dueAt: new Date(atRiskDue).toISOString() });
    expect(atRisk.occurredAt.getTime()).toBeGreaterThanOrEqual(deadline); // given when the ticket got to it
    expect(breached.data.late).toBeUndefined();

    const warning = notify.accepted.find((n) => n.key === atRiskKey)!;
    expect(warning.body).toMatchObject({ kind: 'sla_at_risk', late: true, metric: 'firstResponse' });
    // Once each: the warning, and every escalation step.
    expect([atRiskKey, ...escalationKeys].map((k) => notify.deliveries.get(k))).toEqual([1, 1, 1, 1]);
    expect(notify.accepted.filter((n) => n.body.ticketId === input.ticketId).map((n) => n.key)).toEqual([atRiskKey, ...escalationKeys]);
    expect(await handle.query(statusQuery)).toMatchObject({ slaBreached: true, atRisk: false });
    await handle.terminate('test done');
  }, 90_000);

  it('warns on time, not late, when the ticket could act (no late flag)', async () => {
    worker ??= await startWorker(config, ds, taskQueue);
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 4_000, resolution: 3_600_000, nextResponse: 3_600_000 });
    const handle = await client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    const atRiskKey = `${input.ticketId}:firstResponse:c1:at-risk`;
    await waitFor(() => notify.deliveries.has(atRiskKey), { what: 'the on-time warning' });
    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.ticketId);
      return rows.some((e) => e.type === 'sla_at_risk') ? rows : undefined;
    }, { what: 'the at-risk record' });
    const atRisk = events.find((e) => e.type === 'sla_at_risk')!;
    expect(atRisk.data.late).toBeUndefined();
    expect(notify.accepted.find((n) => n.key === atRiskKey)!.body.late).toBeUndefined();
    await handle.terminate('test done');
  });
});
