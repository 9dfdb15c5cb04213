import { Logger } from '@nestjs/common';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { RecentlyFailedReads } from '../../../src/api/cases/failed-reads';
import { fallbackReasonOf, queryOrFallBack } from '../../../src/api/cases/live-query';

describe('which failed case queries fall back to the read model', () => {
  it.each([
    ['no such workflow (past retention)', new WorkflowNotFoundError('workflow not found', 'ticket-x', undefined), 'not-found'],
    ["the worker failed the query (the server's QueryFailed)", new QueryNotRegisteredError('query failed', 3), 'query-failed'],
  ])('%s: falls back', (_what, err, reason) => {
    expect(fallbackReasonOf(err)).toBe(reason);
  });

  it('any other failure is rethrown, not hidden behind a stale answer', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const bug = new TypeError('cannot read properties of undefined');
    await expect(queryOrFallBack(logger, 'ticket', 'ticket-x', () => Promise.reject(bug), 1_000)).rejects.toBe(bug);
    expect(warn).not.toHaveBeenCalled();
  });

  it('a fallback is logged with the case ID and the reason', async () => {
    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const answer = await queryOrFallBack(logger, 'refund', 'refund-abc', () => Promise.reject(new QueryNotRegisteredError('query failed', 3)), 1_000);
    expect(answer).toBeUndefined();
    expect(warn).toHaveBeenCalledWith('refund refund-abc: read from the read model (query-failed)');
  });
});

describe('a case whose workflow failed a read is read from the read model for a while, without asking it', () => {
  const failed = () => Promise.reject(new QueryNotRegisteredError('query failed', 3));

  it('the next read within the hold does not ask the workflow; after it, the workflow is asked again', async () => {
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const clock = { now: 0 };
    const reads = new RecentlyFailedReads(60_000, 100, () => clock.now);
    let asked = 0;
    const query = () => (asked++, failed());
    await expect(queryOrFallBack(logger, 'refund', 'refund-1', query, 1_000, reads)).resolves.toBeUndefined();
    clock.now = 59_999;
    await expect(queryOrFallBack(logger, 'refund', 'refund-1', query, 1_000, reads)).resolves.toBeUndefined();
    expect(asked).toBe(1);
    // Another case is asked as usual.
    await expect(queryOrFallBack(logger, 'refund', 'refund-2', () => Promise.resolve('live'), 1_000, reads)).resolves.toBe('live');
    clock.now = 60_000;
    await expect(queryOrFallBack(logger, 'refund', 'refund-1', () => Promise.resolve('repaired'), 1_000, reads)).resolves.toBe('repaired');
  });

  it('only a failed read is held: a timeout, a case past retention or an unreachable Temporal are asked again at once', async () => {
    const logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const reads = new RecentlyFailedReads();
    await queryOrFallBack(logger, 'ticket', 'ticket-1', () => Promise.reject(new WorkflowNotFoundError('workflow not found', 'ticket-1', undefined)), 1_000, reads);
    await queryOrFallBack(logger, 'ticket', 'ticket-2', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), 1, reads);
    expect([reads.isHeld('ticket-1'), reads.isHeld('ticket-2')]).toEqual([false, false]);
  });

  it('holds at most `max` cases, the oldest failure let go first; a new failure of a held case renews its hold', () => {
    const clock = { now: 0 };
    const reads = new RecentlyFailedReads(1_000, 2, () => clock.now);
    reads.remember('a');
    reads.remember('b');
    clock.now = 500;
    reads.remember('a'); // renewed, and now the newest
    reads.remember('c'); // b goes
    expect(['a', 'b', 'c'].map((id) => reads.isHeld(id))).toEqual([true, false, true]);
    clock.now = 1_400;
    expect(['a', 'c'].map((id) => reads.isHeld(id))).toEqual([true, true]);
    clock.now = 1_500;
    expect(['a', 'c'].map((id) => reads.isHeld(id))).toEqual([false, false]);
  });
});
