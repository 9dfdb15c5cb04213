import { ApplicationFailure, CancelledFailure, msToNumber } from '@temporalio/common';
import type { RetryPolicy } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { Runtime } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { labelValue } from './case-event-metrics';
import { workerMetrics } from './worker-metrics';

export type AttemptOutcome = 'completed' | 'failed' | 'retrying';

/**
 * Counts each activity attempt by type and outcome (caseworks_activity_attempts_total):
 * `completed`, `retrying` (Temporal will run it again) or `failed` (the last attempt, a
 * non-retryable error, or cancelled). Helper B composes it into the worker's interceptors.
 */
export const activityAttemptsInterceptor: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const counter = workerMetrics(() => Runtime.instance().metricMeter).activityAttempts;
      const activityType = labelValue(ctx.info.activityType);
      try {
        const result = await next(input);
        counter.add(1, { activity_type: activityType, outcome: 'completed' });
        return result;
      } catch (err) {
        counter.add(1, { activity_type: activityType, outcome: attemptOutcome(ctx.info, err, Date.now()) });
        throw err;
      }
    },
  },
});

/**
 * Whether the server will retry an attempt that threw `err`: the same rules it applies (the
 * retry policy's attempts and non-retryable types, a non-retryable failure, the schedule-to-close
 * budget left for the next backoff). An activity without a retry policy in its info is retried.
 */
export function attemptOutcome(info: Pick<Info, 'attempt' | 'retryPolicy' | 'scheduledTimestampMs' | 'scheduleToCloseTimeoutMs'>, err: unknown, now: number): AttemptOutcome {
  if (err instanceof CancelledFailure) return 'failed';
  if (err instanceof ApplicationFailure && err.nonRetryable) return 'failed';
  const policy: RetryPolicy = info.retryPolicy ?? {};
  // The type the SDK reports a thrown error by (ensureApplicationFailure: its class name).
  const type = err instanceof ApplicationFailure ? err.type : err instanceof Error ? (err.constructor?.name ?? err.name) : undefined;
  if (type && policy.nonRetryableErrorTypes?.includes(type)) return 'failed';
  if (policy.maximumAttempts && policy.maximumAttempts > 0 && info.attempt >= policy.maximumAttempts) return 'failed';
  if (info.scheduleToCloseTimeoutMs > 0 && now + nextBackoffMs(policy, info.attempt) >= info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs) return 'failed';
  return 'retrying';
}

/** The wait before the next attempt, per Temporal's defaults (1 s, ×2, capped at 100 × initial). */
function nextBackoffMs(policy: RetryPolicy, attempt: number): number {
  const initial = policy.initialInterval === undefined ? 1000 : msToNumber(policy.initialInterval);
  const coefficient = policy.backoffCoefficient ?? 2;
  const cap = policy.maximumInterval === undefined ? initial * 100 : msToNumber(policy.maximumInterval);
  return Math.min(cap, initial * coefficient ** Math.max(0, attempt - 1));
}
