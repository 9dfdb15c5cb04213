import { savedHistories } from '../support/saved-histories';

/**
 * A retention purge recorded before the access log was purged (it went from the last case batch
 * straight to finishRetentionPurge) must replay on today's code: the access-log step sits behind
 * patched('retention-purge-access-log'). The fixture is that code's history of a run with two
 * ticket batches, with the test payload key it was encrypted under.
 */
describe('retention purge histories from before the access-log purge', () => {
  it('replay without a nondeterminism error', async () => {
    const { histories, replay } = savedHistories('retention-purge-before-access-log.json');
    expect(histories.length).toBeGreaterThan(0);
    for (const { workflowId, history: decoded } of histories) {
      const scheduled = decoded.events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      // The old shape: case batches, then the finish — no access-log batch in between.
      expect(scheduled[scheduled.length - 1]).toBe('finishRetentionPurge');
      expect(scheduled).not.toContain('purgeAccessLogBatch');
      await replay(decoded, workflowId);
    }
  });
});
