import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { testConfig } from '../support/harness';

/**
 * An incident opened by the code before continue-as-new (commit 5500fc6: every note in the view,
 * a search-attribute upsert per action, bare handlers) must replay on today's code: the changes
 * that alter commands sit behind patched('case-continue-as-new') and patched('incident-lean-records').
 * The fixture is that code's history of a P1 (concurrent notes, two pages, acknowledge, link,
 * mitigate, resolve, more notes), with the test payload key it was encrypted under.
 */
describe('incident histories from before continue-as-new', () => {
  it('replay without a nondeterminism error', async () => {
    const saved = JSON.parse(readFileSync(resolve(__dirname, '..', 'fixtures', 'histories', 'incident-before-continue-as-new.json'), 'utf8')) as {
      key: string;
      histories: { workflowId: string; history: string }[];
    };
    const config = testConfig({ PAYLOAD_ENCRYPTION_KEY: saved.key });
    expect(saved.histories.length).toBeGreaterThan(0);
    for (const { workflowId, history } of saved.histories) {
      const decoded = temporal.api.history.v1.History.decode(Buffer.from(history, 'base64'));
      expect(decoded.events.length).toBeGreaterThan(100);
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE! }, dataConverter: dataConverterFor(config) }, decoded, workflowId);
    }
  });
});
