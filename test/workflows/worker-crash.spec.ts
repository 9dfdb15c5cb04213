import { temporal } from '@temporalio/proto';
import { ticketWorkflow } from '../../src/workflows';
import { SlaBreached } from '../../src/workflows/search-attributes';
import { statusQuery } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { useWorkerStack } from '../support/harness';
import { ticketEvents, ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

const EventType = temporal.api.enums.v1.EventType;

describe('worker killed while an SLA timer is pending, and between escalation steps', () => {
  const stack = useWorkerStack({}, { label: 'crash', fakes: { notify: startNotifyWebhookFake }, worker: false });
  const { taskQueue } = stack;
  const spawned: WorkerProcess[] = [];
  stack.onTeardown(() => spawned.filter((w) => w.child.exitCode === null).forEach((w) => w.child.kill('SIGKILL')));

  const spawn = async () => {
    const w = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, NOTIFY_WEBHOOK_URL: stack.fakes.notify.url });
    spawned.push(w);
    return w;
  };
  const kill = async (w: WorkerProcess) => {
    w.child.kill('SIGKILL');
    expect(await w.exited).toEqual({ code: null, signal: 'SIGKILL' });
  };
  const count = async (id: string, type: string) => (await ticketEvents(stack.ds, id)).filter((e) => e.type === type).length;

  it('records the breach once and each escalation step once across two SIGKILLs; SIGTERM exits 0', async () => {
    const first = await spawn();
    // Escalation in the test policy: assignee at once, team lead after 1 s, level 2 after 2 s.
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 3_000, resolution: 600_000 });
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    await waitFor(async () => ((await handle.fetchHistory()).events ?? []).some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED), {
      what: 'SLA timer pending',
    });
    expect(await count(input.ticketId, 'opened')).toBe(1);
    await kill(first); // while the timer is pending

    const second = await spawn();
    await waitFor(async () => (await count(input.ticketId, 'escalated')) >= 1, { timeoutMs: 30_000, what: 'first escalation step' });
    await kill(second); // between escalation steps

    const third = await spawn();
    await waitFor(async () => (await count(input.ticketId, 'escalated')) === 3, { timeoutMs: 30_000, what: 'all three steps' });

    const events = await ticketEvents(stack.ds, input.ticketId);
    expect(events.filter((e) => e.type === 'sla_breached')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'escalated').map((e) => e.data.level)).toEqual(['assignee', 'team_lead', 'level2']);
    const view = await handle.query(statusQuery);
    const breach = events.find((e) => e.type === 'sla_breached')!;
    expect(breach.occurredAt.getTime()).toBeGreaterThanOrEqual(Date.parse(view.sla.firstResponse!.deadlineAt!));
    await waitFor(async () => (await handle.describe()).typedSearchAttributes.get(SlaBreached) === true, { what: 'SlaBreached=true' });

    // The relay saw each step's key once (a delivery cut off by a kill may be retried with the
    // same Idempotency-Key; the relay drops the repeat), and PostgreSQL holds one row per step.
    // Each step's notification runs beside its 'escalated' event (Promise.all): the third may be
    // recorded and delivered a moment after the event the wait above saw. Wait for all three.
    const escalationKeysAtRelay = () => stack.fakes.notify.accepted.filter((n) => n.body.ticketId === input.ticketId && n.body.kind === 'sla_escalation').map((n) => n.key);
    const countRows = async () =>
      ((await stack.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE ticket_id = $1 AND kind = 'sla_escalation'`, [input.ticketId])) as { n: number }[])[0].n;
    await waitFor(async () => escalationKeysAtRelay().length >= 3 && (await countRows()) >= 3, { what: 'all three escalation notifications recorded and delivered' });
    const escalationKeys = escalationKeysAtRelay();
    expect(escalationKeys).toEqual([0, 1, 2].map((i) => `${input.ticketId}:firstResponse:c1:escalation:${i}`));
    expect(await countRows()).toBe(3);

    third.child.kill('SIGTERM');
    expect(await third.exited).toEqual({ code: 0, signal: null });
    expect(third.output()).toContain('"worker stopped"');
    expect(await count(input.ticketId, 'sla_breached')).toBe(1);
    // Three worker processes start in turn (each up to a minute on a loaded machine), as crash-recovery.spec.ts allows.
  }, 180_000);
});
