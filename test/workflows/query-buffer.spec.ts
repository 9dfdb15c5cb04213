import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { testConfig, uniqueTaskQueue } from '../support/harness';

/** How a held query ends at its deadline: DEADLINE_EXCEEDED, or CANCELLED when the server's side noticed first. */
const HELD_UNTIL_DEADLINE = new Set([4, 1]);
const GRPC_RESOURCE_EXHAUSTED = 8;

/**
 * While a workflow task is in flight the server holds a case's queries until it completes, up to
 * history.MaxBufferedQueryCount per workflow (default 1) and refuses the rest. Several reads of one
 * case at once (duplicates of a create racing its first task, two people opening it) must all be
 * held: refused, the client retried them with backoff and the API answered from the read model
 * after QUERY_TIMEOUT_MS. The setting is scripts/dev-server.ts's and the cluster's dynamic config.
 */
describe('queries held behind an in-flight workflow task', () => {
  const config = testConfig();
  let connection: Connection;

  beforeAll(async () => {
    // No retry interceptor: a refusal must show as itself, not as a slower answer.
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, interceptors: [] });
  });
  afterAll(async () => {
    await connection?.close();
  });

  it('holds several concurrent queries of one case; none is refused', async () => {
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    // A queue no worker polls: the first workflow task stays scheduled, so every query is held.
    const handle = await client.workflow.start('queryBufferProbe', { taskQueue: uniqueTaskQueue('query-buffer'), workflowId: `query-buffer-${randomUUID()}` });
    try {
      const query = () =>
        connection.withDeadline(Date.now() + 1_500, () =>
          connection.workflowService.queryWorkflow({ namespace: config.TEMPORAL_NAMESPACE, execution: { workflowId: handle.workflowId }, query: { queryType: '__stack_trace' } }),
        );
      const outcomes = await Promise.allSettled(Array.from({ length: 4 }, query));
      const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: number }).code : 'answered'));
      const seen = codes.map((code) => (code === GRPC_RESOURCE_EXHAUSTED ? 'refused' : HELD_UNTIL_DEADLINE.has(code as number) ? 'held' : `other: ${code}`));
      // Each was held until its deadline (nothing can answer it); with the default, three are refused at once.
      expect(seen).toEqual(['held', 'held', 'held', 'held']);
    } finally {
      await handle.terminate('query-buffer test done');
    }
  });
});
