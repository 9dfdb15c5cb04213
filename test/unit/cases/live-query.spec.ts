import { Logger } from '@nestjs/common';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
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
