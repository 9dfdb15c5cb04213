import { Logger } from '@nestjs/common';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { unavailableDependency } from '../resilience/dependency-errors';
import { TIMED_OUT, withDeadline } from '../temporal/with-timeout';
import type { RecentlyFailedReads } from './failed-reads';

/** Why a read was answered from the read model instead of the running workflow. */
export type FallbackReason = 'timeout' | 'not-found' | 'temporal-unavailable' | 'query-failed';

/**
 * The reason a failed query may fall back to the read model, or undefined when it may not: a
 * workflow past retention (not found), a Temporal that cannot be reached, or a worker that failed
 * to answer (the server's QueryFailed, which the SDK reports as QueryNotRegisteredError: e.g. an
 * erased case, whose answer can no longer be sealed under its destroyed key). Any other failure —
 * a payload this process cannot decode, a refused call, a bug here — is rethrown, not hidden
 * behind a stale answer.
 */
export function fallbackReasonOf(err: unknown): FallbackReason | undefined {
  if (err instanceof WorkflowNotFoundError) return 'not-found';
  if (err instanceof QueryNotRegisteredError) return 'query-failed';
  if (unavailableDependency(err) === 'temporal') return 'temporal-unavailable';
  return undefined;
}

/**
 * A running case's own answer, or undefined when it cannot give one within `timeoutMs`, is past
 * retention or Temporal is unreachable: the caller then reads the read model, which holds the
 * state as of the last transition. Each fallback is logged with the case ID and the reason
 * (never the view: it holds personal data), so a worker that stops answering shows in the logs.
 * A query past its time is cancelled, not left waiting (withDeadline says why that matters).
 * With `failedReads`, a case whose workflow failed a read is not asked again for a while
 * (failed-reads.ts says why).
 */
export async function queryOrFallBack<T>(
  logger: Logger,
  kind: string,
  workflowId: string,
  query: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  failedReads?: RecentlyFailedReads,
): Promise<T | undefined> {
  if (failedReads?.isHeld(workflowId)) {
    logger.debug(`${kind} ${workflowId}: read from the read model (its workflow failed a read moments ago)`);
    return undefined;
  }
  try {
    const answer = await withDeadline(query, timeoutMs);
    if (answer !== TIMED_OUT) return answer;
    logger.warn(`${kind} ${workflowId}: read from the read model (timeout: no answer from the workflow within ${timeoutMs} ms)`);
    return undefined;
  } catch (err) {
    const reason = fallbackReasonOf(err);
    if (reason === undefined) throw err;
    if (reason === 'query-failed') failedReads?.remember(workflowId);
    logger.warn(`${kind} ${workflowId}: read from the read model (${reason})`);
    return undefined;
  }
}
