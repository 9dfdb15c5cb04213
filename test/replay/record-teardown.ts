import { resolve } from 'node:path';
import globalTeardown from '../support/global-teardown';
import { testConfig } from '../support/harness';
import { REPLAYED_WORKFLOW_TYPES } from './fixture-format';
import { harvestHistories } from './harvest';

/**
 * The recorder's global teardown (record.jest.config.ts): after the specs ran their scenarios on
 * the dev server, and before it stops, writes test/replay/fixtures/<type>.json from its histories.
 * RECORD_TYPES=ticketWorkflow,incidentWorkflow limits it to those types; RECORD_APPEND=1 keeps the
 * fixtures' histories and adds the new ones.
 */
export default async function recordTeardown(): Promise<void> {
  try {
    const types = (process.env.RECORD_TYPES ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    const unknown = types.filter((t) => !(REPLAYED_WORKFLOW_TYPES as readonly string[]).includes(t));
    if (unknown.length) throw new Error(`RECORD_TYPES: unknown workflow types ${unknown.join(', ')}`);
    await harvestHistories({
      config: testConfig(),
      bundlePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE!,
      outDir: resolve(__dirname, 'fixtures'),
      types,
      append: process.env.RECORD_APPEND === '1',
    });
  } finally {
    await globalTeardown();
  }
}
