import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { ticketWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { localActivityMarker, localActivityType } from '../replay/history-features';
import { useWorkerStack } from '../support/harness';
import { ticketEvents, ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * A clock's notification is tried once, locally, in the task that fired the clock (issue 17:
 * no activity task on the common path). When the receiver refuses that try, the regular activity
 * takes over and retries on the server: the person is told once, and the refusals add nothing to
 * the ticket's history but the one failed try's marker. When the receiver is slow, the task is
 * held as long; the breach is still not late by it, because the timer the task arms next counts
 * from the send's end (sdk-core moves workflow time to a local activity's completion when it
 * resolves it), not from the task's start.
 */
describe('a ticket\'s clock notifications while the receiver refuses or is slow, on the real dev server', () => {
  const stack = useWorkerStack(({ notify }) => ({ NOTIFY_WEBHOOK_URL: notify.url }), { label: 'notify-outage', fakes: { notify: startNotifyWebhookFake } });

  const sendMarkers = (events: HistoryEvent[]) => events.filter((e) => localActivityType(e.markerRecordedEventAttributes) === 'sendNotification');
  const regularSends = (events: HistoryEvent[]) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotification');

  it('the at-risk warning refused twice: one failed local try, then one regular activity delivers it once; the breach\'s step is sent locally', async () => {
    const { notify } = stack.fakes;
    // At risk at 75 % (6 s), breached at 8 s: the warning's retries are over well before.
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 8_000, resolution: 3_600_000 });
    const atRiskKey = `${input.ticketId}:firstResponse:c1:at-risk`;
    const stepZeroKey = `${input.ticketId}:firstResponse:c1:escalation:0`;
    // The local try and the regular activity's first attempt are refused; its second is taken.
    notify.failNext(2, 503, atRiskKey);
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });

    await waitFor(() => notify.deliveries.has(atRiskKey) && notify.deliveries.has(stepZeroKey), { what: 'the warning and escalation step 0 at the receiver', timeoutMs: 60_000 });
    const events = await waitFor(async () => {
      const all = (await handle.fetchHistory()).events ?? [];
      const completed = regularSends(all).length === 1 && all.some((e) => e.activityTaskCompletedEventAttributes);
      return completed && sendMarkers(all).length >= 2 ? all : undefined;
    }, { what: 'the regular send completed and step 0\'s marker in history' });

    // Told once each (a repeat under the same key would count here).
    expect(notify.deliveries.get(atRiskKey)).toBe(1);
    expect(notify.deliveries.get(stepZeroKey)).toBe(1);
    // The warning's local try failed and left one marker; step 0's succeeded.
    const [warningTry, stepZeroSend] = sendMarkers(events);
    expect(warningTry.markerRecordedEventAttributes!.failure).toBeTruthy();
    expect(stepZeroSend.markerRecordedEventAttributes!.failure).toBeFalsy();
    // One regular activity for the warning, which took two attempts (its retries are the server's, not history's).
    const [scheduled] = regularSends(events);
    const started = events.find((e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId) === Number(scheduled.eventId));
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
    expect(Number(scheduled.eventId)).toBeGreaterThan(Number(warningTry.eventId));
    // The record of each step once, and the notification rows once.
    const types = (await ticketEvents(stack.ds, input.ticketId)).map((e) => e.type);
    expect(types.filter((t) => t === 'sla_at_risk')).toHaveLength(1);
    expect(types.filter((t) => t === 'sla_breached')).toHaveLength(1);
    const rows = (await stack.ds.query(`SELECT key FROM notifications WHERE key = ANY($1) ORDER BY key`, [[atRiskKey, stepZeroKey]])) as { key: string }[];
    expect(rows.map((r) => r.key)).toEqual([atRiskKey, stepZeroKey].sort());
    expect((await handle.query(statusQuery)).slaBreached).toBe(true);
    await handle.terminate('test done');
  });

  it('a slow receiver: the breach\'s timer, armed in the warning\'s task, counts from the send\'s end, not the task\'s start', async () => {
    const { notify } = stack.fakes;
    const input = ticketInput({ priority: 'P2' }, { firstResponse: 8_000, resolution: 3_600_000 });
    const atRiskKey = `${input.ticketId}:firstResponse:c1:at-risk`;
    // Within the local try's 5 s: the send succeeds in the task, 2 s after it began.
    notify.slow(atRiskKey, 2_000);
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
    const deadline = Date.parse((await handle.query(statusQuery)).sla.firstResponse!.deadlineAt!);

    const events = await waitFor(async () => {
      const all = (await handle.fetchHistory()).events ?? [];
      return sendMarkers(all).length >= 1 && all.some((e) => e.timerStartedEventAttributes && Number(e.eventId) > Number(sendMarkers(all)[0].eventId)) ? all : undefined;
    }, { what: 'the warning sent and the next timer armed', timeoutMs: 60_000 });
    const [warning] = sendMarkers(events);
    const taskCompleted = Number(warning.markerRecordedEventAttributes!.workflowTaskCompletedEventId);
    const taskStarted = events.find((e) => Number(e.eventId) === Number(events.find((c) => Number(c.eventId) === taskCompleted)!.workflowTaskCompletedEventAttributes!.startedEventId))!;
    const breachTimer = events.find((e) => e.timerStartedEventAttributes && Number(e.timerStartedEventAttributes.workflowTaskCompletedEventId) === taskCompleted)!;
    // When sdk-core saw the send end (the marker's complete_time).
    const sentAt = localActivityMarker(warning.markerRecordedEventAttributes)!.completedAt!;
    // The send held the warning's task for its 2 s: counted from the task's start, the timer would fire that late.
    expect(sentAt - tsToMs(taskStarted.eventTime)).toBeGreaterThanOrEqual(1_900);
    // It is counted from when the send ended: the workflow's clock moved to the local activity's completion.
    const armedFor = tsToMs(breachTimer.timerStartedEventAttributes!.startToFireTimeout);
    expect(Math.abs(armedFor - (deadline - sentAt))).toBeLessThan(500);
    await waitFor(async () => (await ticketEvents(stack.ds, input.ticketId)).some((e) => e.type === 'sla_breached'), { what: 'the breach' });
    await handle.terminate('test done');
  });
});
