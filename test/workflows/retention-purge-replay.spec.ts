import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { testConfig } from '../support/harness';

/**
 * A retention purge recorded before the access log was purged (it went from the last case batch
 * straight to finishRetentionPurge) must replay on today's code: the access-log step sits behind
 * patched('retention-purge-access-log'). The fixture is that code's history of a run with two
 * ticket batches, with the test payload key it was encrypted under.
 */
describe('retention purge histories from before the access-log purge', () => {
  it('replay without a nondeterminism error', async () => {
    const saved = JSON.parse(readFileSync(resolve(__dirname, '..', 'fixtures', 'histories', 'retention-purge-before-access-log.json'), 'utf8')) as {
      key: string;
      histories: { workflowId: string; history: string }[];
    };
    const config = testConfig({ PAYLOAD_ENCRYPTION_KEY: saved.key });
    expect(saved.histories.length).toBeGreaterThan(0);
    for (const { workflowId, history } of saved.histories) {
      const decoded = temporal.api.history.v1.History.decode(Buffer.from(history, 'base64'));
      const scheduled = decoded.events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      // The old shape: case batches, then the finish — no access-log batch in between.
      expect(scheduled[scheduled.length - 1]).toBe('finishRetentionPurge');
      expect(scheduled).not.toContain('purgeAccessLogBatch');
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE! }, dataConverter: dataConverterFor(config) }, decoded, workflowId);
    }
  });
});
