import { Writable } from 'node:stream';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/api/create-app';
import { MAX_JSON_DEPTH } from '../../src/api/input/inspect-json';
import { COUNTER_NOTICE } from '../support/takedowns';
import type { Activities } from '../../src/activities';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { createKey, openDataSource, realActivities, RunningApi, RunningWorker, startApi, startWorker, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient, HttpResult } from '../support/http';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;

/** Every answer here is a 4xx problem+json naming the field: the API never answers malformed input with a 500. */
function expectProblem(res: HttpResult, status: number, field: string): void {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: expect.stringContaining('application/problem+json') });
  expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
}

describe('input the API refuses at the edge', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('input-hardening') });
  const stack = useHttpStack(config);
  const keys: Record<string, string> = {};
  let http: ReturnType<typeof httpClient>;
  /** Sends a body as given (already JSON text, or any bytes) with the headers given. */
  let raw: (method: string, path: string, body: string | Buffer, headers?: Record<string, string>) => Promise<HttpResult>;

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    for (const role of ['agent', 'client', 'sre', 'legal', 'billing'] as const) keys[role] = await createKey(stack.ds, role, `input-${role}`);
    raw = async (method, path, body, headers = {}) => {
      const res = await fetch(stack.api.baseUrl + path, { method, headers: { authorization: `Bearer ${keys.agent}`, 'content-type': 'application/json', ...headers }, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      return { status: res.status, headers: res.headers, body: parsed as any };
    };
  });

  const ticket = (overrides: Record<string, unknown> = {}) => ({
    brand: 'uoozee',
    channel: 'email',
    priority: 'P3',
    subject: 'Playback stops',
    description: 'The TV app stops after 10 minutes',
    customerRef: 'cust_4711',
    ...overrides,
  });
  const refund = (overrides: Record<string, unknown> = {}) => {
    const now = Date.now();
    return {
      brand: 'uoozee',
      customerRef: 'cust_4711',
      subscriptionId: 'sub_1',
      plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
      purchasedAt: new Date(now - 2 * DAY).toISOString(),
      currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
      paymentReference: 'ch_3QX',
      reason: 'cancellation',
      ...overrides,
    };
  };
  const review = (overrides: Record<string, unknown> = {}) => ({
    summary: 'A config push disabled the origin shield',
    rootCauseCategory: 'change',
    impact: { minutes: 42, affectedUsers: 18000 },
    correctiveActions: [{ action: 'Canary every deploy', owner: 'team-playback', due: '2026-12-15' }],
    costImpact: { amountMinor: 125000, currency: 'USD' },
    ...overrides,
  });

  it('refuses NUL, lone surrogates and C0 controls in any body string or field name, naming the field', async () => {
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: ticket({ subject: 'Play\u0000back' }) }), 400, 'subject');
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: ticket({ description: 'bad \ud800 half' }) }), 400, 'description');
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: ticket({ customerRef: 'cust\u001b[31m' }) }), 400, 'customerRef');
    const nested = await http('POST', '/v1/refunds', { key: keys.agent, body: refund({ currentPeriod: { start: 'x\u0000', end: 'y' } }) });
    expectProblem(nested, 400, 'currentPeriod.start');
    expectProblem(await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P3', title: 't', services: ['ok', 'c\u0007dn'] } }), 400, 'services.1');
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: { ...ticket(), ['sub\u0000ject']: 'x' } }), 400, 'sub\\u0000ject');
    // Tab, CR, LF and DEL are ordinary text.
    const fine = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P3', title: 'Line\tone\r\ntwo \u007f', services: ['cdn'] } });
    expect(fine.status).toBe(201);
  });

  it('refuses unstorable text in a query value with 400 naming the parameter (was a 500)', async () => {
    expectProblem(await http('GET', '/v1/tickets?brand=a%00b', { key: keys.agent }), 400, 'query:brand');
    expectProblem(await http('GET', '/v1/takedowns?assignee=x%01y', { key: keys.legal }), 400, 'query:assignee');
    expectProblem(await http('GET', '/v1/billing/sla-credits?customerRef=c%00', { key: keys.billing }), 400, 'query:customerRef');
    // Path segments too: an ID with a NUL must not reach a SQL lookup.
    expectProblem(await http('GET', '/v1/takedowns/takedown-x/preservations/hold%00x', { key: keys.legal }), 400, 'path');
  });

  it('answers a body over the limit with 413, malformed JSON with 400 that does not quote it, a foreign charset with 415', async () => {
    const huge = JSON.stringify(ticket({ description: 'x'.repeat(300 * 1024) }));
    const tooLarge = await raw('POST', '/v1/tickets', huge, { authorization: `Bearer ${keys.client}` });
    expect([tooLarge.status, tooLarge.headers.get('content-type'), tooLarge.body.type]).toEqual([413, expect.stringContaining('application/problem+json'), expect.stringMatching(/payload-too-large$/)]);
    const malformed = await raw('POST', '/v1/tickets', '{"subject": "secret customer text", ', { authorization: `Bearer ${keys.client}` });
    expectProblem(malformed, 400, 'body');
    expect(JSON.stringify(malformed.body)).not.toContain('secret customer text');
    const latin1 = await raw('POST', '/v1/tickets', JSON.stringify(ticket()), { authorization: `Bearer ${keys.client}`, 'content-type': 'application/json; charset=koi8-r' });
    expectProblem(latin1, 415, 'header:Content-Type');
    // Whatever else arrives instead of a JSON object is a 4xx problem too.
    const answers: [string, number][] = [];
    for (const [body, type] of [
      ['[]', 'application/json'],
      ['[{"brand":"uoozee"}]', 'application/json'],
      ['"text"', 'application/json'],
      ['null', 'application/json'],
      ['brand=uoozee&plan[interval]=year', 'application/x-www-form-urlencoded'],
      ['hello', 'text/plain'],
      ['', 'application/json'],
    ]) {
      const res = await raw('POST', '/v1/refunds', body, { 'content-type': type });
      answers.push([`${type} ${body}`, res.status]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(answers.filter(([, status]) => status < 400 || status >= 500)).toEqual([]);
    // Honest text up to the longest field still fits: 20,000 characters written as JSON escapes.
    const escaped = JSON.stringify(ticket({ description: 'é'.repeat(20_000) })).replace(/é/g, '\\u00e9');
    expect(Buffer.byteLength(escaped)).toBeGreaterThan(100 * 1024);
    expect((await raw('POST', '/v1/tickets', escaped, { authorization: `Bearer ${keys.client}` })).status).toBe(201);
  });

  it('answers a body that does not decode as its Content-Encoding says with 400 (was a 500), and reads one that does', async () => {
    const client = { authorization: `Bearer ${keys.client}` };
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await raw('POST', '/v1/tickets', JSON.stringify(ticket()), { ...client, 'content-encoding': encoding });
      expectProblem(res, 400, 'header:Content-Encoding');
      expect([encoding, res.body.type]).toEqual([encoding, expect.stringMatching(/\/malformed-body$/)]);
    }
    expect((await raw('POST', '/v1/tickets', gzipSync(JSON.stringify(ticket())), { ...client, 'content-encoding': 'gzip' })).status).toBe(201);
    expect((await raw('POST', '/v1/tickets', brotliCompressSync(JSON.stringify(ticket())), { ...client, 'content-encoding': 'br' })).status).toBe(201);
  });

  it('gives every refused body its request ID, in X-Request-Id and in the problem (the body parser bypassed it)', async () => {
    const client = { authorization: `Bearer ${keys.client}` };
    const refused = {
      encoding: await raw('POST', '/v1/tickets', '{"brand":"uoozee"}', { ...client, 'content-encoding': 'gzip' }),
      json: await raw('POST', '/v1/tickets', '{"subject": ', client),
      size: await raw('POST', '/v1/tickets', JSON.stringify(ticket({ description: 'x'.repeat(300 * 1024) })), client),
      charset: await raw('POST', '/v1/tickets', JSON.stringify(ticket()), { ...client, 'content-type': 'application/json; charset=koi8-r' }),
      type: await raw('POST', '/v1/tickets', JSON.stringify(ticket()), { ...client, 'content-type': 'text/plain' }),
      unstorable: await raw('POST', '/v1/tickets', JSON.stringify(ticket({ subject: 'a\u0000b' })), client),
    };
    for (const [name, res] of Object.entries(refused)) {
      const id = res.headers.get('x-request-id');
      expect([name, res.status >= 400 && res.status < 500, typeof id, res.body.requestId]).toEqual([name, true, 'string', id]);
    }
    const given = await raw('POST', '/v1/tickets', '{"brand":"uoozee"}', { ...client, 'content-encoding': 'deflate', 'x-request-id': 'qa-deflate-1' });
    expect([given.headers.get('x-request-id'), given.body.requestId]).toEqual(['qa-deflate-1', 'qa-deflate-1']);
  });

  it('answers a body in a type the API does not read with 415 naming Content-Type (was 400 listing every field), and takes a body-less action without one', async () => {
    const client = { authorization: `Bearer ${keys.client}` };
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'multipart/form-data; boundary=x']) {
      const res = await raw('POST', '/v1/tickets', JSON.stringify(ticket()), { ...client, 'content-type': type });
      expectProblem(res, 415, 'header:Content-Type');
      expect([type, res.body.errors.length]).toEqual([type, 1]);
    }
    // A body without any Content-Type (fetch sends none for bytes).
    const untyped = await fetch(stack.api.baseUrl + '/v1/tickets', { method: 'POST', headers: client, body: Buffer.from(JSON.stringify(ticket())) });
    expect([untyped.status, ((await untyped.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)]).toEqual([415, ['header:Content-Type']]);
    // JSON is still read, and an action without payload needs no Content-Type at all.
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P2', title: 'origin errors', services: ['search'] } });
    expect(open.status).toBe(201);
    const ack = await fetch(`${stack.api.baseUrl}/v1/incidents/${open.body.id as string}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${keys.sre}` } });
    expect([200, 201]).toContain(ack.status);
  });

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with 400 naming the path (5,000 levels was a stack overflow)`, async () => {
    const deep = '{"plan":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const res = await raw('POST', '/v1/refunds', deep);
    expectProblem(res, 400, Array(MAX_JSON_DEPTH).fill('plan').join('.'));
    const arrays = await raw('POST', '/v1/tickets', `{"socialPost":${'['.repeat(5_000)}${']'.repeat(5_000)}}`, { authorization: `Bearer ${keys.client}` });
    expect(arrays.status).toBe(400);
    expect(arrays.body.errors[0].field).toMatch(/^socialPost\.0\.0/);
  });

  it('refuses a missing, null or non-object nested object with 400 naming it (was a 500)', async () => {
    for (const [field, value] of [
      ['plan', undefined],
      ['currentPeriod', undefined],
      ['plan', null],
      ['currentPeriod', 'soon'],
      ['plan', [1]],
    ] as const) {
      expectProblem(await http('POST', '/v1/refunds', { key: keys.agent, body: refund({ [field]: value }) }), 400, field);
    }
    // Validation runs before any case is looked up: the ID need not exist.
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ impact: undefined }) }), 400, 'impact');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ costImpact: null }) }), 400, 'costImpact');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ correctiveActions: [null] }) }), 400, 'correctiveActions');
    expectProblem(await http('POST', '/v1/takedowns/takedown-x/counter-notice', { key: keys.legal, body: { ...COUNTER_NOTICE, subscriber: undefined } }), 400, 'subscriber');
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: ticket({ channel: 'social', socialPost: null }) }), 400, 'socialPost');
    expectProblem(await http('POST', '/v1/takedowns/takedown-x/decide', { key: keys.legal, body: { outcome: 'remove', explanation: 'x', ground: 'copyright' } }), 400, 'ground');
  });

  it('refuses unsafe money and counts: 1e308, 2^53+1, negative', async () => {
    const over = await raw('POST', '/v1/refunds', JSON.stringify(refund({ plan: { interval: 'year', priceMinor: 0, currency: 'USD' } })).replace('"priceMinor":0', '"priceMinor":1e308'));
    expectProblem(over, 400, 'plan.priceMinor');
    const unsafe = await raw('POST', '/v1/refunds', JSON.stringify(refund({ plan: { interval: 'year', priceMinor: 0, currency: 'USD' } })).replace('"priceMinor":0', '"priceMinor":9007199254740993'));
    expectProblem(unsafe, 400, 'plan.priceMinor');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ costImpact: { amountMinor: 2 ** 53 + 1, currency: 'USD' } }) }), 400, 'costImpact.amountMinor');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ impact: { minutes: 1e308, affectedUsers: 1 } }) }), 400, 'impact.minutes');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ impact: { minutes: 1, affectedUsers: 1e300 } }) }), 400, 'impact.affectedUsers');
    expectProblem(await http('GET', '/v1/tickets?limit=1e308', { key: keys.agent }), 400, 'query:limit');
  });

  it('refuses a date that does not exist (30 February is not 2 March) in every date field', async () => {
    expectProblem(await http('POST', '/v1/refunds', { key: keys.agent, body: refund({ purchasedAt: '2026-02-30T10:00:00Z' }) }), 400, 'purchasedAt');
    expectProblem(await http('POST', '/v1/refunds', { key: keys.agent, body: refund({ currentPeriod: { start: '2026-04-31T00:00:00Z', end: '2027-04-30T00:00:00Z' } }) }), 400, 'currentPeriod.start');
    const thirtieth = new Date(Date.now() - DAY);
    const feb30 = `${thirtieth.getUTCFullYear()}-02-30T10:00:00Z`;
    expectProblem(await http('POST', '/v1/tickets', { key: keys.client, body: ticket({ receivedAt: feb30 }) }), 400, 'receivedAt');
    expectProblem(await http('PUT', '/v1/oncall/rotations/input-rot', { key: keys.sre, body: { participants: ['ana'], startsAt: '2026-02-29T09:00:00Z', shift: '1d' } }), 400, 'startsAt');
    expectProblem(await http('POST', '/v1/incidents/incident-x/review', { key: keys.sre, body: review({ correctiveActions: [{ action: 'a', owner: 'o', due: '2026-02-30' }] }) }), 400, 'correctiveActions.0.due');
    expectProblem(await http('POST', '/v1/billing/sla-credits/settle', { key: keys.billing, body: { breachedBefore: '2026-02-30T00:00:00Z' } }), 400, 'breachedBefore');
    expectProblem(await http('GET', '/v1/reports/sla?from=2026-02-30', { key: keys.agent }), 400, 'query:from');
    expectProblem(await http('GET', '/v1/takedowns?dueBefore=2026-06-31T00:00:00Z', { key: keys.legal }), 400, 'query:dueBefore');
  });

  it('refuses an enum filter the policies do not know with 400 listing the allowed values (was 200 with an empty page)', async () => {
    const priority = await http('GET', '/v1/tickets?priority=P9', { key: keys.agent });
    expectProblem(priority, 400, 'query:priority');
    expect(priority.body.errors[0].message).toMatch(/P1.*P4/);
    const brand = await http('GET', '/v1/tickets?brand=acme', { key: keys.agent });
    expectProblem(brand, 400, 'query:brand');
    expect(brand.body.errors[0].message).toContain('uoozee');
    expectProblem(await http('GET', '/v1/tickets?brand=vivtone&priority=P1', { key: keys.agent }), 400, 'query:priority');
    expectProblem(await http('GET', '/v1/incidents?priority=urgent', { key: keys.agent }), 400, 'query:priority');
    expectProblem(await http('GET', '/v1/reports/sla?brand=acme', { key: keys.agent }), 400, 'query:brand');
    expectProblem(await http('GET', '/v1/reports/incidents?brand=acme', { key: keys.sre }), 400, 'query:brand');
    expectProblem(await http('GET', '/v1/billing/sla-credits?brand=acme', { key: keys.billing }), 400, 'query:brand');
    expectProblem(await http('GET', '/v1/tickets?status=lost', { key: keys.agent }), 400, 'query:status');
    // Known values still filter.
    expect((await http('GET', '/v1/tickets?brand=vivtone&priority=S1', { key: keys.agent })).status).toBe(200);
  });

  it('refuses object- and list-valued query parameters instead of ignoring them', async () => {
    expectProblem(await http('GET', '/v1/billing/sla-credits?customerRef[$ne]=x', { key: keys.billing }), 400, 'query:customerRef[$ne]');
    expectProblem(await http('GET', '/v1/tickets?brand[]=uoozee', { key: keys.agent }), 400, 'query:brand[]');
    expectProblem(await http('GET', '/v1/tickets?brand=uoozee&brand=vivtone', { key: keys.agent }), 400, 'query:brand');
    expectProblem(await http('POST', '/v1/alerts?brand=uoozee&brand=vivtone', { key: keys.sre, body: { routing_key: 'R', event_action: 'trigger' } }), 400, 'query:brand');
  });
});

/** The HTTP request log and the error log, read from the API's own log stream. */
describe('what the API logs', () => {
  const lines: string[] = [];
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof httpClient>;
  let baseUrl: string;
  let agent: string;

  beforeAll(async () => {
    const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('input-logs'), LOG_LEVEL: 'info' });
    ds = await openDataSource(config);
    agent = await createKey(ds, 'agent', 'input-log-agent');
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    app = await createApiApp(config, { logDestination });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    http = httpClient(baseUrl);
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
  });

  it('logs the path and query parameter names, never query values', async () => {
    // A careless client's key in the URL (refused: not a parameter this list takes), logged all the same.
    const res = await http('GET', '/v1/tickets?api_key=sk_live_SECRET_4711&brand=uoozee&assignee=ann-the-agent', { key: agent });
    expect(res.status).toBe(400);
    // The line is written when the response finishes, which the client may see first.
    const line = await waitFor(() => lines.map((l) => JSON.parse(l) as { req?: { path?: string; query?: string[] } }).find((l) => l.req?.path === '/v1/tickets'), { what: 'the request log line' });
    expect(line.req).toMatchObject({ path: '/v1/tickets', query: ['api_key', 'brand', 'assignee'] });
    const all = lines.join('\n');
    expect(all).not.toContain('sk_live_SECRET_4711');
    expect(all).not.toContain('ann-the-agent');
  });

  it('writes the request log line, with its ID, for a body the parser refused', async () => {
    const headers = { authorization: `Bearer ${agent}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-request-id': 'qa-log-gzip-1' };
    const res = await fetch(`${baseUrl}/v1/tickets`, { method: 'POST', headers, body: '{"brand":"uoozee"}' });
    expect([res.status, res.headers.get('x-request-id')]).toEqual([400, 'qa-log-gzip-1']);
    const line = await waitFor(() => lines.map((l) => JSON.parse(l) as { req?: { id?: string }; res?: { statusCode?: number } }).find((l) => l.req?.id === 'qa-log-gzip-1'), { what: 'the request log line' });
    expect(line.res?.statusCode).toBe(400);
  });
});

