import { CompleteAsyncError, Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { OfferActivities } from './offer.workflow';

/**
 * The worker the test kills (test/workflows/query-beside-crash.spec.ts): it runs the offer
 * workflow and leaves its record open (completed asynchronously), printing the activity's task
 * token, so the test decides when the result arrives: after this process is gone.
 */
async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS, STICKY_TASK_QUEUE, OFFER_BUNDLE } = process.env as Record<string, string>;
  const activities: OfferActivities = {
    async recordEligibility() {
      process.stdout.write(`token ${Buffer.from(Context.current().info.taskToken).toString('base64')}\n`);
      throw new CompleteAsyncError();
    },
  };
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const worker = await Worker.create({ connection, taskQueue: STICKY_TASK_QUEUE, workflowBundle: { codePath: OFFER_BUNDLE }, activities });
  process.stdout.write('"worker started"\n');
  await worker.run();
}

void main();
