import { Client } from '@temporalio/client';
import { ticketWorkflow } from '../../src/workflows';
import { NeedsAttention } from '../../src/workflows/search-attributes';
import type { TicketView } from '../../src/workflows/ticket/messages';
import { createKey, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/** GET shows a flagged case as it is, for a value that never came through the API (a NUL byte). */
describe('a ticket that needs attention, over HTTP', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('attention-e2e') });
  const stack = useHttpStack(config);
  let client: Client;
  beforeAll(async () => {
    client = await temporalClient(config);
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  it('GET answers 200 with needsAttention (reason, step, SQLSTATE, field), and an action still answers', async () => {
    const http = httpClient(stack.api.baseUrl);
    const agent = await createKey(stack.ds, 'agent', 'agent-attention');
    const input = ticketInput({ description: 'It stops\u0000' }, { firstResponse: 3_600_000, resolution: 7_200_000 });
    const h = await client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [input] });
    await waitFor(async () => (await h.describe()).typedSearchAttributes.get(NeedsAttention) === true, { what: 'the ticket flagged' });

    const read = await http<TicketView>('GET', `/v1/tickets/${input.ticketId}`, { key: agent });
    expect(read.status).toBe(200);
    expect(read.body.needsAttention).toMatchObject({ reason: 'record_refused', step: 'opened', field: 'view.description', sqlstate: expect.stringMatching(/^22/) });
    expect(Date.parse(read.body.needsAttention!.since)).not.toBeNaN();

    const assigned = await http<TicketView>('POST', `/v1/tickets/${input.ticketId}/assign`, { key: agent, body: { assignee: 'agent-ann' } });
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe('agent-ann');
    expect(assigned.body.needsAttention?.failedRecords).toBe(2);
  });
});
