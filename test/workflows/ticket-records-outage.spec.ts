import { optionalTsToMs } from '@temporalio/common/lib/time';
import { DataSource } from 'typeorm';
import { ticketWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake, NotifyWebhookFake } from '../fakes/notify-webhook';
import { openDataSource, RunningWorker, startWorker, testConfig, useWorkerStack } from '../support/harness';
import { startTcpRelay, TcpRelay } from '../support/tcp-relay';
import { ticketEvents, ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/**
 * A ticket's clock steps record through a local activity, inside the workflow task (README, "How
 * a ticket's change is written"). While the worker cannot reach PostgreSQL that record fails, and
 * its retries must neither hold the ticket's workflow task for their whole schedule nor lose or
 * repeat a step. The worker's connections go through a TCP relay that the test cuts.
 */
describe('a ticket whose clock steps come due while the worker cannot reach PostgreSQL', () => {
  const stack = useWorkerStack<{ notify: NotifyWebhookFake; relay: TcpRelay }>((f) => ({ NOTIFY_WEBHOOK_URL: f.notify.url }), {
    label: 'records-outage',
    fakes: {
      notify: startNotifyWebhookFake,
      relay: () => {
        const db = new URL(testConfig().DATABASE_URL);
        return startTcpRelay({ host: db.hostname, port: Number(db.port || 5432) });
      },
    },
    // Started below, on a data source through the relay.
    worker: false,
  });
  let relayed: DataSource;
  let worker: RunningWorker;

  beforeAll(async () => {
    const url = new URL(stack.config.DATABASE_URL);
    url.hostname = '127.0.0.1';
    url.port = String(stack.fakes.relay.port);
    relayed = await openDataSource(testConfig({ DATABASE_URL: url.toString() }));
    worker = await startWorker(stack.config, relayed, stack.taskQueue);
    stack.onTeardown(async () => {
      await stack.fakes.relay.restore();
      await worker.stop();
      await relayed.destroy();
    });
  });

  it('retries a refused record on a workflow timer past 2 s, then records the warning, the breach and each escalation once', async () => {
    // At risk at 3 s (test policy: half the window), breach at 6 s.
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 6_000, resolution: 600_000 });
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
    await waitFor(async () => (await ticketEvents(stack.ds, input.ticketId)).some((e) => e.type === 'opened'), { what: 'the opening recorded' });
    await stack.fakes.relay.cut('refuse');

    // The warning's record fails; its retries 1 s and 2 s later run inside the task, the next
    // (4 s) waits on a workflow timer: the task completed while the record was still owed.
    await waitFor(async () => ((await handle.fetchHistory()).events ?? []).some((e) => optionalTsToMs(e.timerStartedEventAttributes?.startToFireTimeout) === 4_000), {
      what: 'a record retry waiting on a workflow timer',
      timeoutMs: 30_000,
    });
    // The ticket answers from its workflow meanwhile, the warning in its state, the breach not yet.
    const during = (await handle.query(statusQuery)).sla.firstResponse;
    expect(during?.state).toBe('running');
    expect(during?.atRiskSince).not.toBeNull();
    expect(await ticketEvents(stack.ds, input.ticketId)).toHaveLength(1);

    await stack.fakes.relay.restore();
    const events = await waitFor(async () => {
      const rows = await ticketEvents(stack.ds, input.ticketId);
      return rows.filter((e) => e.type === 'escalated').length === 3 ? rows : undefined;
    }, { what: 'the warning, the breach and three escalation steps', timeoutMs: 45_000 });
    const bySeq = [...events].sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(bySeq.map((e) => e.type)).toEqual(['opened', 'sla_at_risk', 'sla_breached', 'escalated', 'escalated', 'escalated']);
    expect(bySeq.map((e) => Number(e.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    // Late, not lost: the breach waited for the warning's record (each step after the one before).
    const view = await handle.query(statusQuery);
    expect(view.sla.firstResponse?.state).toBe('breached');
    expect(view.needsAttention).toBeUndefined();
    const keys = stack.fakes.notify.accepted.filter((n) => n.body.ticketId === input.ticketId).map((n) => n.key);
    expect(keys).toEqual([
      `${input.ticketId}:firstResponse:c1:at-risk`,
      `${input.ticketId}:firstResponse:c1:escalation:0`,
      `${input.ticketId}:firstResponse:c1:escalation:1`,
      `${input.ticketId}:firstResponse:c1:escalation:2`,
    ]);
    await handle.terminate('test done');
  }, 120_000);
});
