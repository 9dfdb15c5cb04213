import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { StuckCaseCheckOutcome, StuckCaseWatch, StuckCaseWatchOptions } from '../../src/temporal/stuck-case-watch';
import { capturedLog } from '../support/captured-log';
import { testConfig, uniqueTaskQueue } from '../support/harness';
import { waitFor } from '../support/wait-for';

/**
 * The worker's stuck-case watch against the real server: which failures it looks at, and how
 * often. (It finding and resetting a stuck case, wired into a worker's runtime, is in
 * query-beside-crash.spec.ts.) The case here is a workflow no worker runs: its history has no
 * failed task, so each look answers `not-stuck` and resets nothing.
 */
describe('StuckCaseWatch', () => {
  const config = testConfig();
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  function watching(options: Partial<StuckCaseWatchOptions>, now: () => number = Date.now) {
    const { logger, lines } = capturedLog();
    const counted: StuckCaseCheckOutcome[] = [];
    const watch = new StuckCaseWatch(client, logger, { mode: 'reset', delayMs: 0, cooldownMs: 60_000, counted: (o) => counted.push(o), ...options }, now);
    return { watch, lines, counted, looks: () => lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('stuck-case check')) };
  }

  async function idleCase() {
    const taskQueue = uniqueTaskQueue('stuck-watch');
    const h = await client.workflow.start('noWorkerRunsThis', { taskQueue, workflowId: `stuck-watch-${taskQueue}` });
    return { h, runId: h.firstExecutionRunId };
  }

  it('looks at a run once however often its task fails within the cooldown, and again after it; a healthy case is not reset', async () => {
    let now = 1_000_000;
    const { watch, looks, counted } = watching({ cooldownMs: 60_000 }, () => now);
    const { h, runId } = await idleCase();
    try {
      watch.taskFailed(runId);
      watch.taskFailed(runId);
      now += 59_000;
      watch.taskFailed(runId);
      await waitFor(() => looks().length >= 1, { what: 'the first look' });
      now += 2_000; // past the cooldown of the first failure
      watch.taskFailed(runId);
      // Looks run one at a time, in order: once a marker's look noticed last is logged, every look before it is too.
      const marker = randomUUID();
      watch.taskFailed(marker);
      await waitFor(() => looks().some((l) => l.runId === marker), { what: "the marker's look" });
      expect(looks()).toEqual([
        expect.objectContaining({ caseId: h.workflowId, runId, outcome: 'not-stuck', msg: 'stuck-case check: nothing to do' }),
        expect.objectContaining({ caseId: h.workflowId, runId, outcome: 'not-stuck' }),
        expect.objectContaining({ runId: marker, msg: 'stuck-case check: no case found for this run' }),
      ]);
      // What the worker's caseworks_stuck_case_checks_total counts.
      expect(counted).toEqual(['not-stuck', 'not-stuck', 'no-case']);
      const { runId: current } = await h.describe();
      expect(current).toBe(runId);
    } finally {
      await watch.stop();
      await h.terminate().catch(() => undefined);
    }
  });

  it('says so when no case has the run', async () => {
    const { watch, looks, counted } = watching({});
    const unknown = randomUUID();
    try {
      watch.taskFailed(unknown);
      await waitFor(() => looks().length >= 1, { what: 'the look' });
      expect(looks()).toEqual([expect.objectContaining({ level: 40, runId: unknown, msg: 'stuck-case check: no case found for this run' })]);
      expect(counted).toEqual(['no-case']);
    } finally {
      await watch.stop();
    }
  });
});
