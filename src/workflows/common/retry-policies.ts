import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * How long each kind of activity may be retried: no activity retries forever. A permanent error
 * (a record PostgreSQL refuses, card data, a rejected page or payment) fails at once anyway
 * (src/activities/permanent-failure.ts); these bounds are for transient ones.
 */

/**
 * A read-model write (snapshot + keyed event): 10 attempts, backing off to 30 s, about 2.5 minutes
 * in all. Past that the database is not coming back soon: the case is flagged (needs-attention.ts)
 * and goes on running, rather than holding its workflow task (a local activity) or a handler open.
 */
export const READ_MODEL_WRITE: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
};

/**
 * A message to people (notification, customer communication, CRM update) or a read of an outside
 * service: a receiver may be down for hours, and the message is keyed, so it is retried for a day.
 */
export const OUTSIDE_SERVICE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
};

/**
 * A CRM lookup for a ticket opened while the CRM was down: asked again, backing off to two
 * minutes, for a day; then the ticket stays on its entry plan and says so.
 */
export const CRM_LOOKUP: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', maximumInterval: '2 minutes' },
};

/** A page: the same dedup key every time, retried for a day; the pager's own refusal is final. */
export const PAGE: ActivityOptions = {
  startToCloseTimeout: '12 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', maximumInterval: '20 seconds', nonRetryableErrorTypes: ['PagingRejectedError'] },
};

/** Options with the given error types made final (a gateway's or pager's own refusal). */
export function finalOn(options: ActivityOptions, nonRetryableErrorTypes: string[]): ActivityOptions {
  return { ...options, retry: { ...options.retry, nonRetryableErrorTypes: [...(options.retry?.nonRetryableErrorTypes ?? []), ...nonRetryableErrorTypes] } };
}
