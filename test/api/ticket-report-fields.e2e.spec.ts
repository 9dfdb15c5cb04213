import { resolve } from 'node:path';
import { createKey, TEST_ACCOUNT, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait-for';

/**
 * The ticket data the cadence reports read (issue 19 §2), captured over HTTP, kept by the ticket's
 * workflow and written to the read model's columns: NPS next to CSAT, root-cause tags from the
 * shipped packs' vocabularies, logged handle time, category and receipt.
 */
describe('ticket report fields over HTTP (shipped packs)', () => {
  const shipped = resolve(__dirname, '..', '..', 'policies');
  const stack = useHttpStack(testConfig({ POLICY_DIR: shipped, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('report-fields') }));
  const keys: Record<'agent' | 'client', string> = { agent: '', client: '' };
  let http: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    keys.agent = await createKey(stack.ds, 'agent', 'report-fields-agent');
    keys.client = await createKey(stack.ds, 'client', 'report-fields-client');
  });

  const open = async (body: Record<string, unknown> = {}) => {
    const res = await http('POST', '/v1/tickets', {
      key: keys.agent,
      // The client key's account, so the customer (client key) can reply and answer the survey.
      body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Charged twice', description: 'Two renewals this month.', customerRef: 'cust_rf', account: TEST_ACCOUNT, ...body },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const act = (id: string, action: string, key: string, body: unknown = {}) => http('POST', `/v1/tickets/${id}/${action}`, { key, body });
  /** The ticket's row once the read model shows `ready` of it. */
  const row = (id: string, ready: (r: Record<string, any>) => boolean, what: string) =>
    waitFor(
      async () => {
        const [r] = await stack.ds.query(`SELECT category, received_at, nps_score, root_cause_tags, preventable, handle_seconds, csat_score FROM tickets WHERE id = $1`, [id]);
        return r && ready(r) ? (r as Record<string, any>) : undefined;
      },
      { what },
    );

  it("fills category and received_at for a new ticket (001 'average wait' is counted from when the customer wrote)", async () => {
    // Weekly "top 10 issue categories" (001) and 000's "billing-related ticket volume" group by category.
    const receivedAt = new Date(Date.now() - 10 * 60_000);
    receivedAt.setUTCMilliseconds(0);
    const id = await open({ category: 'billing', receivedAt: receivedAt.toISOString() });
    const r = await row(id, (r) => r.category !== null, 'category and received_at');
    expect(r.category).toBe('billing');
    expect(new Date(r.received_at).toISOString()).toBe(receivedAt.toISOString());
    expect(r).toMatchObject({ nps_score: null, root_cause_tags: [], preventable: null, handle_seconds: 0 });

    const plain = await open({ customerRef: 'cust_rf_plain' });
    const view = (await http('GET', `/v1/tickets/${plain}`, { key: keys.agent })).body;
    const p = await row(plain, (r) => r.category !== null, 'default category');
    expect(p.category).toBe('general');
    expect(new Date(p.received_at).toISOString()).toBe(view.receivedAt);
  });

  it("sums handleSeconds over two replies and a resolve (000 'AHT of 6–10 minutes … for technical issues'; 001 'AHT of 4–6 minutes')", async () => {
    const id = await open({ customerRef: 'cust_rf_aht' });
    expect((await act(id, 'reply', keys.agent, { message: 'Looking at the charges.', handleSeconds: 300 })).body.handleSeconds).toBe(300);

    // Out of range or not whole seconds: 400 naming the field; nothing is added.
    for (const bad of [14_401, -1, 2.5, '60']) {
      const refused = await act(id, 'reply', keys.agent, { message: 'x', handleSeconds: bad });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('handleSeconds');
    }
    // A customer's message is no agent's working time: 422 naming the field.
    const customer = await act(id, 'reply', keys.client, { message: 'Any news?', handleSeconds: 60 });
    expect(customer.status).toBe(422);
    expect(customer.body.errors[0].field).toBe('handleSeconds');

    expect((await act(id, 'reply', keys.agent, { message: 'Refund issued.', handleSeconds: 240 })).body.handleSeconds).toBe(540);
    // The root cause may come with the resolution; an unknown one refuses the whole step, naming it.
    const unknown = await act(id, 'resolve', keys.agent, { resolution: 'x', handleSeconds: 180, rootCauseTags: ['gremlins'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe('rootCauseTags[0]');
    const resolved = await act(id, 'resolve', keys.agent, { resolution: 'Duplicate renewal refunded.', handleSeconds: 180, rootCauseTags: ['billing-confusion'] });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', handleSeconds: 720, rootCauseTags: ['billing-confusion'], preventable: true });
    const r = await row(id, (r) => r.handle_seconds === 720, 'handle_seconds 720');
    expect(r).toMatchObject({ root_cause_tags: ['billing-confusion'], preventable: true });
  });

  it("takes NPS (0–10) with CSAT in the survey window and writes nps_score (001 'NPS ≥ +35')", async () => {
    const id = await open({ customerRef: 'cust_rf_nps' });
    await act(id, 'reply', keys.agent, { message: 'Refunded.' });
    expect((await act(id, 'resolve', keys.agent, { resolution: 'Refunded.' })).status).toBe(200);

    for (const bad of [11, -1, 7.5]) {
      const refused = await act(id, 'csat', keys.client, { score: 5, nps: bad });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('nps');
    }
    const answered = await act(id, 'csat', keys.client, { score: 5, comment: 'Quick', nps: 9 });
    expect(answered.status).toBe(200);
    expect(answered.body.csat).toMatchObject({ score: 5 });
    expect(answered.body.nps).toMatchObject({ score: 9 });
    expect(answered.body.nps.at).toBe(answered.body.csat.at);
    const r = await row(id, (r) => r.nps_score !== null, 'nps_score');
    expect(r).toMatchObject({ nps_score: 9, csat_score: 5 });
    // One survey, one answer: a second NPS is refused with the CSAT it came with.
    expect((await act(id, 'csat', keys.client, { score: 4, nps: 3 })).status).toBe(409);
  });

  it("stores root-cause tags and preventable; an unknown tag is a 422 naming tags[i] (001 'reduce preventable tickets by 15% per quarter')", async () => {
    const id = await open({ customerRef: 'cust_rf_rca' });
    // 000: "maintain a public 'known issues' internal runbook" — a known issue is preventable; a CDN problem is not the product's.
    const tagged = await act(id, 'root-cause', keys.agent, { tags: ['network-cdn', 'known-issue', 'network-cdn'] });
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ rootCauseTags: ['network-cdn', 'known-issue'], preventable: true });
    await row(id, (r) => r.preventable === true, 'tags stored');
    expect((await row(id, () => true, 'row')).root_cause_tags).toEqual(['network-cdn', 'known-issue']);

    const unknown = await act(id, 'root-cause', keys.agent, { tags: ['network-cdn', 'gremlins'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe('tags[1]');
    expect(unknown.body.errors[0].message).toContain('known-issue');

    expect((await act(id, 'root-cause', keys.agent, { tags: 'known-issue' })).status).toBe(400);
    expect((await act(id, 'root-cause', keys.client, { tags: ['known-issue'] })).status).toBe(403);

    // Replaced, not added to: only a CDN cause now, not preventable.
    expect((await act(id, 'root-cause', keys.agent, { tags: ['network-cdn'] })).body).toMatchObject({ rootCauseTags: ['network-cdn'], preventable: false });
    const r = await row(id, (r) => r.preventable === false, 'retagged');
    expect(r.root_cause_tags).toEqual(['network-cdn']);
    // Cleared: unknown again.
    expect((await act(id, 'root-cause', keys.agent, { tags: [] })).body).toMatchObject({ rootCauseTags: [], preventable: null });
  });

  it("tags a VIVtone ticket with 001's taxonomy: 'root-cause taxonomies (product bug, documentation gap, usability)'", async () => {
    const res = await http('POST', '/v1/tickets', {
      key: keys.agent,
      body: { brand: 'vivtone', plan: 'basic', channel: 'email', priority: 'S3', subject: 'Export fails', description: 'CSV export times out.', customerRef: 'cust_rf_viv' },
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect((await act(id, 'root-cause', keys.agent, { tags: ['product-bug'] })).body).toMatchObject({ rootCauseTags: ['product-bug'], preventable: true });
    // Another brand's vocabulary is not this ticket's.
    const foreign = await act(id, 'root-cause', keys.agent, { tags: ['known-issue'] });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].field).toBe('tags[0]');
    await row(id, (r) => r.preventable === true, 'vivtone tags');
  });
});
