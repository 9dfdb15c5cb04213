/**
 * Workflows that make a worker record the SDK metrics the alert rules use, for
 * scrape-temporal-sdk-metrics.ts: one that completes after a retried activity, one whose workflow
 * task fails (a TypeError is a task failure, retried by the server, not a workflow failure).
 */
import { proxyActivities } from '@temporalio/workflow';

const { flakyStep } = proxyActivities<{ flakyStep(): Promise<string> }>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms', maximumAttempts: 3 },
});

export async function retriedActivityWorkflow(): Promise<string> {
  return flakyStep();
}

export async function failingTaskWorkflow(): Promise<void> {
  throw new TypeError('a workflow task failure on purpose');
}
