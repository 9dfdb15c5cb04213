import { resolve } from 'node:path';
import { temporal } from '@temporalio/proto';
import { readdirSync } from 'node:fs';
import { findUpdateAcceptedBesideResult } from '../../src/temporal/stuck-case';
import { productionWorkflowBundle, savedHistories } from '../support/saved-histories';

const EventType = temporal.api.enums.v1.EventType;

/**
 * Histories that live runs made and this SDK (1.24.0) cannot replay: known problems outside the
 * workflow code (docs/known-problems.md). Each test pins the failure as it is today; when an SDK
 * upgrade makes the history replay, it fails, and the problem (and this test) can go.
 */
describe('known problems: histories the SDK made live and cannot replay', () => {
  it('an update accepted in the task that also took an activity result, after the workflow ran on from it (make bench crash, refund)', async () => {
    const saved = savedHistories(resolve(__dirname, 'known', 'refund-update-beside-result.json'), { bundlePath: productionWorkflowBundle() });
    const [{ workflowId, history }] = saved.histories;
    const events = history.events;
    const at = (id: number) => events.find((e) => Number(e.eventId) === id)!;

    // The shape: the eligibility's record (an activity) completed while the workflow task it woke sat on
    // a killed worker's sticky queue; the agent's answer was sequenced into the next task with
    // that result, and the task's completion holds the workflow's own commands first (the offer
    // published and recorded), then the answer's acceptance, then the answer's commands: the
    // worker had taken the result already, answering the agent's query that had waited on the
    // same dead queue (test/workflows/query-beside-crash.spec.ts makes it happen on purpose).
    const accepted = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'retentionAnswer')!;
    const sequencedAfter = Number(accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequestSequencingEventId);
    expect(at(sequencedAfter).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    expect(at(sequencedAfter - 1).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    expect(at(sequencedAfter - 3).eventType).toBe(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    const taskCompleted = Number(accepted.eventId) - 3;
    expect(at(taskCompleted).eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    expect([at(taskCompleted + 1).eventType, at(taskCompleted + 2).eventType]).toEqual([
      EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
      EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    ]);

    // Replayed, the SDK core puts the answer before the activity's result in one activation (its
    // fixed job order: updates before resolutions), so the handler meets the state before the
    // offer; live it met the offer. The handler refuses the update (handler-refusal.interceptor.ts)
    // where the history has it accepted and run on, and the core says so: the workflow task fails
    // on every attempt. (Before the interceptor, the handler's own error failed it: the message
    // was `cannot decline offer a refund case that is eligibility`.)
    await expect(saved.replay(history, workflowId)).rejects.toThrow(/Nondeterminism error: Update machine does not handle this event: HistoryEvent\(id: 40, UpsertWorkflowSearchAttributes\)/);
  });

  it('make repair-case finds where the stuck refund resets to, and no such point in any saved history that replays', () => {
    const [{ history }] = savedHistories(resolve(__dirname, 'known', 'refund-update-beside-result.json')).histories;
    const found = findUpdateAcceptedBesideResult(history.events);
    // The task that took the record's result and accepted the answer after its own commands; the
    // task failing now is the last event.
    expect(found).toEqual({ update: 'retentionAnswer', acceptedEventId: 42, resetToEventId: 39, failedEventId: Number(history.events.at(-1)!.eventId) });
    // Every fixture the replay suite replays (update-with-start among them: accepted after the
    // first task's commands, and replays), with a failed task appended so that only the shape decides.
    const fixtures = readdirSync(resolve(__dirname, 'fixtures')).filter((f) => f.endsWith('.json'));
    let withUpdates = 0;
    for (const file of fixtures) {
      for (const { workflowId, history: h } of savedHistories(file).histories) {
        if (h.events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)) withUpdates++;
        const failing = [...h.events, { eventId: h.events.length + 1, eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED }] as typeof h.events;
        expect([workflowId, findUpdateAcceptedBesideResult(failing)]).toEqual([workflowId, undefined]);
      }
    }
    expect(withUpdates).toBeGreaterThan(10);
  });
});
