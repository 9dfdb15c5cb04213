import { freePort } from '../../test/support/oidc';

/**
 * A worker's Prometheus endpoint (WORKER_METRICS_ADDRESS) on a port the kernel just gave out as
 * free. A random port in 20,000-40,000 overlapped the ephemeral range (32,768 and up here), and a
 * growth run's worker once failed to start on one an outgoing connection held.
 */
export async function benchMetricsAddress(): Promise<string> {
  return `127.0.0.1:${await freePort()}`;
}

/**
 * The SDK's workflow-cache figures from a worker's Prometheus endpoint, each summed over its label
 * sets: temporal_sticky_cache_size (workflows cached now), _hit / _miss (activations that found
 * their workflow cached or had to replay it), _total_forced_eviction, and the count of replays.
 */
export async function sdkCacheMetrics(metricsAddress: string): Promise<Record<string, number>> {
  return summedSeries(metricsAddress, 'temporal_sticky_cache_[a-z_]+|temporal_workflow_task_replay_latency_count');
}

/**
 * Workflow tasks the worker has run so far (the SDK's temporal_workflow_task_execution_latency
 * histogram's count, summed over its label sets): the difference over a phase is how many
 * workflow tasks its work took.
 */
export async function workflowTasksRun(metricsAddress: string): Promise<number> {
  const sums = await summedSeries(metricsAddress, 'temporal_workflow_task_execution_latency(?:_seconds)?_count');
  return Object.values(sums).reduce((t, n) => t + n, 0);
}

/** The series of a Prometheus endpoint whose names match `names` (a regex alternative), each summed over its label sets. */
async function summedSeries(metricsAddress: string, names: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
  const line = new RegExp(`^(${names})(?:\\{[^}]*\\})? ([0-9.e+-]+)$`);
  const out: Record<string, number> = {};
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
  }
  return out;
}
