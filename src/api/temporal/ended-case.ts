import { ApplicationFailure, Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CaseEnd, caseEndOf } from '../../temporal/case-end';
import { Problem } from '../problem/problem';

/**
 * The failure type Temporal's server gives an update that a workflow accepted and then closed
 * (completed, failed, was terminated) before the update's handler finished.
 */
export const UPDATE_OUTLIVED_WORKFLOW = 'AcceptedUpdateCompletedWorkflow';

/** Whether an update failed because its case's workflow is no longer running: not there, or closed under it. */
export function isCaseEnded(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return false;
  return err.cause.type === UPDATE_OUTLIVED_WORKFLOW || /completed before the update completed/i.test(err.cause.message);
}

/** A case view as GET shows it once its workflow ended abnormally: `ended` added, the status field saying how. */
export type EndedView<V> = V & { ended: CaseEnd };

/**
 * One shape for every case kind: the last recorded view, its status (`status` or `state`, as the
 * kind names it) replaced by how the workflow ended — the recorded one is no longer true, the case
 * takes no more actions — and `ended: { how, reason, at, runId }`.
 */
export function markEnded<V extends object>(view: V, statusField: keyof V & string, end: CaseEnd): EndedView<V> {
  return { ...view, [statusField]: end.how, ended: end };
}

/**
 * GET of a case whose workflow ended abnormally: the read model's last record, marked ended.
 * Undefined when the workflow runs, ended normally or continued as new (the caller reads as
 * usual), and when nothing was recorded before it ended (the caller's own read answers then).
 */
export async function endedCaseView<V extends object>(
  temporal: Client,
  workflowId: string,
  statusField: keyof V & string,
  recorded: () => Promise<V | undefined>,
): Promise<EndedView<V> | undefined> {
  const end = await caseEndOf(temporal, workflowId);
  if (!end) return undefined;
  const view = await recorded();
  return view ? markEnded(view, statusField, end) : undefined;
}

/** An action on a case whose workflow ended abnormally: 410, naming how and why it ended. */
export function caseGone(what: string, workflowId: string, end: CaseEnd, extensions: Record<string, unknown> = {}): Problem {
  const how = end.how.replace('_', ' ');
  const why = end.reason ? ` (${end.reason})` : '';
  return new Problem(410, 'case-gone', 'Case gone', `${what} ${workflowId} has stopped: its workflow was ${how}${why}; no action can be taken on it`, {
    state: end.how,
    ended: end,
    ...extensions,
  });
}

/**
 * The answer to an action on a case whose workflow is no longer running (see isCaseEnded): a 410
 * when it stopped abnormally (terminated by the server's limits or an operator, timed out, failed,
 * cancelled) — its last snapshot's state is not what the case is in — else a 409 naming the final
 * state the read model recorded (closed, resolved, decided), or a 404 when there is no such case at
 * all. One mapping for every case kind's update path.
 */
export async function endedCaseProblem(
  temporal: Client,
  what: string,
  workflowId: string,
  recordedState: () => Promise<string | undefined>,
  extensions: Record<string, unknown> = {},
): Promise<Problem> {
  const end = await caseEndOf(temporal, workflowId);
  if (end) return caseGone(what, workflowId, end, extensions);
  const state = await recordedState();
  if (state === undefined) return Problem.notFound(what, workflowId);
  return Problem.conflict('invalid-transition', `${what} case is ${state}`, { state, ...extensions });
}
