import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Problem } from '../problem/problem';
import { Dependency, unavailableDependency } from './dependency-errors';
import type { RequestBudget } from './request-budget';

/** What a client is told to wait before retrying: outages seen in practice (failover, restart) last seconds. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const NAMES: Record<Dependency, string> = { postgresql: 'PostgreSQL', temporal: 'Temporal' };

/** 503 naming the dependency that could not be reached; the client may retry the same request. */
export function dependencyUnavailable(dependency: Dependency): Problem {
  return new Problem(503, 'dependency-unavailable', 'Dependency unavailable', `${NAMES[dependency]} cannot be reached right now; retry shortly`, {
    dependency,
    retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
  });
}

/**
 * An outage of PostgreSQL or Temporal as its 503, or undefined for any other error. An update
 * call that timed out is a busy case (temporal-busy.ts) unless the request saw Temporal refuse it
 * as unreachable on the way (the SDK retries UNAVAILABLE until the deadline, then reports the timeout).
 */
export function problemFromDependencyOutage(err: unknown, budget?: RequestBudget): Problem | undefined {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return budget?.temporalUnreachable ? dependencyUnavailable('temporal') : undefined;
  const dependency = unavailableDependency(err);
  return dependency ? dependencyUnavailable(dependency) : undefined;
}

/** The request budget ran out before any dependency said what was wrong. */
export function budgetExceeded(budgetMs: number): Problem {
  return new Problem(503, 'request-budget-exceeded', 'Service unavailable', `no answer within the request budget of ${budgetMs} ms; retry shortly`, {
    retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
  });
}
