import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { AppConfig } from '../../src/config/config.schema';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { DataSource } from 'typeorm';
import { ticketWorkflow } from '../../src/workflows';
import {
  assignUpdate,
  closeUpdate,
  csatUpdate,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  replyUpdate,
  resolveUpdate,
  statusQuery,
  TicketInput,
  TicketView,
} from '../../src/workflows/ticket/messages';
import { TicketEventRow } from '../../src/persistence/entities';
import { startNotifyWebhookFake, NotifyWebhookFake } from '../fakes/notify-webhook';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { testSealer } from '../support/sealed-rows';
import { ticketInput, ticketRow } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;

/** Issue 20: a ticket hands its state to a fresh run before any server limit, and nothing is lost or doubled. */
describe('ticketWorkflow continues as new', () => {
  const taskQueue = uniqueTaskQueue('ticket-can');
  let notify: NotifyWebhookFake;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;
  let config: AppConfig;

  beforeAll(async () => {
    notify = await startNotifyWebhookFake();
    config = testConfig({ NOTIFY_WEBHOOK_URL: notify.url });
    ds = await openDataSource(config);
    client = await temporalClient(config);
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
    await notify?.close();
  });

  const start = (input: TicketInput) => client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });

  /** Events in the order the workflow applied them, their data opened (it is sealed under the ticket's key). */
  const eventsBySeq = async (ticketId: string): Promise<TicketEventRow[]> =>
    testSealer().open(await ds.getRepository(TicketEventRow).createQueryBuilder('e').where('e.ticketId = :ticketId', { ticketId }).orderBy('e.seq', 'ASC').getMany());

  /** Every run of the workflow, first to latest, following continued-as-new links; with each run's history. */
  const runChain = async (workflowId: string, firstRunId: string) => {
    const runs: { runId: string; events: number; bytes: number; continued: boolean }[] = [];
    let runId: string | undefined = firstRunId;
    while (runId) {
      const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
      const last: temporal.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
      const continued: boolean = last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
      runs.push({ runId, events: events.length, bytes: temporal.api.history.v1.History.encode(history).finish().length, continued });
      runId = continued ? last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined : undefined;
    }
    return runs;
  };

  const expectOnceEachInSeqOrder = (events: TicketEventRow[]) => {
    const seqs = events.map((e) => Number(e.seq));
    expect(seqs.every((s) => Number.isInteger(s) && s > 0)).toBe(true);
    // Strictly increasing, no gaps: every change the workflow numbered is recorded, once.
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(events.length);
  };

  it('carries its state through at least three runs: each of ~30 actions recorded once, in order; resolve and close still work', async () => {
    const input = ticketInput({ priority: 'P2', runLimits: { updates: 5 } }, { firstResponse: HOUR, resolution: HOUR, nextResponse: HOUR });
    const handle = await start(input);
    const firstRunId = handle.firstExecutionRunId;
    expect((await handle.executeUpdate(intakeUpdate, { args: [{ requestHash: input.requestHash }] })).firstIntake).toBe(true);
    const assign = (assignee: string) => handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee }] });
    const agent = (actor: string) => handle.executeUpdate(replyUpdate, { args: [{ actor, author: 'agent', message: 'We are on it' }] });
    const customer = () => handle.executeUpdate(replyUpdate, { args: [{ actor: 'cust_4711', author: 'customer', message: 'Still broken' }] });
    const pending = (reason: 'customer' | 'vendor') => handle.executeUpdate(pendingUpdate, { args: [{ actor: 'ann', reason, message: null }] });
    const priority = (p: string) => handle.executeUpdate(priorityUpdate, { args: [{ actor: 'ann', priority: p, reason: 'impact changed' }] });
    const resolve = () => handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'fixed' }] });
    const reopen = () => handle.executeUpdate(reopenUpdate, { args: [{ actor: 'cust_4711', reason: 'again' }] });

    const actions: Array<() => Promise<TicketView>> = [
      () => assign('a1'), () => agent('a1'), customer, () => pending('customer'), customer, () => assign('a2'), () => priority('P4'),
      () => agent('a2'), () => pending('vendor'), () => agent('a2'), resolve, reopen, customer, () => assign('a3'), () => agent('a3'),
      () => priority('P2'), resolve, reopen, () => pending('customer'), customer, () => assign('a4'), () => agent('a4'), resolve,
      reopen, () => agent('a4'), () => assign('a5'), customer, () => agent('a5'),
    ];
    let last: TicketView | undefined;
    for (const act of actions) last = await act();
    expect(last).toMatchObject({ status: 'open', assignee: 'a5', agentReplies: 7, reopenCount: 3, priority: 'P2' });

    // The intake update still knows this ticket was created once, across the boundaries.
    const intake = await handle.executeUpdate(intakeUpdate, { args: [{ requestHash: input.requestHash }] });
    expect(intake.firstIntake).toBe(false);

    const resolved = await resolve();
    expect(resolved).toMatchObject({ status: 'resolved', firstContactResolution: false });
    const closed = await handle.executeUpdate(closeUpdate, { args: [{ actor: 'ann' }] });
    expect(closed.status).toBe('closed');
    const rated = await handle.executeUpdate(csatUpdate, { args: [{ actor: 'cust_4711', score: 4, comment: null }] });
    expect(rated.csat?.score).toBe(4);

    const runs = await waitFor(async () => {
      const chain = await runChain(input.ticketId, firstRunId);
      return chain.length >= 4 ? chain : undefined;
    }, { what: 'at least three continue-as-new boundaries' });
    expect(runs.slice(0, -1).every((r) => r.continued)).toBe(true);

    const view = await handle.query(statusQuery);
    expect(view).toMatchObject({ status: 'closed', assignee: 'a5', agentReplies: 7, reopenCount: 3, priority: 'P2', openedAt: last!.openedAt });
    // The first resolution cycle's clocks and every reopen's are still on record.
    expect(view.slaHistory.filter((c) => c.metric === 'resolution').map((c) => c.cycle)).toEqual([1, 2, 3]);
    expect(view.sla.firstResponse?.state).toBe('met');

    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.ticketId);
      return rows.length === 1 + actions.length + 3 ? rows : undefined;
    }, { what: 'every action in the read model' });
    expectOnceEachInSeqOrder(events);
    expect(events.map((e) => e.type)).toEqual([
      'opened', 'assigned', 'first_response', 'customer_reply', 'pending', 'customer_reply', 'assigned', 'priority_changed',
      'agent_reply', 'pending', 'agent_reply', 'resolved', 'reopened', 'customer_reply', 'assigned', 'agent_reply',
      'priority_changed', 'resolved', 'reopened', 'pending', 'customer_reply', 'assigned', 'agent_reply', 'resolved',
      'reopened', 'agent_reply', 'assigned', 'customer_reply', 'agent_reply', 'resolved', 'closed', 'csat',
    ]);
    // The read model's row shows the last change, whatever order the writes landed in.
    const row = await waitFor(async () => {
      const r = await ticketRow(ds, input.ticketId);
      return r && Number(r.version) === events.length ? r : undefined;
    }, { what: 'the snapshot of the last change' });
    expect(row).toMatchObject({ status: 'closed', assignee: 'a5', agentReplies: 3 + 4, reopenCount: 3, csatScore: 4 });

    // Every run replays on this code without a determinism error (patch markers, carried input).
    for (const r of runs) {
      const history = await client.workflow.getHandle(input.ticketId, r.runId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE! }, dataConverter: dataConverterFor(config) }, history, `${input.ticketId}-${r.runId}`);
    }

    const totalEvents = runs.reduce((n, r) => n + r.events, 0);
    const totalBytes = runs.reduce((n, r) => n + r.bytes, 0);
    // Measurement for the report (issue 20, step 8).
    console.log(`ticket continue-as-new: ${runs.length} runs, ${actions.length + 4} updates, history ${totalEvents} events / ${totalBytes} bytes in all, ` +
      `${(totalEvents / (actions.length + 4)).toFixed(1)} events and ${Math.round(totalBytes / (actions.length + 4))} bytes per update; runs: ${runs.map((r) => `${r.events}ev/${r.bytes}B`).join(', ')}`);
  }, 120_000);

  it('fires an SLA timer that falls after a boundary exactly once: the at-risk warning, the breach and each escalation', async () => {
    // First response 3 s (at risk at 1.5 s); four assigns continue the ticket as new twice before then.
    const input = ticketInput({ priority: 'P2', runLimits: { updates: 2 } }, { firstResponse: 3_000, resolution: HOUR, nextResponse: HOUR });
    const handle = await start(input);
    for (const a of ['a1', 'a2', 'a3', 'a4']) await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: a }] });
    const boundaries = (await runChain(input.ticketId, handle.firstExecutionRunId)).filter((r) => r.continued).length;
    expect(boundaries).toBeGreaterThanOrEqual(1);

    const keys = [
      `${input.ticketId}:firstResponse:c1:at-risk`,
      `${input.ticketId}:firstResponse:c1:escalation:0`,
      `${input.ticketId}:firstResponse:c1:escalation:1`,
      `${input.ticketId}:firstResponse:c1:escalation:2`,
    ];
    await waitFor(() => keys.every((k) => notify.deliveries.has(k)), { what: 'the warning and three escalation steps' });
    // Two more assigns after the escalations: another boundary with every timer spent; nothing fires again.
    for (const a of ['a5', 'a6', 'a7']) await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: a }] });
    await waitFor(async () => (await runChain(input.ticketId, handle.firstExecutionRunId)).filter((r) => r.continued).length > boundaries, {
      what: 'a boundary after the escalations',
    });
    const view = await handle.query(statusQuery);
    expect(view.assignee).toBe('a7');
    expect(view.escalations.map((e) => e.state)).toEqual(['notified', 'notified', 'notified']);
    expect(keys.map((k) => notify.deliveries.get(k))).toEqual([1, 1, 1, 1]);
    expect(notify.accepted.filter((n) => n.body.ticketId === input.ticketId)).toHaveLength(4);
    const events = await eventsBySeq(input.ticketId);
    expectOnceEachInSeqOrder(events);
    expect(events.filter((e) => e.type !== 'assigned').map((e) => e.type)).toEqual(['opened', 'sla_at_risk', 'sla_breached', 'escalated', 'escalated', 'escalated']);
    await handle.terminate('test done');
  }, 60_000);

  it('20 concurrent assigns across boundaries: each answered, each applied once, one linear chain', async () => {
    const input = ticketInput({ priority: 'P2', runLimits: { updates: 5 } }, { firstResponse: HOUR, resolution: HOUR, nextResponse: HOUR });
    const handle = await start(input);
    await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: 'first' }] });
    const agents = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
    const outcomes = await Promise.allSettled(agents.map((a) => handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: a }] })));
    // Assign is always allowed on an open ticket: every one must succeed (a failure is a lost action).
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failures.map((f) => (f.reason instanceof WorkflowUpdateFailedError ? f.reason.cause?.message : String(f.reason)))).toEqual([]);

    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.ticketId);
      return rows.length === 2 + agents.length ? rows : undefined;
    }, { what: 'every assign in the read model' });
    console.log(JSON.stringify(events.map((e) => [e.seq, e.eventKey.slice(-12), e.data.assignee, e.data.previous, e.recordedAt])));
    expectOnceEachInSeqOrder(events);
    let current: unknown = null;
    for (const e of events.slice(1)) {
      expect(e.type).toBe('assigned');
      expect(e.data.previous).toBe(current);
      current = e.data.assignee;
    }
    expect(new Set(events.slice(2).map((e) => e.data.assignee))).toEqual(new Set(agents));
    const view = await handle.query(statusQuery);
    expect(view.assignee).toBe(current);
    await waitFor(async () => (await ticketRow(ds, input.ticketId))?.assignee === current, { what: 'the row shows the last assignee' });
    // A run over its budget continues as new once its handlers finished: after its last record, so waited for.
    await waitFor(async () => (await runChain(input.ticketId, handle.firstExecutionRunId)).filter((r) => r.continued).length >= 2, { what: 'two boundaries' });
    await handle.terminate('test done');
  }, 60_000);
  it('a long conversation keeps the view bounded: the last 10 answered clocks are listed, the older counted, and the history per reply does not grow', async () => {
    const input = ticketInput({ priority: 'P4', runLimits: { updates: 1000 } });
    const handle = await start(input);
    const sizes: number[] = [];
    let last: TicketView | undefined;
    for (let i = 0; i < 30; i++) {
      await handle.executeUpdate(replyUpdate, { args: [{ actor: 'customer', author: 'customer', message: `question ${i}` }] });
      last = await handle.executeUpdate(replyUpdate, { args: [{ actor: 'agent-ann', author: 'agent', message: `answer ${i}` }] });
      sizes.push(JSON.stringify(last).length);
    }
    const listed = last!.slaHistory.filter((c) => c.metric === 'nextResponse');
    expect(listed).toHaveLength(10);
    expect(listed.map((c) => c.cycle)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(last!.slaHistoryEarlier).toEqual({ nextResponse: { met: 19, breached: 0, count: 19 } });
    // The answer's size stops growing once the list is full (12 exchanges in, it is as big as at the end).
    expect(sizes[29]).toBeLessThanOrEqual(sizes[12] + 50);
    await waitFor(async () => (await ticketRow(ds, input.ticketId))?.snapshot?.slaHistoryEarlier?.nextResponse?.count === 19, { what: 'the snapshot with the tallies' });
    await handle.terminate('test done');
  }, 60_000);
});
