import { ticketWorkflow } from '../../src/workflows';
import { assignUpdate, replyUpdate, statusQuery, TicketInput } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { useWorkerStack } from '../support/harness';
import { testPolicy, ticketEvents, ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/**
 * 001: "sub-2-minute wait for live chat during business hours" beside "≤5 minutes for chat during
 * core hours": a chat's queue wait (until an agent picks it up: assignment or the first agent
 * reply) is its own SLA clock, at risk and breached like the others. The test pack gives chats a
 * 3 s queue wait (test/fixtures/policies/uoozee.yaml), on 24×7 coverage.
 */
describe('the queue wait of a chat ticket, on the real dev server', () => {
  const stack = useWorkerStack(({ notify }) => ({ NOTIFY_WEBHOOK_URL: notify.url }), { label: 'queue-wait', fakes: { notify: startNotifyWebhookFake } });

  /** A P4 chat (first response 1 h in the test pack); the queue wait from the pack unless given. */
  const chat = (queueWaitMs?: number): TicketInput =>
    ticketInput({ priority: 'P4', channel: 'chat', policy: testPolicy('uoozee', 'chat') }, queueWaitMs === undefined ? {} : { queueWait: queueWaitMs });
  const start = (input: TicketInput) => stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
  const counts = async (id: string) =>
    (await stack.ds.query(`SELECT sla_queue_wait_met AS met, sla_queue_wait_breached AS breached FROM tickets WHERE id = $1`, [id]))[0] as { met: number | null; breached: number | null } | undefined;

  it('the pack pins a queue wait for chats only', () => {
    expect(testPolicy('uoozee', 'chat').priorities.P4.targets.queueWait).toBe(3_000);
    expect(testPolicy('uoozee', 'email').priorities.P4.targets.queueWait).toBeUndefined();
  });

  it('breached: nobody picks the chat up within the window; at risk first, then breach and escalation; a late pick-up does not undo it', async () => {
    const input = chat();
    const handle = await start(input);
    const opened = await handle.query(statusQuery);
    expect(opened.sla.queueWait).toMatchObject({ state: 'running', targetSeconds: 3, clock: 'business' });
    expect(opened.sla.firstResponse).toMatchObject({ state: 'running', targetSeconds: 3600 });

    await waitFor(async () => (await ticketEvents(stack.ds, input.ticketId)).some((e) => e.type === 'escalated' && e.data.metric === 'queueWait'), { what: 'queue-wait escalation' });
    const events = await ticketEvents(stack.ds, input.ticketId);
    const atRisk = events.find((e) => e.type === 'sla_at_risk' && e.data.metric === 'queueWait')!;
    const breached = events.find((e) => e.type === 'sla_breached' && e.data.metric === 'queueWait')!;
    expect(atRisk).toBeDefined();
    expect(breached.data).toMatchObject({ metric: 'queueWait', targetSeconds: 3 });
    const deadline = Date.parse(opened.sla.queueWait!.deadlineAt!);
    expect(breached.occurredAt.getTime()).toBeGreaterThanOrEqual(deadline);
    // First response is another clock: still running, untouched by the queue's breach.
    const late = await handle.query(statusQuery);
    expect(late.sla.firstResponse!.state).toBe('running');
    expect(late.slaBreached).toBe(true);
    await waitFor(async () => (await counts(input.ticketId))?.breached === 1, { what: 'sla_queue_wait_breached = 1 in the read model' });

    const picked = await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: 'ann' }] });
    expect(picked.sla.queueWait).toMatchObject({ state: 'breached', fulfilledAt: expect.any(String) });
    expect((await ticketEvents(stack.ds, input.ticketId)).find((e) => e.type === 'assigned')!.data.fulfilled).toEqual(['queueWait']);
    expect(await counts(input.ticketId)).toEqual({ met: 0, breached: 1 });
    await handle.terminate('test done');
  });

  it('met by assignment: the agent accepting the chat ends the wait, before the first response', async () => {
    const input = chat(5 * 60_000);
    const handle = await start(input);
    const picked = await handle.executeUpdate(assignUpdate, { args: [{ actor: 'ann', assignee: 'ann' }] });
    expect(picked.sla.queueWait).toMatchObject({ state: 'met', deadlineAt: null });
    expect(picked.sla.firstResponse!.state).toBe('running');
    await waitFor(async () => (await counts(input.ticketId))?.met === 1, { what: 'sla_queue_wait_met = 1 in the read model' });
    expect(await counts(input.ticketId)).toEqual({ met: 1, breached: 0 });
    // A reassignment later is no second pick-up.
    await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: 'bob' }] });
    const assigned = (await ticketEvents(stack.ds, input.ticketId)).filter((e) => e.type === 'assigned');
    expect(assigned.map((e) => e.data.fulfilled ?? null)).toEqual([['queueWait'], null]);
    expect((await ticketEvents(stack.ds, input.ticketId)).some((e) => e.type === 'sla_breached')).toBe(false);
    await handle.terminate('test done');
  });

  it("met by the first agent reply, whichever comes first: it fulfils the queue wait and the first response together", async () => {
    const input = chat(5 * 60_000);
    const handle = await start(input);
    const replied = await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Hi, looking now' }] });
    expect(replied.sla.queueWait!.state).toBe('met');
    expect(replied.sla.firstResponse!.state).toBe('met');
    const first = (await ticketEvents(stack.ds, input.ticketId)).find((e) => e.type === 'first_response')!;
    expect(first.data.fulfilled).toEqual(['queueWait', 'firstResponse']);
    await handle.terminate('test done');
  });
});
