import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { StuckCaseWatch } from '../../../src/temporal/stuck-case-watch';
import { installWorkerRuntime, TaskFailureFeed } from '../../../src/worker/runtime';
import { enforceStopDeadline } from '../../../src/worker/stop-deadline';

/**
 * A worker for the miniature case (test/workflows/query-beside-crash.spec.ts) wired as the app's
 * worker is (src/worker/main.ts, WorkerRunner): the runtime forwards the core's failed tasks to a
 * StuckCaseWatch (STUCK_CASE_REPAIR, default `reset`), and a worker that does not stop within
 * STOP_DEADLINE_MS of beginning to ends the process with code 1. Its activity completes at once.
 * Logs (the SDK's, the core's and the watch's) are JSON lines on stdout.
 */
async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS, STICKY_TASK_QUEUE, OFFER_BUNDLE, STUCK_CASE_REPAIR = 'reset', STOP_DEADLINE_MS = '40000' } = process.env as Record<string, string>;
  const logger = pino({ level: 'info' });
  const taskFailures = new TaskFailureFeed();
  installWorkerRuntime(logger, null, taskFailures);
  const client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
  const watch = new StuckCaseWatch(client, logger, { mode: STUCK_CASE_REPAIR as 'reset' | 'report', delayMs: 1_000, cooldownMs: 60_000 });
  taskFailures.listen((runId) => watch.taskFailed(runId));
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const worker = await Worker.create({ connection, taskQueue: STICKY_TASK_QUEUE, workflowBundle: { codePath: OFFER_BUNDLE }, activities: { recordEligibility: async () => undefined } });
  logger.info('worker started');
  const release = enforceStopDeadline(worker, {
    deadlineMs: Number(STOP_DEADLINE_MS),
    onOverrun: (state) => {
      logger.fatal({ state }, 'worker did not stop within its deadline: exiting');
      process.exit(1);
    },
  });
  await worker.run(); // until SIGTERM (the runtime's shutdown signals)
  release();
  await watch.stop();
  await client.connection.close();
  await connection.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`repairing worker failed: ${String(err)}\n`);
    process.exit(1);
  },
);
