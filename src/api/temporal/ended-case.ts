import { ApplicationFailure, Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
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

/** How a closed workflow that did not finish its own course ended: the case's state is that, whatever the read model last said. */
const STOPPED: Partial<Record<string, string>> = { FAILED: 'failed', TERMINATED: 'terminated', TIMED_OUT: 'timed_out', CANCELLED: 'cancelled' };

/**
 * The answer to an action on a case whose workflow is no longer running (see isCaseEnded): a 409
 * naming the state the case is really in — the workflow's own end when it stopped abnormally (a
 * failed dispute is `failed`, not the `evidence_staged` its last snapshot says), else the final
 * state the read model recorded — or a 404 when there is no such case at all. One mapping for
 * every case kind's update path.
 */
export async function endedCaseProblem(
  temporal: Client,
  what: string,
  workflowId: string,
  recordedState: () => Promise<string | undefined>,
  extensions: Record<string, unknown> = {},
): Promise<Problem> {
  let stopped: string | undefined;
  try {
    stopped = STOPPED[(await temporal.workflow.getHandle(workflowId).describe()).status.name];
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  if (stopped) {
    return Problem.conflict('case-stopped', `${what} ${workflowId} has stopped (its workflow ${stopped.replace('_', ' ')}); no action can be taken on it`, { state: stopped, ...extensions });
  }
  const state = await recordedState();
  if (state === undefined) return Problem.notFound(what, workflowId);
  return Problem.conflict('invalid-transition', `${what} case is ${state}`, { state, ...extensions });
}
