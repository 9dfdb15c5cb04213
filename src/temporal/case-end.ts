import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription, type WorkflowExecutionStatusName } from '@temporalio/client';

/**
 * How a case's workflow stopped without finishing its own course: the server's limits or an
 * operator terminated it, its execution timeout passed, its code failed, or it was cancelled.
 * A run that completed is a case that ended normally (closed, resolved, decided); a run that
 * continued as new is not ended at all (its next run carries the case).
 */
export type CaseEndHow = 'terminated' | 'failed' | 'timed_out' | 'cancelled';

/** What every case kind shows once its workflow ended abnormally (GET `ended`, 410 `ended`, the operations notification). */
export interface CaseEnd {
  how: CaseEndHow;
  /**
   * The termination reason, or the failure's message: operator or server text (e.g. "Workflow
   * history size exceeds limit."), never customer data. Null when Temporal records none (a timeout,
   * a cancellation).
   */
  reason: string | null;
  /** When the run closed (ISO 8601). */
  at: string | null;
  /** The run that ended: the case's workflow ID names the case, the run the one execution. */
  runId: string;
}

const ABNORMAL: Partial<Record<WorkflowExecutionStatusName, CaseEndHow>> = {
  TERMINATED: 'terminated',
  FAILED: 'failed',
  TIMED_OUT: 'timed_out',
  CANCELLED: 'cancelled',
};

/** Visibility's names of the same statuses (ExecutionStatus in a list query). */
export const ABNORMAL_EXECUTION_STATUSES: Record<string, CaseEndHow> = {
  Terminated: 'terminated',
  Failed: 'failed',
  TimedOut: 'timed_out',
  Canceled: 'cancelled',
};

export function abnormalEndOf(status: WorkflowExecutionStatusName): CaseEndHow | undefined {
  return ABNORMAL[status];
}

/** Operator text is shown as given, but bounded and on one line. */
const MAX_REASON = 300;

/**
 * The reason a closed run gives for its end, read from its last history event only (history is
 * read backwards, one event: a run terminated for its history size is not read whole).
 */
export async function closeReasonOf(client: Client, workflowId: string, runId: string): Promise<string | null> {
  const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const last = history?.events?.[0];
  const text = last?.workflowExecutionTerminatedEventAttributes?.reason ?? last?.workflowExecutionFailedEventAttributes?.failure?.message ?? null;
  if (!text) return null;
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
}

/** The abnormal end of a described run, or undefined when it runs, completed or continued as new. */
export async function caseEndFrom(client: Client, described: WorkflowExecutionDescription): Promise<CaseEnd | undefined> {
  const how = abnormalEndOf(described.status.name);
  if (!how) return undefined;
  return {
    how,
    reason: await closeReasonOf(client, described.workflowId, described.runId),
    at: described.closeTime ? described.closeTime.toISOString() : null,
    runId: described.runId,
  };
}

/**
 * The abnormal end of a case's workflow, by workflow ID. Described without a run ID, so this is
 * the latest run: a case that continued as new is judged by the run that carries it now.
 * Undefined when the case runs, ended normally, or Temporal does not know it (past retention).
 */
export async function caseEndOf(client: Client, workflowId: string): Promise<CaseEnd | undefined> {
  let described: WorkflowExecutionDescription;
  try {
    described = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  return caseEndFrom(client, described);
}
