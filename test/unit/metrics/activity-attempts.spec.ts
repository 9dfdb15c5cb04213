import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { attemptOutcome } from '../../../src/observability/metrics/activity-attempts';

class PagingRejectedError extends Error {}

const NOW = Date.parse('2026-03-02T10:00:00Z');
const info = (attempt: number, retryPolicy: Parameters<typeof attemptOutcome>[0]['retryPolicy'] = {}, scheduleToCloseTimeoutMs = 0) => ({
  attempt,
  retryPolicy,
  scheduledTimestampMs: NOW - 10_000,
  scheduleToCloseTimeoutMs,
});

describe('attemptOutcome: will Temporal run a failed attempt again?', () => {
  it('retries an ordinary error while attempts remain', () => {
    expect(attemptOutcome(info(1), new Error('503'), NOW)).toBe('retrying');
    expect(attemptOutcome(info(2, { maximumAttempts: 3 }), new Error('503'), NOW)).toBe('retrying');
  });

  it('fails on the last attempt', () => {
    expect(attemptOutcome(info(3, { maximumAttempts: 3 }), new Error('503'), NOW)).toBe('failed');
  });

  it('fails a non-retryable failure, an error type the policy names, and a cancellation', () => {
    expect(attemptOutcome(info(1), ApplicationFailure.nonRetryable('refused'), NOW)).toBe('failed');
    expect(attemptOutcome(info(1, { nonRetryableErrorTypes: ['PagingRejectedError'] }), new PagingRejectedError('bad event'), NOW)).toBe('failed');
    expect(attemptOutcome(info(1, { nonRetryableErrorTypes: ['GatewayRejectedError'] }), ApplicationFailure.create({ type: 'GatewayRejectedError', message: 'x' }), NOW)).toBe('failed');
    expect(attemptOutcome(info(1), new CancelledFailure('cancelled'), NOW)).toBe('failed');
  });

  it('fails when the next backoff would pass the schedule-to-close budget', () => {
    // Scheduled 10 s ago with 12 s to close: the 4th attempt's backoff (1 s × 2³ = 8 s) would end past it.
    expect(attemptOutcome(info(4, { initialInterval: '1 second' }, 12_000), new Error('503'), NOW)).toBe('failed');
    expect(attemptOutcome(info(1, { initialInterval: '1 second' }, 12_000), new Error('503'), NOW)).toBe('retrying');
  });
});
