import { createHash } from 'node:crypto';
import { Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;
const GRPC_NOT_FOUND = 5;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Events a task completion writes for an update: they may come before an acceptance in any task. */
const UPDATE_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
]);

/** Where a case stuck by the known problem of docs/known-problems.md can be reset to. */
export interface UpdateBesideResult {
  /** The update accepted after the workflow's own commands (its name; arguments stay sealed). */
  update: string;
  acceptedEventId: number;
  /** The `WorkflowTaskCompleted` of the task that accepted it: the reset point. */
  resetToEventId: number;
  /** The workflow task failure that shows the case is stuck now. */
  failedEventId: number;
}

/**
 * Finds, in one run's history, the signature of a case stuck by an update accepted beside an
 * activity result (docs/known-problems.md): the case's latest workflow task failed, and a task
 * completion (not the run's first) recorded the workflow's own commands before an update's
 * acceptance. The SDK emits an acceptance before any command of the task it processes, so a
 * completion with commands first means the worker had taken history no task had (a query
 * answered ahead of the task); no replay can follow it. The first task is left out: there an
 * update-with-start is accepted after the commands the workflow's start ran, and replays.
 * Returns the earliest such acceptance (a replay fails there first), or undefined.
 */
export function findUpdateAcceptedBesideResult(events: readonly HistoryEvent[]): UpdateBesideResult | undefined {
  const failed = latestFailedTask(events);
  if (failed === undefined) return undefined;
  let completions = 0;
  let lastCompleted = 0;
  let commandsSinceCompleted = false;
  for (const e of events) {
    const id = Number(e.eventId);
    if (id >= failed) break;
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      completions++;
      lastCompleted = id;
      commandsSinceCompleted = false;
    } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      // An acceptance always follows its own task's completion: what came between is that task's.
      if (commandsSinceCompleted && completions > 1) {
        const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name ?? '(unnamed)';
        return { update, acceptedEventId: id, resetToEventId: lastCompleted, failedEventId: failed };
      }
    } else if (!UPDATE_EVENTS.has(e.eventType ?? 0)) {
      commandsSinceCompleted = true;
    }
  }
  return undefined;
}

/** The latest `WorkflowTaskFailed` when no task completed after it (the case is failing now). */
function latestFailedTask(events: readonly HistoryEvent[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const type = events[i].eventType;
    if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) return undefined;
    if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) return Number(events[i].eventId);
  }
  return undefined;
}

export type RepairOutcome =
  | { outcome: 'not-stuck'; workflowId: string; runId: string }
  /** `runId` was asked about, and the case's current run is another (reset or continued since): nothing done. */
  | { outcome: 'not-current'; workflowId: string; runId: string; currentRunId: string }
  | { outcome: 'stuck-otherwise'; workflowId: string; runId: string; failedEventId: number }
  | ({ outcome: 'found' | 'reset'; workflowId: string; runId: string; newRunId?: string } & UpdateBesideResult);

/**
 * Looks at a case's current run and, if it is stuck by the known problem, says where it can be
 * reset to; with `apply`, resets it there (a new run of the same case, from that task, live).
 * The server reapplies the update after the reset point; the workflow then meets it before the
 * result, as on replay, and its validator refuses it: the person repeats the action once the case
 * shows the state it needs. Every outside effect of the tasks after the point is keyed, so
 * running them again does not repeat them. Reads only event types and update names: no payloads.
 * `runId`: look only if that run is still the case's current one (the worker's watch names the run
 * whose task failed; a run since replaced is not reset again).
 */
export async function repairStuckCase(client: Client, workflowId: string, { apply = false, runId: onlyRun }: { apply?: boolean; runId?: string } = {}): Promise<RepairOutcome> {
  // The raw describe: the SDK's decodes the memo, which this client (no payload key) cannot open.
  const described = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId } }).catch((err: unknown) => {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) throw new WorkflowNotFoundError(err.details, workflowId, undefined);
    throw err;
  });
  const runId = described.workflowExecutionInfo?.execution?.runId ?? '';
  if (onlyRun !== undefined && onlyRun !== runId) return { outcome: 'not-current', workflowId, runId: onlyRun, currentRunId: runId };
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const found = findUpdateAcceptedBesideResult(events);
  if (!found) {
    const failedEventId = latestFailedTask(events);
    return failedEventId === undefined ? { outcome: 'not-stuck', workflowId, runId } : { outcome: 'stuck-otherwise', workflowId, runId, failedEventId };
  }
  if (!apply) return { outcome: 'found', workflowId, runId, ...found };
  // fromObject takes the event ID as a number (the request's int64 field is a Long).
  const request = temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason: `update ${found.update} accepted beside an activity result (docs/known-problems.md)`,
    workflowTaskFinishEventId: found.resetToEventId,
    // The same for every reset of this run at this point: two workers that find the case at once
    // (or a worker and an operator) make one new run; the server answers the second with it.
    requestId: resetRequestId(runId, found.resetToEventId),
    identity: 'caseworks repair-case',
  });
  const reset = await client.workflowService.resetWorkflowExecution(request);
  return { outcome: 'reset', workflowId, runId, newRunId: reset.runId ?? undefined, ...found };
}

/** A UUID-shaped request ID derived from the run and the reset point (ResetWorkflowExecution dedupes on it). */
function resetRequestId(runId: string, resetToEventId: number): string {
  const h = createHash('sha256').update(`caseworks-reset:${runId}:${resetToEventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
