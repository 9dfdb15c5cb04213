import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Where a timer-driven action's lateness went, read off its workflow history (event times are the
 * server's). A workflow timer is relative: the duration is computed at the start of the workflow
 * task that sets it, and the server starts counting when that task completes. So the lateness of
 * an action due at `dueAt` and taken in the workflow task that started at `actedAt` splits into:
 * - `armMs`: the timer's own due moment minus `dueAt` — how long the task that set it took to
 *   complete (its start to its TimerStarted);
 * - `fireMs`: TimerFired minus the timer's due moment — the server's timer queue;
 * - `pickupMs`: the acting task's start minus TimerFired — waiting for a worker to take the task;
 * and `armMs + fireMs + pickupMs = actedAt − dueAt`.
 * null when no timer woke that task (the action rode on a task something else started).
 */
export interface TimerLateness {
  armMs: number;
  fireMs: number;
  pickupMs: number;
}

export function timerLateness(events: HistoryEvent[], dueAt: number, actedAt: number): TimerLateness | null {
  const time = (e: HistoryEvent) => tsToMs(e.eventTime);
  const isTaskStart = (e: HistoryEvent) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
  // The task that acted: workflow time is its start (1 ms slack for the timestamp's rounding).
  const acted = events.findIndex((e) => isTaskStart(e) && Math.abs(time(e) - actedAt) <= 1);
  if (acted < 0) return null;
  // The timer that fired since the task before it completed.
  let fired: HistoryEvent | undefined;
  for (let i = acted - 1; i >= 0 && events[i].eventType !== EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED; i--) {
    if (events[i].eventType === EventType.EVENT_TYPE_TIMER_FIRED) fired = events[i];
  }
  if (!fired) return null;
  const startedId = Number(fired.timerFiredEventAttributes?.startedEventId);
  const started = events.find((e) => Number(e.eventId) === startedId);
  const duration = started?.timerStartedEventAttributes?.startToFireTimeout;
  if (!started || !duration) return null;
  const timerDue = time(started) + tsToMs(duration);
  return { armMs: timerDue - dueAt, fireMs: time(fired) - timerDue, pickupMs: time(events[acted]) - time(fired) };
}
