import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PolicyRegistry } from '../../src/config/policy-registry';
import type { Channel } from '../../src/domain/policy/policy.schema';
import { statusQuery } from '../../src/workflows/ticket/messages';
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { createKey, openDataSource, RunningApi, RunningWorker, startApi, startWorker, temporalClient, testConfig, uniqueTaskQueue, useApiStack } from '../support/harness';
import { httpClient } from '../support/http';
import { ticketRow } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/** The shipped packs: their shortest window (a phone first response, 30 s) outlasts each combination's check. */
const SHIPPED = resolve(__dirname, '..', '..', 'policies');
const packs = PolicyRegistry.fromDirectory(SHIPPED);

interface Combination {
  brand: string;
  priority: string;
  channel: Channel;
  plan?: string;
  /** Whether the request gives a receivedAt (5 s before it is sent) or lets the clocks start at opening. */
  received: boolean;
}

/** Every brand × priority × channel × plan (and no plan) the shipped packs know, alternately with a receivedAt. */
function combinations(): Combination[] {
  const all: Combination[] = [];
  for (const brand of packs.brands()) {
    const pack = packs.find(brand)!;
    for (const priority of Object.keys(pack.priorities)) {
      for (const channel of Object.keys(pack.channels) as Channel[]) {
        for (const plan of [undefined, ...Object.keys(pack.plans)]) all.push({ brand, priority, channel, plan, received: all.length % 2 === 0 });
      }
    }
  }
  return all;
}

/**
 * The field the API's 422 names when the pack refuses the combination, or null when it opens: a
 * brand with plans needs one (the CRM does not know this customer), and the plan must include the channel.
 */
function refusedField(c: Combination): 'plan' | 'channel' | null {
  const plans = packs.find(c.brand)!.plans;
  if (c.plan === undefined) return Object.keys(plans).length > 0 ? 'plan' : null;
  return plans[c.plan].channels.includes(c.channel) ? null : 'channel';
}
const allowed = (c: Combination) => refusedField(c) === null;

/**
 * Issue 17 §2: the API answers a new ticket from its start input (src/api/tickets/opening-view.ts)
 * instead of waiting for the workflow's first task. That answer must stay the workflow's truth:
 * for every combination the shipped packs allow, the 201 body equals what the running workflow
 * answers when asked for the same instant (its status query, read at the 201's openedAt).
 */
describe("a new ticket's 201 is its workflow's first state", () => {
  const stack = useApiStack({ POLICY_DIR: SHIPPED }, { label: 'ticket-opening', keys: ['agent'] });
  const all = combinations();

  it(`for each of the ${all.length} combinations of brand, priority, channel and plan`, async () => {
    let opened = 0;
    for (const c of all) {
      const what = `${c.brand} ${c.priority} via ${c.channel}${c.plan ? ` on ${c.plan}` : ''}${c.received ? ', receivedAt 5 s ago' : ''}`;
      const res = await stack.http('POST', '/v1/tickets', {
        key: stack.keys.agent,
        headers: { 'idempotency-key': randomUUID() },
        body: {
          brand: c.brand,
          priority: c.priority,
          channel: c.channel,
          ...(c.plan ? { plan: c.plan } : {}),
          ...(c.channel === 'social' ? { socialPost: { url: 'https://social.example/p/1', text: 'the app buffers' } } : {}),
          ...(c.received ? { receivedAt: new Date(Date.now() - 5_000).toISOString() } : {}),
          subject: 'Buffering',
          description: what,
          customerRef: 'cust_opening',
        },
      });
      const refused = refusedField(c);
      if (refused) {
        expect({ what, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ what, status: 422, field: refused });
        continue;
      }
      expect({ what, status: res.status }).toEqual({ what, status: 201 });
      opened++;
      const body = res.body as { id: string; openedAt: string; receivedAt: string };
      expect(Date.parse(body.receivedAt)).toBeLessThanOrEqual(Date.parse(body.openedAt));
      // The workflow's own answer for the instant the 201 describes: every field equal, clocks included.
      const live = await stack.client.workflow.getHandle(body.id).query(statusQuery, { at: Date.parse(body.openedAt) });
      expect({ what, view: JSON.parse(JSON.stringify(live)) }).toEqual({ what, view: body });
    }
    expect(opened).toBe(all.filter(allowed).length);
    expect(opened).toBeGreaterThan(40);
  });

  it('reads, acts on and replays a ticket straight after its 201', async () => {
    const key = randomUUID();
    const body = { brand: 'vivtone', priority: 'S2', channel: 'email', plan: 'pro', subject: 'SSO fails', description: 'since the update', customerRef: 'cust_opening' };
    const first = await stack.http('POST', '/v1/tickets', { key: stack.keys.agent, headers: { 'idempotency-key': key }, body });
    expect(first.status).toBe(201);
    const id = first.body.id as string;
    // Sent at once, together: a read, an action and the same request again.
    const [read, assigned, again] = await Promise.all([
      stack.http('GET', `/v1/tickets/${id}`, { key: stack.keys.agent }),
      stack.http('POST', `/v1/tickets/${id}/assign`, { key: stack.keys.agent, body: { assignee: 'agent-opening' } }),
      stack.http('POST', '/v1/tickets', { key: stack.keys.agent, headers: { 'idempotency-key': key }, body }),
    ]);
    expect(read.status).toBe(200);
    expect(read.body.openedAt).toBe(first.body.openedAt);
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe('agent-opening');
    // The retry joins the ticket (200, the same ID and opening), it does not open a second one.
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, openedAt: first.body.openedAt });
    // Another request under the same key is refused, naming the header.
    const reused = await stack.http('POST', '/v1/tickets', { key: stack.keys.agent, headers: { 'idempotency-key': key }, body: { ...body, subject: 'Something else' } });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].field).toBe('header:Idempotency-Key');
  });
});

