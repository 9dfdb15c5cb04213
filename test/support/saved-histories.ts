import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { testConfig } from './harness';

type History = temporal.api.history.v1.History;

/**
 * A history fixture (test/fixtures/histories/<file>): histories recorded by older code, with the
 * test payload key they were encrypted under, and how to replay one on today's workflow bundle
 * (throws on a nondeterminism error).
 */
export function savedHistories(file: string): { histories: { workflowId: string; history: History }[]; replay(history: History, workflowId: string): Promise<void> } {
  const saved = JSON.parse(readFileSync(resolve(__dirname, '..', 'fixtures', 'histories', file), 'utf8')) as {
    key: string;
    histories: { workflowId: string; history: string }[];
  };
  const dataConverter = dataConverterFor(testConfig({ PAYLOAD_ENCRYPTION_KEY: saved.key }));
  return {
    histories: saved.histories.map(({ workflowId, history }) => ({ workflowId, history: temporal.api.history.v1.History.decode(Buffer.from(history, 'base64')) })),
    replay: (history, workflowId) => Worker.runReplayHistory({ workflowBundle: { codePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE! }, dataConverter }, history, workflowId),
  };
}