/**
 * An action racing the end of its case: the dispute's workflow stops while an agent's evidence
 * update is in flight (its record activity held open here), and after. Both are a 409 naming the
 * state the case is really in, never a 500 or the state its last snapshot showed.
 */
describe('an update to a case whose workflow stops', () => {
  let stripe: StripeFake;
  let ds: DataSource;
  let worker: RunningWorker;
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let agent: string;
  let config: ReturnType<typeof testConfig>;
  /** The evidence record waits on this: the update stays in flight until it is released. */
  let heldRecord: { entered: Promise<void>; enter(): void; release(): void };

  beforeAll(async () => {
    stripe = await startStripeFake();
    config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('input-race'), STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, BILLING_WEBHOOK_SECRET: stripe.webhookSecret });
    ds = await openDataSource(config);
    let enter!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((r) => (enter = r));
    const released = new Promise<void>((r) => (release = r));
    heldRecord = { entered, enter, release };
    const real = realActivities(config, ds);
    const activities: Activities = {
      ...real,
      recordBillingCase: async (...args: Parameters<Activities['recordBillingCase']>) => {
        if (args[1].type === 'evidence_added') {
          heldRecord.enter();
          await released;
        }
        return real.recordBillingCase(...args);
      },
    };
    worker = await startWorker(config, ds, config.TEMPORAL_TASK_QUEUE, activities);
    api = await startApi(config);
    http = httpClient(api.baseUrl);
    agent = await createKey(ds, 'agent', 'input-race-agent');
  });
  afterAll(async () => {
    heldRecord?.release();
    await api?.stop();
    await worker?.stop();
    await ds?.destroy();
    await stripe?.close();
  });

  it('answers 410 naming how the case stopped, during the update and after it (was a 500, then the stale state, then a 409)', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH77', last4: '4242' });
    const event = stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy: Date.now() + 48 * 3_600_000 + 600_000 });
    const caseId = `dispute-${String((event.data as { object: { id: string } }).object.id)}`;
    const { body, header } = stripe.signedEvent(event);
    const delivered = await fetch(`${api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(delivered.status).toBe(200);
    await waitFor(async () => (await http('GET', `/v1/disputes/${caseId}`, { key: agent })).body.status === 'evidence_staged', { what: 'evidence staged' });

    const inFlight = http('POST', `/v1/disputes/${caseId}/evidence`, { key: agent, body: { item: 'access_log', value: 'https://files.example/access-log.csv' } });
    await heldRecord.entered;
    const client = await temporalClient(config);
    try {
      // The case's workflow stops under the accepted update (an operator's terminate; a failure ends the same way).
      await client.workflow.getHandle(caseId).terminate('input-hardening test: the case stops under an update');
    } finally {
      await client.connection.close();
    }
    const raced = await inFlight;
    expect([raced.status, raced.headers.get('content-type'), raced.body.state]).toEqual([410, expect.stringContaining('application/problem+json'), 'terminated']);
    heldRecord.release();

    const after = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: agent, body: { item: 'cancellation_policy', value: 'https://uoozee.example/terms' } });
    expect([after.status, after.body.state]).toEqual([410, 'terminated']);
    expect(after.body.detail).toMatch(/stopped/);
  });
});
