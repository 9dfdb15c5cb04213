import { randomUUID } from 'node:crypto';
import { TicketEventRow } from '../../src/persistence/entities';
import { createKey, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { ticketRow } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/**
 * Need-to-know on keys (issue 12): a client key sees its account's tickets only, an agent key of
 * a brand that brand's only. Out of scope is a 404, the same answer as a ticket that does not exist.
 */
describe('key scopes: accounts and brands', () => {
  const stack = useHttpStack(testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('scopes') }));
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};
  const ticket = (overrides: Record<string, unknown> = {}) => ({
    brand: 'uoozee',
    channel: 'email',
    priority: 'P4',
    subject: 'Playback stops',
    description: 'Since yesterday.',
    customerRef: `cust_${randomUUID().slice(0, 8)}`,
    ...overrides,
  });
  const open = async (key: string, body = ticket()) => {
    const res = await http('POST', '/v1/tickets', { key, body, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    const suffix = randomUUID().slice(0, 8);
    keys.clientA = await createKey(stack.ds, 'client', 'portal-a', { account: `acct-a-${suffix}`, brand: 'uoozee' });
    keys.clientA2 = await createKey(stack.ds, 'client', 'portal-a-2', { account: `acct-a-${suffix}` });
    keys.clientB = await createKey(stack.ds, 'client', 'portal-b', { account: `acct-b-${suffix}`, brand: 'uoozee' });
    keys.clientV = await createKey(stack.ds, 'client', 'portal-v', { account: `acct-v-${suffix}`, brand: 'vivtone' });
    keys.clientNone = await createKey(stack.ds, 'client', 'portal-none', {});
    keys.agentU = await createKey(stack.ds, 'agent', 'agent-uoozee', { brand: 'uoozee' });
    keys.agentV = await createKey(stack.ds, 'agent', 'agent-vivtone', { brand: 'vivtone' });
    keys.agentAll = await createKey(stack.ds, 'agent', 'agent-all');
    keys.accountB = `acct-b-${suffix}`;
    keys.accountV = `acct-v-${suffix}`;
  });

  it("keeps a client key to its account's tickets: another account's is 404 to read, reply, reopen and csat, and nothing is recorded", async () => {
    const mine = await open(keys.clientA);
    const theirs = await open(keys.clientB);
    // The 201 does not wait for the worker (src/api/tickets/opening-view.ts): the read model has a
    // ticket once its first workflow task has recorded the opening.
    await waitFor(async () => (await ticketRow(stack.ds, mine)) !== null && (await ticketRow(stack.ds, theirs)) !== null, { what: 'both openings recorded' });
    expect((await ticketRow(stack.ds, mine))?.accountId).toMatch(/^acct-a-/);

    expect((await http('GET', `/v1/tickets/${mine}`, { key: keys.clientA })).status).toBe(200);
    // Another key of the same account sees it too: the account owns the ticket, not the key.
    expect((await http('GET', `/v1/tickets/${mine}`, { key: keys.clientA2 })).status).toBe(200);

    const unknown = await http('GET', '/v1/tickets/ticket-aaaaaaaaaaaaaaaaaaaaaaaaaa', { key: keys.clientA });
    const read = await http('GET', `/v1/tickets/${theirs}`, { key: keys.clientA });
    expect(read.status).toBe(404);
    expect(read.body.type).toBe(unknown.body.type);
    expect(JSON.stringify(read.body)).not.toContain('acct-b');

    const actions = [
      ['reply', { message: 'Is anyone there?' }],
      ['reopen', { reason: 'Still broken' }],
      ['csat', { score: 1 }],
    ] as const;
    for (const [action, body] of actions) {
      const res = await http('POST', `/v1/tickets/${theirs}/${action}`, { key: keys.clientA, body });
      expect(`${action} ${res.status}`).toBe(`${action} 404`);
    }
    // Only the opening is on record: no action of the other account reached the workflow.
    const events = await stack.ds.getRepository(TicketEventRow).find({ where: { ticketId: theirs } });
    expect(events.map((e) => e.type)).toEqual(['opened']);

    // The owner can act on it (the 404s above were scope, not state).
    const reply = await http('POST', `/v1/tickets/${theirs}/reply`, { key: keys.clientB, body: { message: 'Any news?' } });
    expect(reply.status).toBe(200);
  });

  it('opens tickets for the key’s own account and brand only; a client key without an account opens and sees nothing', async () => {
    const otherBrand = await http('POST', '/v1/tickets', { key: keys.clientA, body: ticket({ brand: 'vivtone', plan: 'basic', priority: 'S3' }) });
    expect(otherBrand.status).toBe(422);
    expect(otherBrand.body.errors[0].field).toBe('brand');
    const otherAccount = await http('POST', '/v1/tickets', { key: keys.clientA, body: ticket({ account: keys.accountB }) });
    expect(otherAccount.status).toBe(422);
    expect(otherAccount.body.errors[0].field).toBe('account');

    const noAccount = await http('POST', '/v1/tickets', { key: keys.clientNone, body: ticket() });
    expect(noAccount.status).toBe(403);
    expect(noAccount.body.type).toMatch(/key-without-account$/);
    const someone = await open(keys.clientA);
    expect((await http('GET', `/v1/tickets/${someone}`, { key: keys.clientNone })).status).toBe(404);
  });

  it("lets an agent open a ticket for an account (checked against the account's brand), which that account's keys then see", async () => {
    const wrongBrand = await http('POST', '/v1/tickets', { key: keys.agentAll, body: ticket({ brand: 'vivtone', plan: 'basic', priority: 'S3', account: keys.accountB }) });
    expect(wrongBrand.status).toBe(422);
    expect(wrongBrand.body.errors[0].field).toBe('account');
    const unknown = await http('POST', '/v1/tickets', { key: keys.agentAll, body: ticket({ account: 'no-such-account' }) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe('account');

    const forB = await open(keys.agentAll, ticket({ account: keys.accountB }));
    expect((await http('GET', `/v1/tickets/${forB}`, { key: keys.clientB })).status).toBe(200);
    expect((await http('GET', `/v1/tickets/${forB}`, { key: keys.clientA })).status).toBe(404);
    // Opened for no account: no client key sees it.
    const internal = await open(keys.agentAll);
    expect((await http('GET', `/v1/tickets/${internal}`, { key: keys.clientA })).status).toBe(404);
  });

  it("keeps an agent of a brand to that brand's tickets: another brand's is 404 and its list shows only its brand", async () => {
    const uoozee = await open(keys.clientA);
    const vivtone = await open(keys.clientV, ticket({ brand: 'vivtone', plan: 'basic', priority: 'S3' }));

    expect((await http('GET', `/v1/tickets/${uoozee}`, { key: keys.agentU })).status).toBe(200);
    expect((await http('GET', `/v1/tickets/${vivtone}`, { key: keys.agentU })).status).toBe(404);
    const reply = await http('POST', `/v1/tickets/${vivtone}/reply`, { key: keys.agentU, body: { message: 'Looking into it' } });
    expect(reply.status).toBe(404);
    const assign = await http('POST', `/v1/tickets/${vivtone}/assign`, { key: keys.agentU, body: { assignee: 'agent-uoozee' } });
    expect(assign.status).toBe(404);
    expect((await http('POST', `/v1/tickets/${vivtone}/reply`, { key: keys.agentV, body: { message: 'Looking into it' } })).status).toBe(200);
    // An agent key of a brand opens tickets of its brand only.
    const wrongBrand = await http('POST', '/v1/tickets', { key: keys.agentU, body: ticket({ brand: 'vivtone', plan: 'basic', priority: 'S3' }) });
    expect(wrongBrand.status).toBe(422);
    expect(wrongBrand.body.errors[0].field).toBe('brand');

    const listU = await http('GET', '/v1/tickets?limit=100', { key: keys.agentU });
    expect(listU.status).toBe(200);
    expect(listU.body.items.length).toBeGreaterThan(0);
    expect(new Set(listU.body.items.map((t: { brand: string }) => t.brand))).toEqual(new Set(['uoozee']));
    expect(listU.body.items.map((t: { id: string }) => t.id)).toContain(uoozee);
    // Asking for another brand's queue is an empty page, not a way around the scope.
    expect((await http('GET', '/v1/tickets?brand=vivtone', { key: keys.agentU })).body.items).toEqual([]);

    const listV = await http('GET', '/v1/tickets?limit=100', { key: keys.agentV });
    expect(new Set(listV.body.items.map((t: { brand: string }) => t.brand))).toEqual(new Set(['vivtone']));
    expect(listV.body.items.map((t: { id: string }) => t.id)).toContain(vivtone);

    // Reports too: its brand's figures only; another brand's is refused, naming the parameter.
    const report = await http('GET', '/v1/reports/sla', { key: keys.agentU });
    expect(report.status).toBe(200);
    expect(Object.keys(report.body.queueDepth)).toEqual(['uoozee']);
    const otherReport = await http('GET', '/v1/reports/kpis?brand=vivtone', { key: keys.agentU });
    expect([otherReport.status, otherReport.body.errors?.[0]?.field]).toEqual([422, 'query:brand']);
    expect(Object.keys((await http('GET', '/v1/reports/sla', { key: keys.agentAll })).body.queueDepth)).toEqual(expect.arrayContaining(['uoozee', 'vivtone']));

    // An agent key without a brand works for every brand.
    const listAll = await http('GET', '/v1/tickets?limit=100', { key: keys.agentAll });
    const brands = new Set(listAll.body.items.map((t: { brand: string }) => t.brand));
    expect(brands.has('uoozee') && brands.has('vivtone')).toBe(true);
  });

  it("keeps an agent of a brand to that brand's incidents: another brand's is 404 to read, list and note", async () => {
    const body = { brand: 'uoozee', priority: 'P3', title: 'Scope probe', services: ['playback-api'] };
    const otherBrand = await http('POST', '/v1/incidents', { key: keys.agentV, body });
    expect(otherBrand.status).toBe(422);
    expect(otherBrand.body.errors[0].field).toBe('brand');
    const declared = await http('POST', '/v1/incidents', { key: keys.agentU, body, headers: { 'idempotency-key': randomUUID() } });
    expect(declared.status).toBe(201);
    const id = declared.body.id as string;

    expect((await http('GET', `/v1/incidents/${id}`, { key: keys.agentU })).status).toBe(200);
    for (const path of [`/v1/incidents/${id}`, `/v1/incidents/${id}/events`, `/v1/incidents/${id}/notes`]) {
      expect(`${path} ${(await http('GET', path, { key: keys.agentV })).status}`).toBe(`${path} 404`);
    }
    expect((await http('POST', `/v1/incidents/${id}/note`, { key: keys.agentV, body: { text: 'Not my brand' } })).status).toBe(404);
    const listV = await http('GET', '/v1/incidents?limit=200', { key: keys.agentV });
    expect(listV.body.items.map((i: { id: string }) => i.id)).not.toContain(id);
    const listU = await http('GET', '/v1/incidents?limit=200', { key: keys.agentU });
    expect(listU.body.items.map((i: { id: string }) => i.id)).toContain(id);
    expect(new Set(listU.body.items.map((i: { brand: string }) => i.brand))).toEqual(new Set(['uoozee']));
  });

  it("keeps an agent of a brand to that brand's billing cases: another brand's refund is 404 to read, list events and act on", async () => {
    const DAY = 86_400_000;
    const now = Date.now();
    const refund = {
      brand: 'uoozee',
      customerRef: 'cust_scope',
      subscriptionId: 'sub_scope',
      plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
      purchasedAt: new Date(now - 2 * DAY).toISOString(),
      currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
      paymentReference: 'ch_scope',
      reason: 'cancellation',
    };
    const otherBrand = await http('POST', '/v1/refunds', { key: keys.agentV, body: refund, headers: { 'idempotency-key': randomUUID() } });
    expect(otherBrand.status).toBe(422);
    expect(otherBrand.body.errors[0].field).toBe('brand');

    const opened = await http('POST', '/v1/refunds', { key: keys.agentU, body: refund, headers: { 'idempotency-key': randomUUID() } });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect((await http('GET', `/v1/refunds/${id}`, { key: keys.agentAll })).status).toBe(200);
    expect((await http('GET', `/v1/refunds/${id}`, { key: keys.agentU })).status).toBe(200);
    expect((await http('GET', `/v1/refunds/${id}`, { key: keys.agentV })).status).toBe(404);
    expect((await http('GET', `/v1/refunds/${id}/events`, { key: keys.agentV })).status).toBe(404);
    const act = await http('POST', `/v1/refunds/${id}/confirm-identity`, { key: keys.agentV, body: { method: 'email code' } });
    expect(act.status).toBe(404);
    expect((await http('GET', `/v1/refunds/${id}`, { key: keys.agentU })).body.state).toBe('identity_pending');
  });
});
