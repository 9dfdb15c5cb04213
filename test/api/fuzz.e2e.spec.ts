import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ROLES, Role } from '../../src/persistence/entities/api-key.entity';
import { JSON_BODY_LIMIT_BYTES } from '../../src/api/input/body-limits';
import { hubSpotSignatureV3 } from '../fakes/hubspot';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { createKey, openDataSource, RunningApi, RunningWorker, startApi, startWorker, testConfig, uniqueTaskQueue } from '../support/harness';
import { fuzzOperation } from '../support/fuzz/fuzz-operation';
import { caseKindOf, LiveCases, upsertParamsOf } from '../support/fuzz/live-cases';
import { OpenApiDocument, Operation, operationsOf, Parameter, Schema } from '../support/fuzz/openapi';
import { closeRawAgent, rawRequest } from '../support/fuzz/raw-request';
import { accessByOperationId, roleFor } from '../support/fuzz/roles';
import { schemaOfExample, typeOf } from '../support/fuzz/schema-walk';
import { verdict } from '../support/fuzz/verdict';
import { deeplyNested, MALFORMED_JSON } from '../support/fuzz/hostile-values';

/**
 * Every operation in /docs-json, fuzzed with hostile input on the real stack (API, worker,
 * Temporal dev server, PostgreSQL): malformed JSON, wrong types, missing fields at every depth,
 * unknown and prototype keys, oversize and 5,000-deep bodies, control characters, unsafe numbers,
 * impossible dates, injection strings, list- and object-valued query parameters, bad path IDs.
 * Every answer is a 4xx problem+json naming the field (never 5xx, never 2xx for a malformed
 * request), and each live case touched still answers GET afterwards.
 *
 * Seeded: FUZZ_SEED (default fixed, so CI is repeatable; `FUZZ_SEED=random` for a new one),
 * FUZZ_RUNS requests per operation, FUZZ_ONLY='POST /v1/refunds' for one operation.
 */
