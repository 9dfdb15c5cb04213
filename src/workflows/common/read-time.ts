import { defineQuery } from '@temporalio/workflow';

/**
 * When a status query was asked. Inside a workflow, Date.now() is the time of its last workflow
 * task, so a case nobody touched for five minutes would answer with clocks five minutes old; the
 * API passes the moment of its read and the view's remaining and elapsed times are computed for
 * it (from the clocks' ledger and the calendar the case holds).
 */
export interface ReadAt {
  /** Epoch ms of the read (the API's clock). */
  at: number;
}

/**
 * The instant a view is computed for: the read's, never earlier than the workflow's own time (a
 * clock behind the worker's would show time running backwards). A query without it (the Temporal
 * UI's, a client's from before) answers as of the last workflow task, as before.
 */
export function readTime(read: ReadAt | undefined): number {
  const workflowNow = Date.now();
  const at = read?.at;
  return typeof at === 'number' && Number.isFinite(at) && at > workflowNow ? at : workflowNow;
}

/** A case's status query: its view, computed for the moment of the read when the caller says when that is. */
export function defineStatusQuery<V>() {
  return defineQuery<V, [ReadAt?]>('status');
}
