import { msNumberToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { timerLateness } from '../../../bench/harness/timer-lateness';

const T = temporal.api.enums.v1.EventType;
const at = (ms: number) => msNumberToTs(ms);
type EventFields = { eventId: number; eventType: number; eventTime: ReturnType<typeof at> } & Record<string, unknown>;
/** Events as the server sends them (ids are Longs): from plain fields. */
const events = (...fields: EventFields[]) => fields.map((f) => temporal.api.history.v1.HistoryEvent.fromObject(f));

/** A ticket's history: a task at 1,000 sets a 10 s timer (the task completes at 1,300), the timer fires at 11,500, a task starts at 12,100. */
function history(): temporal.api.history.v1.IHistoryEvent[] {
  return events(
    { eventId: 1, eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, eventTime: at(900) },
    { eventId: 2, eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, eventTime: at(900) },
    { eventId: 3, eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED, eventTime: at(1_000) },
    { eventId: 4, eventType: T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, eventTime: at(1_300) },
    { eventId: 5, eventType: T.EVENT_TYPE_TIMER_STARTED, eventTime: at(1_300), timerStartedEventAttributes: { timerId: '1', startToFireTimeout: at(10_000) } },
    { eventId: 6, eventType: T.EVENT_TYPE_TIMER_FIRED, eventTime: at(11_500), timerFiredEventAttributes: { timerId: '1', startedEventId: 5 } },
    { eventId: 7, eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, eventTime: at(11_500) },
    { eventId: 8, eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED, eventTime: at(12_100) },
  );
}

describe('timerLateness (bench: where a timer-driven action was late)', () => {
  it('splits the lateness into arming, the server timer and the worker pickup, summing to the whole', () => {
    // Due at 11,000 (the task at 1,000 asked for 10 s); acted at 12,100.
    const parts = timerLateness(history(), 11_000, 12_100);
    expect(parts).toEqual({ armMs: 300, fireMs: 200, pickupMs: 600 });
    expect(parts!.armMs + parts!.fireMs + parts!.pickupMs).toBe(12_100 - 11_000);
  });

  it('answers null when no timer woke the acting task, or no task started at that moment', () => {
    const noTimer = history().filter((e) => e.eventType !== T.EVENT_TYPE_TIMER_FIRED);
    expect(timerLateness(noTimer, 11_000, 12_100)).toBeNull();
    expect(timerLateness(history(), 11_000, 12_500)).toBeNull();
  });

  it('does not charge a timer that fired before the previous task completed to the next task', () => {
    // The timer fired, a task ran on it and completed; a later task (an activity's result) is the one asked about.
    const later = history().concat(events(
      { eventId: 9, eventType: T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, eventTime: at(12_200) },
      { eventId: 10, eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, eventTime: at(12_400) },
      { eventId: 11, eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED, eventTime: at(12_450) },
    ));
    expect(timerLateness(later, 11_000, 12_450)).toBeNull();
  });
});