const DEFAULT_SEED = 20261203;
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${process.env.FUZZ_SEED}`);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const HUBSPOT_SECRET = 'fuzz-hubspot-client-secret';
const ONLY = process.env.FUZZ_ONLY;
/** The fuzzing's share of the file's two minutes; each operation gets an equal part of what is left. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 75_000);
/** Past the budget, each operation gets a second; this far past it (a server that hangs), the rest are not run. */
const HARD_STOP_AFTER_MS = 20_000;

/** Operations fuzzed another way, each with its reason. Keep this short. */
const FUZZED_SEPARATELY: Record<string, string> = {
  'POST /v1/webhooks/billing': 'takes a Stripe-signed raw body: fuzzed below for 400 on every bad signature',
  'POST /v1/webhooks/crm': 'takes a HubSpot-signed raw body: fuzzed below for 400 on every bad signature',
};

/** What the document leaves out and the operation still takes (a gap in the document, said here). */
const DOCUMENT_GAPS: Record<string, { body?: Schema; query?: Parameter[] }> = {
  // The remote codec protocol's body is a TypeScript interface, which @nestjs/swagger cannot see.
  'POST /codec/decode': { body: codecBody() },
  'POST /codec/encode': { body: codecBody() },
  // The list's filters are an inline type, which @nestjs/swagger cannot see.
  'GET /v1/billing/sla-credits': {
    query: [
      { name: 'settled', in: 'query', required: false, schema: { type: 'boolean' } },
      { name: 'brand', in: 'query', required: false, schema: { type: 'string', example: 'uoozee' } },
      { name: 'customerRef', in: 'query', required: false, schema: { type: 'string', example: 'cus_1' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'number', minimum: 1, maximum: 500 } },
    ],
  },
};

/** Proto3 JSON leaves an empty list out, so `payloads` is optional: `{}` is no payloads (answered `{"payloads":[]}`). */
function codecBody(): Schema {
  return {
    type: 'object',
    properties: {
      payloads: {
        type: 'array',
        items: { type: 'object', properties: { metadata: { type: 'object', additionalProperties: { type: 'string' }, example: { encoding: 'anNvbi9wbGFpbg==' } }, data: { type: 'string', example: 'e30=' } } },
      },
    },
  };
}

/** A body documented only by an example (validated in code) is fuzzed through the example's shape. */
function withBodyShape(op: Operation): Operation {
  const gap = DOCUMENT_GAPS[op.key];
  let body = gap?.body ?? op.body;
  if (body && !typeOf(body) && body.example !== undefined) body = schemaOfExample(body.example);
  return { ...op, body, parameters: [...op.parameters, ...(gap?.query ?? [])] };
}

/** Each operation its own seed, from the run's seed and its name: FUZZ_ONLY replays it exactly. */
const seedFor = (key: string) => (SEED ^ createHash('sha256').update(key).digest().readInt32BE(0)) | 0;

describe('fuzz: every operation in the OpenAPI document', () => {
  let stripe: StripeFake;
  let ds: DataSource;
  let worker: RunningWorker;
  let api: RunningApi;
  let live: LiveCases;
  const keys = {} as Record<Role, string>;
  let ops: Operation[] = [];
  let totalCases = 0;
  let tested = 0;
  // The run's database is shared with the suites after this one: on-call rotations and escalation
  // policies this suite stores (a one-level ladder for uoozee P1, say) would change their incidents.
  let configBefore: { policies: string[]; rotations: string[] } | undefined;
  const started = Date.now();

  beforeAll(async () => {
    stripe = await startStripeFake();
    const config = testConfig({
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('fuzz-e2e'),
      STRIPE_API_KEY: stripe.apiKey,
      STRIPE_API_BASE: stripe.url,
      BILLING_WEBHOOK_SECRET: stripe.webhookSecret,
      HUBSPOT_WEBHOOK_SECRET: HUBSPOT_SECRET,
      // Thousands of requests from one address and a few keys: the limits are not what is tested here.
      RATE_LIMIT_PER_MINUTE: '1000000',
      TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE: '1000000',
    });
    ds = await openDataSource(config);
    configBefore = {
      policies: ((await ds.query(`SELECT id FROM escalation_policies`)) as { id: string }[]).map((r) => r.id),
      rotations: ((await ds.query(`SELECT name FROM oncall_rotations`)) as { name: string }[]).map((r) => r.name),
    };
    worker = await startWorker(config, ds);
    api = await startApi(config);
    for (const role of ROLES) keys[role] = await createKey(ds, role, `fuzz-${role}`);
    live = new LiveCases(api.baseUrl, keys, stripe);
    const doc = await rawRequest(api.baseUrl, { method: 'GET', path: '/docs-json', headers: {} });
    ops = operationsOf(doc.body as OpenApiDocument).map(withBodyShape);
  }, 60_000);

  afterAll(async () => {
    closeRawAgent();
    await api?.stop();
    await worker?.stop();
    if (configBefore) {
      await ds.query(`DELETE FROM escalation_policies WHERE NOT (id = ANY($1))`, [configBefore.policies]);
      await ds.query(`DELETE FROM oncall_rotations WHERE NOT (name = ANY($1))`, [configBefore.rotations]);
    }
    await ds?.destroy();
    await stripe?.close();
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`\nfuzz: ${tested} operations × ${RUNS} cases plus each one's sweep (${totalCases} requests, ${seconds} s), seed ${SEED}\n`);
  });

  it('refuses hostile input on every operation with a 4xx problem naming the field, and every case touched still answers GET', async () => {
    expect(ops.length).toBeGreaterThan(50);
    if (ONLY && FUZZED_SEPARATELY[ONLY]) return;
    const access = accessByOperationId(api.app, testConfig());
    const failures: string[] = [];
    const selected = ops.filter((op) => !FUZZED_SEPARATELY[op.key] && (!ONLY || op.key === ONLY));
    if (ONLY) expect(selected.map((o) => o.key)).toEqual([ONLY]);
    const deadline = Date.now() + BUDGET_MS;

    for (const [i, op] of selected.entries()) {
      // A server that hangs on requests must not hang the suite: what is left is reported, not run.
      if (Date.now() > deadline + HARD_STOP_AFTER_MS) {
        failures.push(`${selected.length - i} operation(s) not fuzzed: out of time (${selected.slice(i).map((o) => o.key).join(', ')})`);
        break;
      }
      const rule = access.get(op.operationId);
      if (!rule) {
        failures.push(`${op.key}: operationId ${op.operationId} matches no controller method, so its role is unknown`);
        continue;
      }
      const role = roleFor(rule);
      let pathValues: Record<string, string>;
      try {
        pathValues = await live.pathValues(op.key, op.path, op.parameters.filter((p) => p.in === 'path').map((p) => p.name));
      } catch (err) {
        failures.push(`${op.key}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const outcome = await fuzzOperation(op, {
        baseUrl: api.baseUrl,
        key: role ? keys[role] : undefined,
        pathValues,
        baseBody: await baseBodyFor(op),
        upsertParams: Object.keys(upsertParamsOf(op.path) ?? {}),
        bodyLimitBytes: JSON_BODY_LIMIT_BYTES,
        seed: seedFor(op.key),
        numRuns: RUNS,
        timeLimitMs: Math.max(300, (deadline - Date.now()) / (selected.length - i)),
      });
      totalCases += outcome.cases;
      tested++;
      failures.push(...outcome.failures);
      const kind = caseKindOf(op.path);
      if (kind) {
        const after = await live.readBack(kind).catch((err: Error) => ({ status: 0, text: err.message }));
        if (after.status !== 200) failures.push(`${op.key}: the ${kind} it touched answers GET with ${after.status || 'nothing'} afterwards: ${after.text.slice(0, 200)}`);
        // A stuck case would make every later operation on it wait out its timeouts: use a fresh one.
        if (after.status !== 200 || outcome.stuck) live.replace(kind);
      }
    }
    if (failures.length) {
      throw new Error(`${failures.length} wrong answer(s) (run seed ${SEED}; replay one with FUZZ_SEED=${SEED} FUZZ_ONLY='<METHOD> <path>'):\n  ${failures.join('\n  ')}`);
    }
  }, 150_000);

  it('refuses every gateway webhook whose Stripe-Signature does not verify (400 naming the header), or whose body is too large or deep, and never answers 5xx', async () => {
    if (ONLY && ONLY !== 'POST /v1/webhooks/billing') return;
    const charge = stripe.addCharge({ amount: 500, currency: 'usd' });
    const event = stripe.addDispute({ charge: String(charge.id), dueBy: Date.now() + 10 * 86_400_000 });
    const genuine = stripe.signedEvent(event);
    const stale = stripe.signedEvent(event, Math.floor(Date.now() / 1000) - 3_600);
    const oversize = { text: JSON.stringify({ ...JSON.parse(genuine.body), pad: 'x'.repeat(JSON_BODY_LIMIT_BYTES) }), json: false };
    const deep = { text: `{"data":${deeplyNested(5000, 'object')}}`, json: false };
    // `json`: a JSON object, so the signature is what gets refused (and named). Bodies the parser
    // or the input guard refuse first are named by them, or are a 413.
    const bodies = fc.oneof(
      fc.constant({ text: genuine.body, json: true }),
      fc.constant({ text: genuine.body.replace('"amount":500', '"amount":5'), json: true }),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })).map((v) => ({ text: JSON.stringify(v), json: true })),
      fc.constantFrom(...MALFORMED_JSON).map((text) => ({ text, json: false })),
      fc.constant(oversize),
      fc.constant(deep),
    );
    const signatures = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('', 'garbage', 't=1,v1=00', `t=${Math.floor(Date.now() / 1000)}`, 'v1=deadbeef', `t=abc,v1=${'0'.repeat(64)}`, stale.header, 't=1'.repeat(500)),
      fc.constant(genuine.header),
    );
    let sent = 0;
    const property = fc.asyncProperty(bodies, signatures, async (body, signature) => {
      // The genuine header only ever signs the genuine body: with any other body it does not verify.
      fc.pre(!(body.text === genuine.body && signature === genuine.header));
      sent++;
      const res = await rawRequest(api.baseUrl, {
        method: 'POST',
        path: '/v1/webhooks/billing?brand=uoozee',
        headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'stripe-signature': signature }) },
        body: body.text,
      });
      // A body that is not JSON is refused by the parser before the signature is read.
      const wrong = verdict(res, 'refused', body.json ? 'header:Stripe-Signature' : undefined);
      if (wrong) throw new Error(`signature ${JSON.stringify(signature)?.slice(0, 80)} body ${JSON.stringify(body.text.slice(0, 80))} → ${wrong}`);
    });
    const details = await fc.check(property, { seed: seedFor('POST /v1/webhooks/billing'), numRuns: RUNS + 2, examples: [[oversize, genuine.header], [deep, 'garbage']], interruptAfterTimeLimit: 10_000, endOnFailure: true });
    totalCases += sent;
    tested++;
    if (details.failed) throw new Error(`POST /v1/webhooks/billing: ${String((details.errorInstance as Error)?.message ?? details.errorInstance)} (run seed ${SEED}, fast-check seed ${details.seed}, path "${details.counterexamplePath}")`);
  }, 30_000);

  it('refuses every CRM webhook whose X-HubSpot-Signature-v3 does not verify or whose timestamp is stale (400 naming the header), and never answers 5xx', async () => {
    if (ONLY && ONLY !== 'POST /v1/webhooks/crm') return;
    const url = `${api.baseUrl}/v1/webhooks/crm`;
    const events = JSON.stringify([{ eventId: 1, subscriptionType: 'ticket.propertyChange', objectId: 2, propertyName: 'caseworks_priority', propertyValue: 'P1' }]);
    const now = Date.now();
    const genuine = { body: events, timestamp: String(now), signature: hubSpotSignatureV3(HUBSPOT_SECRET, 'POST', url, events, now) };
    const bodies = fc.oneof(
      fc.constant({ text: events, json: true }),
      fc.constant({ text: events.replace('P1', 'P2'), json: true }),
      // Objects and arrays: the JSON parser refuses a bare primitive before the signature is read.
      fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 })), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }))).map((v) => ({ text: JSON.stringify(v), json: true })),
      fc.constantFrom(...MALFORMED_JSON).map((text) => ({ text, json: false })),
    );
    const timestamps = fc.oneof(fc.constant(undefined), fc.constantFrom('', 'abc', '1', String(now - 3_600_000), String(now + 3_600_000), '9'.repeat(40)), fc.constant(genuine.timestamp));
    const signatures = fc.oneof(fc.constant(undefined), fc.constantFrom('', 'garbage', '====', 'x'.repeat(5000)), fc.base64String({ maxLength: 60 }), fc.constant(genuine.signature));
    let sent = 0;
    const property = fc.asyncProperty(bodies, timestamps, signatures, async (body, timestamp, signature) => {
      fc.pre(!(body.text === genuine.body && timestamp === genuine.timestamp && signature === genuine.signature));
      sent++;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (timestamp !== undefined) headers['x-hubspot-request-timestamp'] = timestamp;
      if (signature !== undefined) headers['x-hubspot-signature-v3'] = signature;
      const res = await rawRequest(api.baseUrl, { method: 'POST', path: '/v1/webhooks/crm', headers, body: body.text });
      const named = (res.body as { errors?: { field?: string }[] } | undefined)?.errors?.[0]?.field;
      const field = named === 'header:X-HubSpot-Request-Timestamp' ? named : 'header:X-HubSpot-Signature-v3';
      const wrong = verdict(res, 'refused', body.json ? field : undefined);
      if (wrong) throw new Error(`timestamp ${JSON.stringify(timestamp)} signature ${JSON.stringify(signature)?.slice(0, 60)} body ${JSON.stringify(body.text.slice(0, 80))} → ${wrong}`);
    });
    const details = await fc.check(property, { seed: seedFor('POST /v1/webhooks/crm'), numRuns: RUNS + 2, interruptAfterTimeLimit: 10_000, endOnFailure: true });
    totalCases += sent;
    tested++;
    if (details.failed) throw new Error(`POST /v1/webhooks/crm: ${String((details.errorInstance as Error)?.message ?? details.errorInstance)} (run seed ${SEED}, fast-check seed ${details.seed}, path "${details.counterexamplePath}")`);
  }, 30_000);

  // Found by this suite: the documented example shift "1w", and a "0h" shift or "0m" ack timeout
  // (both match the DTO's pattern), reached parseDuration unguarded and answered 500.
  it('takes an on-call shift in weeks, and names a zero shift or ack timeout as a 400', async () => {
    const put = (path: string, body: unknown) => rawRequest(api.baseUrl, { method: 'PUT', path, headers: { authorization: `Bearer ${keys.sre}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const weekly = await put('/v1/oncall/rotations/fuzz-weekly', { participants: ['ana', 'ben'], startsAt: '2026-11-23T09:00:00Z', shift: '1w' });
    expect([weekly.status, (weekly.body as { shiftMs: number }).shiftMs]).toEqual([200, 7 * 86_400_000]);
    const zero = await put('/v1/oncall/rotations/fuzz-weekly', { participants: ['ana'], startsAt: '2026-11-23T09:00:00Z', shift: '0h' });
    expect(verdict(zero, 'refused', 'shift')).toBeUndefined();
    const instant = await put('/v1/escalation-policies/fuzz-zero', { brand: 'uoozee', priorities: ['P1'], levels: [{ targets: ['user:ann'], ackTimeout: '0m' }] });
    expect(verdict(instant, 'refused', 'levels.0.ackTimeout')).toBeUndefined();
  });

  // Found by this suite: class-transformer drops prototype keys silently, so they passed the
  // unknown-field check; the codec took any JSON in place of a Payload.
  it('refuses prototype keys at any depth and a malformed codec Payload, naming the field', async () => {
    const post = (path: string, role: Role, body: string) => rawRequest(api.baseUrl, { method: 'POST', path, headers: { authorization: `Bearer ${keys[role]}`, 'content-type': 'application/json' }, body });
    const ticket = await live.idOf('ticket');
    for (const [body, field] of [
      ['{"message":"hello","__proto__":{"polluted":true}}', '__proto__'],
      ['{"message":"hello","constructor":{"prototype":{"polluted":true}}}', 'constructor'],
      ['{"message":"hello","prototype":true}', 'prototype'],
    ]) {
      expect(verdict(await post(`/v1/tickets/${ticket}/reply`, 'agent', body), 'refused', field)).toBeUndefined();
    }
    expect(verdict(await post('/codec/encode', 'agent', '{"payloads":[true]}'), 'refused', 'payloads.0')).toBeUndefined();
    expect(verdict(await post('/codec/decode', 'agent', '{"payloads":[{"data":"e30=","extra":1}]}'), 'refused', 'payloads.0.extra')).toBeUndefined();
  });

  // Found by this suite (FUZZ_SEED=796559993): `limit=0x10` listed 16 items, as Number() reads hex.
  it('takes a query integer in plain digits only', async () => {
    const get = (path: string, role: Role) => rawRequest(api.baseUrl, { method: 'GET', path, headers: { authorization: `Bearer ${keys[role]}` } });
    for (const [path, role, field] of [
      ['/v1/tickets?limit=0x10', 'agent', 'query:limit'],
      ['/v1/incidents?limit=1e1', 'sre', 'query:limit'],
      ['/v1/reports/transparency?year=0x7EA', 'legal', 'query:year'],
      ['/v1/billing/sla-credits?limit=0x10', 'billing', 'query:limit'],
    ] as const) {
      expect(verdict(await get(path, role), 'refused', field)).toBeUndefined();
    }
    expect((await get('/v1/tickets?limit=10', 'agent')).status).toBe(200);
  });

  /** Bodies the document's samples cannot make valid against live state. */
  async function baseBodyFor(op: Operation): Promise<unknown> {
    if (op.key === 'POST /v1/refunds') {
      const charge = stripe.addCharge({ amount: 9999, currency: 'usd' });
      return live.refundBody(String(charge.id), String(stripe.addSubscription().id));
    }
    if (op.key === 'POST /v1/incidents/{id}/link-ticket') return { ticketId: await live.idOf('ticket') };
    // No credit keys: a sweep over made-up keys only fills the worker log with failed settlements.
    if (op.key === 'POST /v1/billing/sla-credits/settle') return { breachedBefore: new Date().toISOString() };
    return undefined;
  }
});
