import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { workflowTasksRun } from '../../../bench/harness/sdk-metrics';

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
    ].join('\n');
    const server = createServer((_req, res) => res.end(text));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      expect(await workflowTasksRun(`127.0.0.1:${(server.address() as AddressInfo).port}`)).toBe(155);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
