import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sdkCacheMetrics, workflowTasksRun } from '../../../bench/harness/sdk-metrics';

describe("the bench's reading of a worker's workflow tasks", () => {
  it('sums the execution histogram\'s count over its label sets, with or without a unit suffix, and nothing else', async () => {
    const text = [
      '# TYPE temporal_workflow_task_execution_latency histogram',
      'temporal_workflow_task_execution_latency_bucket{namespace="default",le="10"} 90',
      'temporal_workflow_task_execution_latency_count{namespace="default",task_queue="bench",workflow_type="alertGroupWorkflow"} 120',
      'temporal_workflow_task_execution_latency_count{namespace="default",task_queue="bench",workflow_type="incidentWorkflow"} 30',
      'temporal_workflow_task_execution_latency_seconds_count 5',
      'temporal_workflow_task_replay_latency_count 7',
      'temporal_workflow_task_execution_latency_sum 99',
      'temporal_sticky_cache_size{namespace="default"} 3',
      'temporal_sticky_cache_size{namespace="other"} 2',
    ].join('\n');
    const server = createServer((_req, res) => res.end(text));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await workflowTasksRun(address)).toBe(155);
      // The cache figures (growth, sla-lag) share the same reading.
      expect(await sdkCacheMetrics(address)).toEqual({ temporal_sticky_cache_size: 5, temporal_workflow_task_replay_latency_count: 7 });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
