import type { Client } from '@temporalio/client';
import type { Role } from '../../src/persistence/entities/api-key.entity';
import { createKey, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient, HttpResult } from '../support/http';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;

/**
 * One create operation of the API, as a row of the table below. `n` makes each test's request
 * its own; `key` is the Idempotency-Key, or for preservations the authority's reference, which
 * is that create's natural idempotency key (it has no Idempotency-Key header).
 */
interface CreateOperation {
  name: string;
  role: Role;
  path(): Promise<string>;
  body(n: string): Record<string, unknown>;
  /** The same request with one field changed that the old per-kind checks did not compare. */
  changed(body: Record<string, unknown>): Record<string, unknown>;
  viaHeader: boolean;
  firstStatus: number;
  /** Where the 422 points: the header, or the body field that is the key. */
  field: string;
  idOf(body: Record<string, any>): string;
  /** The read model's table, for the "after the workflow has closed" case. */
  table: string;
}

/** Every POST that creates a case with an idempotency key: the same rule for each. */
describe('one idempotency rule for every create', () => {
  // What this suite checks is the answers, not their latency (as ticket-concurrency.e2e): on a
  // loaded CI machine the default 5 s budget once turned a duplicate racing the case's first
  // workflow task into a 503 (its query then waited out QUERY_TIMEOUT_MS; the dev server now holds
  // such queries instead, scripts/dev-server.ts).
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('idempotency-e2e'), REQUEST_BUDGET_MS: '60000' });
  const stack = useHttpStack(config);
  const keys: Partial<Record<Role, string>> = {};
  let http: ReturnType<typeof httpClient>;
  let temporal: Client;
  let takedownCase: Promise<string> | undefined;

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    temporal = await temporalClient(config);
    for (const role of ['client', 'agent', 'sre', 'legal'] as const) keys[role] = await createKey(stack.ds, role, `idem-${role}`);
  });
  afterAll(async () => {
    await temporal?.connection.close();
  });

  /** A takedown case in triage, for the preservation requests (filed once, on first use). */
  const caseForPreservations = (): Promise<string> =>
    (takedownCase ??= (async () => {
      const filed = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
      const id = filed.body.caseId as string;
      await waitFor(async () => (await http('GET', `/v1/takedowns/${id}`, { key: keys.legal })).body.state === 'triage', { what: 'takedown in triage' });
      return id;
    })());

  const now = Date.now();
  const operations: CreateOperation[] = [
    {
      name: 'POST /v1/tickets',
      role: 'client',
      path: async () => '/v1/tickets',
      body: (n) => ({ brand: 'uoozee', channel: 'email', priority: 'P3', subject: `Playback stops ${n}`, description: 'The TV app stops after 10 minutes', customerRef: 'cust_4711' }),
      changed: (b) => ({ ...b, description: 'A different description' }),
      viaHeader: true,
      firstStatus: 201,
      field: 'header:Idempotency-Key',
      idOf: (b) => b.id,
      table: 'tickets',
    },
    {
      name: 'POST /v1/incidents',
      role: 'sre',
      path: async () => '/v1/incidents',
      body: (n) => ({ brand: 'uoozee', priority: 'P3', title: `Subtitles missing ${n}`, services: ['subtitles'] }),
      changed: (b) => ({ ...b, services: ['subtitles', 'cdn'] }),
      viaHeader: true,
      firstStatus: 201,
      field: 'header:Idempotency-Key',
      idOf: (b) => b.id,
      table: 'incidents',
    },
    {
      name: 'POST /v1/refunds',
      role: 'agent',
      path: async () => '/v1/refunds',
      body: (n) => ({
        brand: 'uoozee',
        customerRef: `cust_${n}`,
        subscriptionId: 'sub_idem',
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: new Date(now - 2 * DAY).toISOString(),
        currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
        paymentReference: 'ch_idem',
        reason: 'cancellation',
      }),
      changed: (b) => ({ ...b, plan: { interval: 'year', priceMinor: 1, currency: 'USD' } }),
      viaHeader: true,
      firstStatus: 201,
      field: 'header:Idempotency-Key',
      idOf: (b) => b.id,
      table: 'billing_cases',
    },
    {
      name: 'POST /v1/takedowns (partner)',
      role: 'client',
      path: async () => '/v1/takedowns',
      body: (n) => copyrightNotice({ explanation: `Full episode uploaded without licence (${n}).` }) as unknown as Record<string, unknown>,
      changed: (b) => ({ ...b, items: [{ contentId: 'vid_999', url: 'https://uoozee.example/watch/vid_999' }] }),
      viaHeader: true,
      firstStatus: 202,
      field: 'header:Idempotency-Key',
      idOf: (b) => b.caseId,
      table: 'takedowns',
    },
    {
      name: 'POST /v1/takedowns/:id/preservations',
      role: 'legal',
      path: async () => `/v1/takedowns/${await caseForPreservations()}/preservations`,
      body: (n) => ({ authority: 'Polizei Berlin, LKA 7', reference: `LKA7-${n}`, items: [{ contentId: 'vid_123' }] }),
      changed: (b) => ({ ...b, items: [{ contentId: 'vid_123' }, { url: 'https://uoozee.example/watch/vid_456' }] }),
      viaHeader: false,
      firstStatus: 201,
      field: 'reference',
      idOf: (b) => b.id,
      table: 'takedown_preservations',
    },
  ];

  let counter = 0;
  const fresh = (): string => `${Date.now().toString(36)}-${++counter}`;
  const send = async (op: CreateOperation, n: string, body: Record<string, unknown>): Promise<HttpResult> =>
    http('POST', await op.path(), { key: keys[op.role], body, headers: op.viaHeader ? { 'Idempotency-Key': `idem-${n}` } : {} });

  const expectReused = (op: CreateOperation, res: HttpResult) => {
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.type).toBe('https://caseworks.dev/problems/idempotency-key-reused');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([op.field]);
  };

  describe.each(operations.map((op) => [op.name, op] as const))('%s', (_name, op) => {
    it('first request creates; the same request is a 200 replay of the same case; a different one under the key is a 422', async () => {
      const n = fresh();
      const body = op.body(n);
      const first = await send(op, n, body);
      expect(first.status).toBe(op.firstStatus);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const id = op.idOf(first.body);

      // Key order is not part of the request: the same data in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const replay = await send(op, n, reordered);
      expect([replay.status, replay.headers.get('idempotent-replayed'), op.idOf(replay.body)]).toEqual([200, 'true', id]);

      expectReused(op, await send(op, n, op.changed(body)));
      // The refusal claimed nothing: the original request still replays.
      expect((await send(op, n, body)).status).toBe(200);
    });

    it('concurrent duplicates make one case; a concurrent different request under the key is refused', async () => {
      const n = fresh();
      const body = op.body(n);
      const same = await Promise.all(Array.from({ length: 5 }, () => send(op, n, body)));
      expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, op.firstStatus].sort());
      expect(new Set(same.map((r) => op.idOf(r.body))).size).toBe(1);
      expect(same.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);

      const m = fresh();
      const racing = await Promise.all([send(op, m, op.body(m)), send(op, m, op.changed(op.body(m)))]);
      expect(racing.map((r) => r.status).sort()).toEqual([op.firstStatus, 422].sort());
      expectReused(op, racing.find((r) => r.status === 422)!);
    });

    it('the rule holds after the case’s workflow has closed', async () => {
      const n = fresh();
      const body = op.body(n);
      const first = await send(op, n, body);
      expect(first.status).toBe(op.firstStatus);
      const id = op.idOf(first.body);
      await waitFor(async () => ((await stack.ds.query(`SELECT 1 FROM ${op.table} WHERE id = $1`, [id])) as unknown[]).length > 0, { what: `${id} in ${op.table}` });
      await temporal.workflow.getHandle(id).terminate('idempotency test: the case has closed');

      expectReused(op, await send(op, n, op.changed(body)));
      const replay = await send(op, n, body);
      expect([replay.status, replay.headers.get('idempotent-replayed'), op.idOf(replay.body)]).toEqual([200, 'true', id]);
    });
  });
});