/**
 * A ticket read before any worker has run its first workflow task (a backlog, a worker restart):
 * the workflow cannot answer a query yet and the read model has no row, but the ticket exists
 * and its state is its opening. GET answers it at once from the start input in the history.
 */
describe('a ticket read before its first workflow task', () => {
  // No worker polls this queue until the test starts one.
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('opening-no-worker') });
  let ds: DataSource;
  let api: RunningApi;
  let worker: RunningWorker | undefined;
  let http: ReturnType<typeof httpClient>;
  let agent: string;
  let temporal: Client;
  beforeAll(async () => {
    ds = await openDataSource(config);
    temporal = await temporalClient(config);
    api = await startApi(config);
    http = httpClient(api.baseUrl);
    agent = await createKey(ds, 'agent', 'opening-reader');
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await temporal?.connection.close();
    await ds?.destroy();
  });

  it('answers its opening from the start input, then — once a worker has run it — the workflow itself', async () => {
    const opened = await http('POST', '/v1/tickets', {
      key: agent,
      body: { brand: 'uoozee', priority: 'P2', channel: 'chat', subject: 'No sound', description: 'since the update', customerRef: 'cust_backlog' },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;

    const early = await http('GET', `/v1/tickets/${id}`, { key: agent });
    expect(early.status).toBe(200);
    expect(early.headers.get('caseworks-source')).toBe('workflow');
    // The same ticket, read later: every field but the clocks' elapsed and remaining time.
    const { sla: earlySla, ...earlyRest } = early.body;
    const { sla: openedSla, ...openedRest } = opened.body;
    expect(earlyRest).toEqual(openedRest);
    expect(Object.keys(earlySla)).toEqual(Object.keys(openedSla));
    for (const metric of Object.keys(openedSla)) {
      expect(earlySla[metric]).toMatchObject({ deadlineAt: openedSla[metric].deadlineAt, state: openedSla[metric].state });
      expect(earlySla[metric].elapsedSeconds).toBeGreaterThanOrEqual(openedSla[metric].elapsedSeconds);
    }
    // Nothing ran it yet: no workflow task completed, nothing in the read model.
    const { events } = await temporal.workflow.getHandle(id).fetchHistory();
    expect(events!.some((e) => e.workflowTaskCompletedEventAttributes)).toBe(false);
    expect(await ticketRow(ds, id)).toBeNull();

    worker = await startWorker(config, ds);
    await waitFor(async () => (await ticketRow(ds, id)) !== null, { what: 'the opening recorded once a worker runs the ticket' });
    const later = await http('GET', `/v1/tickets/${id}`, { key: agent });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ id, openedAt: opened.body.openedAt, status: 'new' });
  });
});
