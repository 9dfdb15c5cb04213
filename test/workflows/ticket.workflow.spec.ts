import { zonedTime } from '../../src/domain/ui-details';
import { Client, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { ticketWorkflow } from '../../src/workflows';
import type { BusinessCalendar, Weekday } from '../../src/domain/sla/calendar';
import { Assignee, Brand, CaseStatus, SlaBreached, SlaNextDeadline } from '../../src/workflows/search-attributes';
import {
  assignUpdate,
  csatUpdate,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  replyUpdate,
  resolveUpdate,
  statusQuery,
  TicketFailure,
  TicketInput,
} from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake, NotifyWebhookFake } from '../fakes/notify-webhook';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { testPolicy, ticketEvents, ticketInput, ticketRow } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { localActivityType } from '../replay/history-features';

const EventType = temporal.api.enums.v1.EventType;
type Handle = WorkflowHandle<typeof ticketWorkflow>;

describe('ticketWorkflow on the real dev server', () => {
  const taskQueue = uniqueTaskQueue('ticket');
  let notify: NotifyWebhookFake;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;

  beforeAll(async () => {
    notify = await startNotifyWebhookFake();
    const config = testConfig({ NOTIFY_WEBHOOK_URL: notify.url });
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
  const types = async (id: string) => (await ticketEvents(ds, id)).map((e) => e.type);
  const historyHas = async (h: Handle, type: number) => ((await h.fetchHistory()).events ?? []).some((e) => e.eventType === type);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected the update to be refused');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
        return (e as WorkflowUpdateFailedError).cause as ApplicationFailure;
      },
    );

  it('warns at risk, breaches at the deadline, and walks the escalation chain once per step', async () => {
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 2_000, resolution: 60_000 });
    const handle = await start(input);
    await waitFor(async () => (await types(input.ticketId)).filter((t) => t === 'escalated').length === 3, { what: 'three escalation steps' });
    const events = await ticketEvents(ds, input.ticketId);
    expect(events.map((e) => e.type)).toEqual(['opened', 'sla_at_risk', 'sla_breached', 'escalated', 'escalated', 'escalated']);

    const view = await handle.query(statusQuery);
    const fr = view.sla.firstResponse!;
    expect(fr.state).toBe('breached');
    const deadline = Date.parse(fr.deadlineAt!);
    // At risk at half the window (test policy atRiskAt 0.5), breach at — not before — the deadline.
    expect(events[1].occurredAt.getTime()).toBeGreaterThanOrEqual(Date.parse(view.openedAt) + 1_000);
    expect(events[1].occurredAt.getTime()).toBeLessThan(deadline);
    expect(events[2].occurredAt.getTime()).toBeGreaterThanOrEqual(deadline);
    expect(events.slice(3).map((e) => e.data.level)).toEqual(['assignee', 'team_lead', 'level2']);

    // Each notification is sent beside its event (in parallel): wait for the last delivery.
    const keys = await waitFor(() => {
      const found = notify.accepted.filter((n) => n.body.ticketId === input.ticketId).map((n) => n.key);
      return found.length >= 4 ? found : undefined;
    }, { what: 'four notifications at the webhook' });
    expect(keys).toEqual([
      `${input.ticketId}:firstResponse:c1:at-risk`,
      `${input.ticketId}:firstResponse:c1:escalation:0`,
      `${input.ticketId}:firstResponse:c1:escalation:1`,
      `${input.ticketId}:firstResponse:c1:escalation:2`,
    ]);
    expect((await ticketRow(ds, input.ticketId))?.slaBreached).toBe(true);
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(SlaBreached)).toBe(true);
    expect(attributes.get(CaseStatus)).toBe('new');
    await handle.terminate('test done');
  });

  it('records and sends the clocks\' steps locally: a breach, its record and its first escalation step take one workflow task', async () => {
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 2_000, resolution: 60_000 });
    const handle = await start(input);
    // A local activity's marker lands when its workflow task completes, a moment after its row
    // and its delivery: wait on the history itself (the last step's task may still be open).
    const markersOf = (events: temporal.api.history.v1.IHistoryEvent[], name: string) => events.filter((e) => localActivityType(e.markerRecordedEventAttributes) === name);
    const events = await waitFor(async () => {
      const all = (await handle.fetchHistory()).events ?? [];
      return markersOf(all, 'recordTicketTransition').length >= 6 && markersOf(all, 'sendNotification').length >= 4 ? all : undefined;
    }, { what: 'the opening, the warning, the breach and three escalation steps recorded and sent' });
    await handle.terminate('test done');
    const byTask = (e: (typeof events)[number]) => Number(e.markerRecordedEventAttributes?.workflowTaskCompletedEventId);
    const records = markersOf(events, 'recordTicketTransition');
    const sends = markersOf(events, 'sendNotification');
    // Nobody acted on the ticket: every record and send is the system's, none an activity task.
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    // opened, sla_at_risk, sla_breached, three times escalated (the read model's order); the warning and three steps told.
    expect(records).toHaveLength(6);
    expect(sends).toHaveLength(4);
    const [, atRisk, breached, stepZero] = records;
    // The warning's record and send in one task; the breach's record, step 0's send and its record in the next.
    expect(byTask(sends[0])).toBe(byTask(atRisk));
    expect([byTask(breached), byTask(stepZero)]).toEqual([byTask(sends[1]), byTask(sends[1])]);
  });

  it('stops the first-response clock on an agent reply: met, timer cancelled, no breach, no escalation', async () => {
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 60_000, resolution: 120_000 });
    const handle = await start(input);
    await waitFor(() => historyHas(handle, EventType.EVENT_TYPE_TIMER_STARTED), { what: 'deadline timer started' });
    const after = await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'On it' }] });
    expect(after.status).toBe('open');
    expect(after.assignee).toBe('ann');
    expect(after.sla.firstResponse?.state).toBe('met');
    await waitFor(() => historyHas(handle, EventType.EVENT_TYPE_TIMER_CANCELED), { what: 'deadline timer cancelled' });
    expect(await types(input.ticketId)).toEqual(['opened', 'first_response']);
    expect((await ticketRow(ds, input.ticketId))?.firstResponseAt).not.toBeNull();
    await handle.terminate('test done');
  });

  it('does not breach while paused, and resumes from the ledger', async () => {
    const target = 2_000;
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 60_000, resolution: target });
    const handle = await start(input);
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Which device?' }] });
    const paused = await handle.executeUpdate(pendingUpdate, { args: [{ actor: 'ann', reason: 'customer', message: null }] });
    const resolutionAtPause = paused.sla.resolution!;
    expect(paused.status).toBe('pending_customer');
    expect(resolutionAtPause).toMatchObject({ state: 'paused', pauseReason: 'pending_customer', deadlineAt: null });
    const originalDeadline = Date.parse(paused.openedAt) + target;

    // Let the original deadline pass while paused: nothing may breach, and no timer may run.
    await waitFor(() => Date.now() > originalDeadline + 500, { what: 'original deadline passed' });
    const history = (await handle.fetchHistory()).events ?? [];
    const count = (t: number) => history.filter((e) => e.eventType === t).length;
    expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBe(count(EventType.EVENT_TYPE_TIMER_FIRED) + count(EventType.EVENT_TYPE_TIMER_CANCELED));
    expect(await types(input.ticketId)).not.toContain('sla_breached');
    const still = await handle.query(statusQuery);
    expect(still.sla.resolution!.elapsedSeconds).toBe(resolutionAtPause.elapsedSeconds);

    const resumedAt = Date.now();
    const resumed = await handle.executeUpdate(replyUpdate, { args: [{ actor: 'customer', author: 'customer', message: 'The TV' }] });
    expect(resumed.status).toBe('open');
    const newDeadline = Date.parse(resumed.sla.resolution!.deadlineAt!);
    // The window continues from the time already spent, not from zero and not from the old deadline.
    const spent = target - resumed.sla.resolution!.remainingSeconds * 1000;
    expect(newDeadline).toBeGreaterThan(originalDeadline + 500);
    expect(newDeadline - resumedAt).toBeLessThanOrEqual(target - spent + 1_000);

    await waitFor(async () => (await types(input.ticketId)).includes('sla_breached'), { what: 'resolution breach after resume' });
    const breach = (await ticketEvents(ds, input.ticketId)).find((e) => e.type === 'sla_breached')!;
    expect(breach.data.metric).toBe('resolution');
    expect(breach.occurredAt.getTime()).toBeGreaterThanOrEqual(newDeadline);
    await handle.terminate('test done');
  });

  it('a priority change applies the new target to the time already spent', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    const opened = await handle.query(statusQuery);
    expect(opened.sla.firstResponse!.targetSeconds).toBe(3600);
    const changed = await handle.executeUpdate(priorityUpdate, { args: [{ actor: 'ann', priority: 'P2', reason: 'many users' }] });
    // P2's first response is 3 s in the test policy (24×7): the deadline is opened + 3 s exactly.
    expect(changed.priority).toBe('P2');
    expect(Date.parse(changed.sla.firstResponse!.deadlineAt!)).toBe(Date.parse(opened.openedAt) + 3_000);
    const unknown = await refusal(handle.executeUpdate(priorityUpdate, { args: [{ actor: 'ann', priority: 'P9', reason: 'x' }] }));
    expect(unknown.type).toBe(TicketFailure.InvalidValue);
    await waitFor(async () => (await types(input.ticketId)).includes('sla_breached'), { what: 'breach at the moved deadline' });
    // The row is written by a local activity inside the workflow task; the attribute lands when the task completes.
    await waitFor(async () => (await handle.describe()).typedSearchAttributes.get(SlaBreached) === true, { what: 'SlaBreached=true' });
    await handle.terminate('test done');
  });

  it('refuses an action the state does not allow before it enters history; resolves, surveys, closes', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Try this' }] });
    const resolved = await handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'Fixed' }] });
    expect(resolved).toMatchObject({ status: 'resolved', firstContactResolution: true });
    const failure = await refusal(handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'late' }] }));
    expect(failure.type).toBe(TicketFailure.InvalidTransition);
    expect(failure.message).toBe('cannot agent reply a ticket that is resolved');
    const badScore = await refusal(handle.executeUpdate(csatUpdate, { args: [{ actor: 'c', score: 7, comment: null }] }));
    expect(badScore.type).toBe(TicketFailure.InvalidValue);
    await handle.executeUpdate(csatUpdate, { args: [{ actor: 'customer', score: 5, comment: 'quick' }] });
    const twice = await refusal(handle.executeUpdate(csatUpdate, { args: [{ actor: 'customer', score: 4, comment: null }] }));
    expect(twice.message).toContain('already answered');

    // Auto-close after the policy's window (3 s in the test policy); the workflow then ends.
    expect(await handle.result()).toMatchObject({ status: 'closed', csat: { score: 5 } });
    expect(await types(input.ticketId)).toEqual(['opened', 'first_response', 'resolved', 'csat', 'closed']);
    const accepted = ((await handle.fetchHistory()).events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    expect(accepted).toHaveLength(3); // reply, resolve, csat: the refused ones left no trace
  });

  it('reopening starts a new resolution cycle and keeps the old one on record', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Try this' }] });
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'Fixed' }] });
    const reopened = await handle.executeUpdate(reopenUpdate, { args: [{ actor: 'customer', reason: 'still broken' }] });
    expect(reopened.status).toBe('open');
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.sla.resolution).toMatchObject({ cycle: 2, state: 'running' });
    expect(reopened.slaHistory).toEqual(expect.arrayContaining([expect.objectContaining({ metric: 'resolution', cycle: 1, state: 'met' })]));
    const resolvedAgain = await handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'Really fixed' }] });
    expect(resolvedAgain.firstContactResolution).toBe(false);
    await handle.terminate('test done');
  });

  it('answers update-with-start with the ticket, and refuses a reused key with another request', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    const first = await handle.executeUpdate(intakeUpdate, { args: [{ requestHash: input.requestHash }] });
    expect(first.ticket.id).toBe(input.ticketId);
    const again = await handle.executeUpdate(intakeUpdate, { args: [{ requestHash: input.requestHash }] });
    expect(again.firstIntake).toBe(false);
    const reused = await refusal(handle.executeUpdate(intakeUpdate, { args: [{ requestHash: 'other' }] }));
    expect(reused.type).toBe(TicketFailure.IdempotencyKeyReused);
    await handle.terminate('test done');
  });

  it('keeps ticket text out of plaintext history (payloads are encrypted)', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    await handle.query(statusQuery);
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    const everything = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    expect(everything).not.toContain(input.description);
    expect(everything).not.toContain(input.customerRef);
    await handle.terminate('test done');
  });

  it('records the SLA credit an Enterprise breach earns, capped at the monthly cap, once', async () => {
    const input = ticketInput({ brand: 'vivtone', priority: 'S1', plan: 'enterprise', customerRef: `cust_${Date.now()}` });
    const handle = await start(input);
    await waitFor(async () => (await ds.query(`SELECT count(*)::int AS n FROM sla_credits WHERE ticket_id = $1`, [input.ticketId]))[0].n === 2, {
      what: 'two credits (first response, resolution)',
      timeoutMs: 30_000,
    });
    const credits: { metric: string; amount_minor: string; owed_minor: string; rule: string }[] = await ds.query(
      `SELECT metric, amount_minor, owed_minor, rule FROM sla_credits WHERE ticket_id = $1 ORDER BY breached_at`,
      [input.ticketId],
    );
    // Fee 1,200.00 USD: 10 % for the first response = 120.00; 20 % for resolution = 240.00, but
    // the month's cap is 25 % = 300.00, so 180.00 is owed.
    expect(credits.map((c) => [c.metric, Number(c.amount_minor), Number(c.owed_minor)])).toEqual([
      ['firstResponse', 12_000, 12_000],
      ['resolution', 24_000, 18_000],
    ]);
    expect(credits[0].rule).toContain('10%');
    await handle.terminate('test done');
  });

  it('keeps Brand, Assignee and SlaNextDeadline current for the Temporal UI, with the SLA table in its details', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await start(input);
    const opened = await handle.query(statusQuery);
    const attributes = async () => (await handle.describe()).typedSearchAttributes;
    let sa = await waitFor(async () => {
      const a = await attributes();
      return a.get(Brand) !== undefined ? a : undefined;
    }, { what: 'first search attributes' });
    expect(sa.get(Brand)).toBe('uoozee');
    expect(sa.get(Assignee)).toBeUndefined();
    expect(sa.get(SlaNextDeadline)?.toISOString()).toBe(opened.nextDeadlineAt);

    const assigned = await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee: 'ann' }] });
    sa = await attributes();
    expect(sa.get(Assignee)).toBe('ann');
    expect(sa.get(CaseStatus)).toBe('open');
    // The UI's current details: the SLA table, one row per running clock.
    const metadata = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('| clock | target | deadline | at risk from | state |');
    const deadline = Date.parse(assigned.sla.firstResponse!.deadlineAt!);
    expect(metadata.currentDetails).toContain(`| firstResponse | 1h business | ${zonedTime(deadline, input.policy.priorities.P4.calendar.timeZone)} |`);
    expect(metadata.currentDetails).toContain('assignee ann');

    // The first response is met: the next deadline is the resolution's; once resolved, none is left.
    const replied = await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Try this' }] });
    expect(replied.nextDeadlineAt).toBe(replied.sla.resolution!.deadlineAt);
    expect((await attributes()).get(SlaNextDeadline)?.toISOString()).toBe(replied.sla.resolution!.deadlineAt);
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'Fixed' }] });
    sa = await attributes();
    expect(sa.get(SlaNextDeadline)).toBeUndefined();
    expect(sa.get(Assignee)).toBe('ann');
    expect(sa.get(Brand)).toBe('uoozee');
    await handle.terminate('test done');
  });

  it('holds a non-urgent escalation until its coverage window opens (a breach at the window\'s closing instant)', async () => {
    // Windows of seconds on today's UTC date (kept clear of midnight): closed now, open for exactly
    // the 2 s first-response target, closed 4 s, open again. The window fills the target, so the
    // deadline — and the breach — falls on the closing instant, outside coverage.
    const DAY = 86_400_000;
    await waitFor(() => Date.now() % DAY < DAY - 30_000, { what: 'clear of UTC midnight', timeoutMs: 40_000 });
    const opens = Math.ceil(Date.now() / 1000) * 1000 + 2_000;
    const closes = opens + 2_000;
    const reopens = closes + 4_000;
    const hms = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    const days: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    const today = days[new Date(opens).getUTCDay()];
    const calendar: BusinessCalendar = {
      timeZone: 'UTC',
      weekly: {
        ...Object.fromEntries(days.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
        [today]: [{ start: hms(opens), end: hms(closes) }, { start: hms(reopens), end: '24:00' }],
      },
    };
    const base = testPolicy();
    const policy = { ...base, priorities: { ...base.priorities, P2: { calendar, targets: { firstResponse: 2_000, resolution: 600_000 } } } };
    const input = ticketInput({ priority: 'P2', policy });
    const handle = await start(input);
    const opened = await handle.query(statusQuery);
    expect(Date.parse(opened.openedAt)).toBeLessThan(opens);
    expect(opened.sla.firstResponse!.deadlineAt).toBe(new Date(closes).toISOString());

    // The breach is recorded at the deadline, while the window is closed ...
    await waitFor(async () => (await types(input.ticketId)).includes('sla_breached'), { what: 'breach at the closing instant' });
    const breach = (await ticketEvents(ds, input.ticketId)).find((e) => e.type === 'sla_breached')!;
    expect(breach.occurredAt.getTime()).toBeGreaterThanOrEqual(closes);
    expect(breach.occurredAt.getTime()).toBeLessThan(reopens);
    // ... and the escalation chain is scheduled from the next opening, in business time.
    const scheduled = await handle.query(statusQuery);
    expect(scheduled.escalations.map((e) => [e.level, e.dueAt])).toEqual([
      ['assignee', new Date(reopens).toISOString()],
      ['team_lead', new Date(reopens + 1_000).toISOString()],
      ['level2', new Date(reopens + 2_000).toISOString()],
    ]);

    await waitFor(async () => (await types(input.ticketId)).filter((t) => t === 'escalated').length === 3, { what: 'three escalation steps' });
    const escalated = (await ticketEvents(ds, input.ticketId)).filter((e) => e.type === 'escalated');
    expect(escalated.map((e) => e.data.level)).toEqual(['assignee', 'team_lead', 'level2']);
    for (const [i, e] of escalated.entries()) expect(e.occurredAt.getTime()).toBeGreaterThanOrEqual(reopens + i * 1_000);
    // The at-risk warning (at 1 s, inside the window) went out at once.
    const atRisk = (await ticketEvents(ds, input.ticketId)).find((e) => e.type === 'sla_at_risk')!;
    expect(atRisk.occurredAt.getTime()).toBeLessThan(closes);
    expect(atRisk.data.notifyAt).toBe(atRisk.occurredAt.toISOString());
    const sent = await waitFor(() => {
      const mine = notify.accepted.filter((n) => n.body.ticketId === input.ticketId);
      return mine.length === 4 ? mine : undefined;
    }, { what: 'four notifications delivered' });
    expect(sent.map((n) => n.key.split(':').slice(-2).join(':'))).toEqual([
      'c1:at-risk',
      'escalation:0',
      'escalation:1',
      'escalation:2',
    ]);
    await handle.terminate('test done');
  }, 90_000);

  it('starts the clocks when the customer wrote: a deadline already past breaches at once, exactly once', async () => {
    // Received 10 min ago; a 1-min first response (24×7) was due 9 min ago, its at-risk point too.
    const receivedAt = Date.now() - 10 * 60_000;
    const input = ticketInput({ priority: 'P2', receivedAt: new Date(receivedAt).toISOString() }, { firstResponse: 60_000, resolution: 3_600_000 });
    const handle = await start(input);
    await waitFor(async () => (await types(input.ticketId)).filter((t) => t === 'escalated').length === 3, { what: 'three escalation steps', timeoutMs: 20_000 });
    const view = await handle.query(statusQuery);
    expect(view.receivedAt).toBe(new Date(receivedAt).toISOString());
    expect(Date.parse(view.openedAt)).toBeGreaterThan(receivedAt);
    const fr = view.sla.firstResponse!;
    expect(fr.startedAt).toBe(view.receivedAt);
    expect(fr.deadlineAt).toBe(new Date(receivedAt + 60_000).toISOString());
    expect(fr.state).toBe('breached');
    expect(view.sla.resolution).toMatchObject({ state: 'running', deadlineAt: new Date(receivedAt + 3_600_000).toISOString() });
    expect(view.sla.resolution!.elapsedSeconds).toBeGreaterThanOrEqual(600);
    // The breach fires at once (no at-risk warning for a window already over), and once.
    expect(await types(input.ticketId)).toEqual(['opened', 'sla_breached', 'escalated', 'escalated', 'escalated']);
    const [opened, breached] = await ticketEvents(ds, input.ticketId);
    expect(opened.data.receivedAt).toBe(view.receivedAt);
    expect(breached.occurredAt.getTime() - Date.parse(view.openedAt)).toBeLessThan(10_000);
    await handle.terminate('test done');
  });

  it('starts the clocks when it opened without a receivedAt (tickets opened before it existed), and never after it opened', async () => {
    const plain = ticketInput({ priority: 'P4' });
    const ahead = ticketInput({ priority: 'P4', receivedAt: new Date(Date.now() + 120_000).toISOString() });
    for (const input of [plain, ahead]) {
      const handle = await start(input);
      const view = await handle.query(statusQuery);
      expect(view.receivedAt).toBe(view.openedAt); // a sender's clock a little ahead counts as now
      expect(view.sla.firstResponse!.startedAt).toBe(view.openedAt);
      await handle.terminate('test done');
    }
  });
});
