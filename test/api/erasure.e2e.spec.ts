import { execFileSync } from 'node:child_process';
import { hkdfSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { payloadCodecsFor } from '../../src/temporal/temporal-options';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { createKey, openDataSource, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { httpClient } from '../support/http';
import { queryOpened, testSealer } from '../support/sealed-rows';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';
import { AppProcess, spawnAppProcess, spawnWorkerProcess } from '../support/worker-process';

const DAY = 86_400_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Every payload inside a history (any message with `data` bytes and a `metadata` map). */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const o = value as Record<string, unknown>;
  if (o.data instanceof Uint8Array && o.metadata !== null && typeof o.metadata === 'object') {
    found.push(o as Payload);
    return found;
  }
  for (const v of Object.values(o)) {
    if (Array.isArray(v)) v.forEach((x) => payloadsIn(x, found));
    else payloadsIn(v, found);
  }
  return found;
}

/**
 * A unique marker goes in through every case kind that names a data subject — a ticket (subject,
 * description, a reply), a refund (the agent's identity note), a takedown notice (the notifier's
 * name, e-mail and explanation) — is readable before erasure through the API, the read model
 * (opened with the case keys) and the codec, yet never stored in clear: not in any column, not in
 * a pg_dump of the database, not in raw histories. After erasure it is found nowhere: not in any
 * text/json column of any table, not in the dump taken BEFORE the erasure (a backup: its sealed
 * strings no longer open), not in the raw Temporal histories, not through the codec, not through
 * the API, not in the logs of the API and worker processes this test runs (LOG_LEVEL=debug).
 */
describe('erasure: crypto-shredding a data subject', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('erasure') });
  const marker = `MRK${randomBytes(8).toString('hex')}`;
  const customerRef = `cust_${randomBytes(6).toString('hex')}`;
  const notifierEmail = `n${randomBytes(6).toString('hex')}@example.org`;
  const heldNotifierEmail = `h${randomBytes(6).toString('hex')}@example.org`;
  const gatewayCustomer = `cus_${randomBytes(6).toString('hex')}`;
  let stripe: StripeFake;
  let ds: DataSource;
  let temporal: Client;
  let worker: AppProcess;
  let api: AppProcess;
  let http: ReturnType<typeof httpClient>;
  let base: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    ds = await openDataSource(config);
    temporal = await temporalClient(config);
    keys.agent = await createKey(ds, 'agent', 'agent-erasure');
    keys.legal = await createKey(ds, 'legal', 'legal-erasure');
    keys.privacy = await createKey(ds, 'privacy', 'dpo-erasure');
    stripe = await startStripeFake();
    const env = {
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      LOG_LEVEL: 'debug',
      STRIPE_API_KEY: stripe.apiKey,
      STRIPE_API_BASE: stripe.url,
      BILLING_WEBHOOK_SECRET: stripe.webhookSecret,
    };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // One after the other: each start (ts-node) gets the CPU to itself within its 60 s.
    worker = await spawnWorkerProcess(env);
    api = await spawnAppProcess('src/api/main.ts', { ...env, API_PORT: String(port) }, async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok === true);
    http = httpClient(base);
  }, 180_000);
  afterAll(async () => {
    // ERASURE_DUMP_LOGS=<file>: the processes' output, to see why a step failed.
    if (process.env.ERASURE_DUMP_LOGS) writeFileSync(process.env.ERASURE_DUMP_LOGS, `${api?.output() ?? ''}\n----- worker -----\n${worker?.output() ?? ''}`);
    for (const p of [api, worker]) {
      if (!p) continue;
      p.child.kill('SIGTERM');
      await p.exited;
    }
    await temporal?.connection.close();
    await ds?.destroy();
    await stripe?.close();
  });

  /** Every text, varchar, json, jsonb and text[] column of every table, searched for the needle. */
  async function tablesHolding(needle: string): Promise<string[]> {
    const columns = (await ds.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND (data_type IN ('text', 'character varying', 'json', 'jsonb') OR udt_name IN ('_text', '_varchar'))`,
    )) as { table_name: string; column_name: string }[];
    const hits: string[] = [];
    for (const { table_name, column_name } of columns) {
      const [row] = (await ds.query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text LIKE $1`, [`%${needle}%`])) as { n: number }[];
      if (row.n > 0) hits.push(`${table_name}.${column_name}`);
    }
    return hits;
  }

  /** The database as a backup holds it (pg_dump's plain format: every row of every table). */
  function dumpDatabase(): string {
    return execFileSync('pg_dump', ['--data-only', '--no-owner', `--dbname=${config.DATABASE_URL}`], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  }

  /** The sealed strings in `dump` that belong to `caseIds`. */
  function sealedStringsOf(dump: string, caseIds: string[]): string[] {
    return caseIds.flatMap((id) => dump.match(new RegExp(`sealed:v1:${id}:[A-Za-z0-9_-]+`, 'g')) ?? []);
  }

  async function rawHistory(workflowId: string): Promise<proto.api.history.v1.IHistory> {
    const events: proto.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await temporal.workflowService.getWorkflowExecutionHistory({ namespace: config.TEMPORAL_NAMESPACE, execution: { workflowId }, nextPageToken });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return { events };
  }

  const rawBytes = async (workflowId: string) => Buffer.from(proto.api.history.v1.History.encode(await rawHistory(workflowId)).finish()).toString('latin1');

  /** The history's payloads opened with the very codec chain the worker and the API use (a fresh key cache each time). */
  async function decodedHistory(workflowId: string): Promise<string> {
    const codecs = payloadCodecsFor(config);
    let payloads = payloadsIn(await rawHistory(workflowId));
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    return payloads.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
  }

  async function openCases(): Promise<{ ticketId: string; refundId: string; takedownId: string; dunningId: string }> {
    const ticket = await http('POST', '/v1/tickets', {
      key: keys.agent,
      body: { brand: 'uoozee', channel: 'email', priority: 'P2', subject: `Playback ${marker}`, description: `It stops, says ${marker}`, customerRef },
    });
    expect(ticket.status).toBe(201);
    const ticketId = ticket.body.id as string;
    expect((await http('POST', `/v1/tickets/${ticketId}/reply`, { key: keys.agent, body: { message: `We are on it ${marker}` } })).status).toBe(200);

    const now = Date.now();
    const refund = await http('POST', '/v1/refunds', {
      key: keys.agent,
      body: {
        brand: 'uoozee',
        customerRef,
        subscriptionId: stripe.addSubscription().id,
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: new Date(now - 2 * DAY).toISOString(),
        currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
        paymentReference: stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1B2C3', last4: '4444', brand: 'mastercard' }).id,
        reason: 'cancellation',
      },
    });
    expect(refund.status).toBe(201);
    const refundId = refund.body.id as string;
    expect((await http('POST', `/v1/refunds/${refundId}/confirm-identity`, { key: keys.agent, body: { method: `code sent, ref ${marker}` } })).status).toBe(200);

    const takedown = await http('POST', '/v1/takedowns', {
      body: copyrightNotice({
        notifier: { name: `Jo ${marker}`, email: notifierEmail, organisation: 'Studio Example LLC', role: 'attorney' },
        explanation: `Our episode, uploaded without licence ${marker}`,
      }),
    });
    expect(takedown.status).toBe(202);

    // A failed renewal, from the gateway's signed webhook: its subject is the gateway's customer.
    const invoiceId = `in_${randomBytes(8).toString('hex')}`;
    const { body: event, header } = stripe.signedEvent({
      id: `evt_${invoiceId}`,
      object: 'event',
      type: 'invoice.payment_failed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: invoiceId, object: 'invoice', customer: gatewayCustomer, subscription: stripe.addSubscription().id, amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1 } },
    });
    const delivered = await fetch(`${base}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: event });
    expect(delivered.status).toBe(200);
    const dunningId = `dunning-${invoiceId}`;
    await waitFor(async () => (await http('GET', `/v1/dunning/${dunningId}`, { key: keys.agent })).status === 200, { what: 'the dunning case' });
    expect((await http('POST', `/v1/dunning/${dunningId}/confirm-identity`, { key: keys.agent, body: { method: `sms code ${marker}` } })).status).toBe(200);
    return { ticketId, refundId, takedownId: takedown.body.caseId as string, dunningId };
  }

  it('a marker readable through every kind before erasure is found nowhere after it', async () => {
    const { ticketId, refundId, takedownId, dunningId } = await openCases();
    const caseIds = [ticketId, refundId, takedownId, dunningId];

    // Before: readable through the API, the read model and the codec — and never raw in a history.
    await waitFor(async () => {
      const r = await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent });
      return r.status === 200 && JSON.stringify(r.body).includes(marker);
    }, { what: 'the marker through GET ticket' });
    await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${takedownId}`, { key: keys.legal });
      return r.status === 200 && JSON.stringify(r.body).includes(marker);
    }, { what: 'the marker through GET takedown' });
    const opened = async (sql: string, id: string) => JSON.stringify(await queryOpened(ds, sql, [id], config)).includes(marker);
    await waitFor(
      async () =>
        (await opened(`SELECT snapshot FROM tickets WHERE id = $1`, ticketId)) &&
        (await opened(`SELECT data FROM billing_case_events WHERE case_id = $1`, refundId)) &&
        (await opened(`SELECT notice FROM takedowns WHERE id = $1`, takedownId)),
      { what: 'the marker in the read model, opened with the case keys' },
    );
    // … and stored sealed: no column and no dump (a backup) holds it, nor the subjects' references, in clear.
    for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(await tablesHolding(needle)).toEqual([]);
    const backup = dumpDatabase();
    for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(backup).not.toContain(needle);
    const backupSealed = sealedStringsOf(backup, caseIds);
    expect((await testSealer(config).open(backupSealed)).join('\n')).toContain(marker);
    for (const id of caseIds) {
      await waitFor(async () => (await decodedHistory(id)).includes(marker), { what: `the marker through the codec in ${id}'s history` });
      expect(await rawBytes(id)).not.toContain(marker);
    }
    const keyRows = (await ds.query(`SELECT case_id, subject_hash FROM case_keys WHERE case_id = ANY($1)`, [caseIds])) as { case_id: string; subject_hash: string | null }[];
    expect(keyRows.map((r) => r.case_id).sort()).toEqual([...caseIds].sort());
    expect(keyRows.every((r) => r.subject_hash !== null && !r.subject_hash.includes(customerRef))).toBe(true);

    // A subject nothing is held about: 404, and no receipt.
    const unknown = await http('POST', `/v1/privacy/subjects/cust_unknown_${randomBytes(4).toString('hex')}/erase`, { key: keys.privacy });
    expect([unknown.status, unknown.body.type]).toEqual([404, 'https://caseworks.dev/problems/not-found']);

    // Only the privacy office erases.
    expect((await http('POST', `/v1/privacy/subjects/${customerRef}/erase`, { key: keys.agent })).status).toBe(403);

    // The built-in CRM's record of the subject (it holds the reference, as a CRM does): the erasure removes it too.
    await ds.query(`INSERT INTO customers (customer_ref, brand, plan) VALUES ($1, 'uoozee', NULL)`, [customerRef]);
    expect(await tablesHolding(customerRef)).toEqual(['customers.customer_ref']);
    const customer = await http('POST', `/v1/privacy/subjects/${encodeURIComponent(customerRef)}/erase`, { key: keys.privacy });
    expect(customer.status).toBe(201);
    expect(customer.body).toMatchObject({ cases: { ticket: 1, refund: 1 }, keysDestroyed: 2, erasedBy: 'dpo-erasure' });
    expect(customer.body.caseIds.sort()).toEqual([refundId, ticketId].sort());
    expect(JSON.stringify(customer.body)).not.toContain(customerRef);
    const notifier = await http('POST', `/v1/privacy/subjects/${encodeURIComponent(notifierEmail)}/erase`, { key: keys.privacy });
    expect(notifier.status).toBe(201);
    expect(notifier.body).toMatchObject({ cases: { takedown: 1 }, caseIds: [takedownId], keysDestroyed: 1 });
    const gateway = await http('POST', `/v1/privacy/subjects/${gatewayCustomer}/erase`, { key: keys.privacy });
    expect(gateway.status).toBe(201);
    expect(gateway.body).toMatchObject({ cases: { dunning: 1 }, caseIds: [dunningId], keysDestroyed: 1 });

    // After: nowhere in PostgreSQL, and the backup taken before no longer opens (once this process's key cache expires).
    for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(await tablesHolding(needle)).toEqual([]);
    const fromBackup = await waitFor(async () => {
      const texts = await testSealer(config).open(backupSealed);
      return texts.every((t) => t === '[erased]') && texts;
    }, { what: 'the backup unreadable' });
    expect(fromBackup.length).toBe(backupSealed.length);
    // Nowhere in the histories, raw or through the codec; the codec gives tombstones (after at most the key cache's TTL).
    for (const id of caseIds) {
      const raw = await rawBytes(id);
      for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(raw).not.toContain(needle);
      const decoded = await waitFor(async () => {
        const text = await decodedHistory(id);
        return !text.includes(marker) && text;
      }, { what: `${id}'s history unreadable through the codec` });
      expect(decoded).toContain('"[erased]"');
      for (const needle of [customerRef, notifierEmail, gatewayCustomer]) expect(decoded).not.toContain(needle);
    }
    // The codec endpoint answers tombstones, not errors.
    const firstPayload = payloadsIn(await rawHistory(ticketId))[0];
    const viaEndpoint = await http('POST', '/codec/decode', {
      key: keys.agent,
      body: { payloads: [{ metadata: Object.fromEntries(Object.entries(firstPayload.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(firstPayload.data!).toString('base64') }] },
    });
    expect(viaEndpoint.status).toBe(200);
    expect(Buffer.from(viaEndpoint.body.payloads[0].data, 'base64').toString()).toBe('"[erased]"');

    // Nowhere through the API; the cases still count (status, priority, SLA figures stay).
    const ticketAfter = await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent });
    expect(ticketAfter.status).toBe(200);
    expect(ticketAfter.body).toMatchObject({ id: ticketId, priority: 'P2' });
    for (const [path, key] of [
      [`/v1/tickets/${ticketId}`, keys.agent],
      [`/v1/tickets?limit=50`, keys.agent],
      [`/v1/refunds/${refundId}`, keys.agent],
      [`/v1/refunds/${refundId}/events`, keys.agent],
      [`/v1/takedowns/${takedownId}`, keys.legal],
      [`/v1/takedowns/${takedownId}/history`, keys.legal],
      [`/v1/dunning/${dunningId}`, keys.agent],
    ] as const) {
      const r = await http('GET', path, { key });
      expect(r.status).toBeLessThan(500);
      for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(JSON.stringify(r.body ?? '')).not.toContain(needle);
    }
    const [row] = (await ds.query(`SELECT count(*)::int AS n FROM tickets WHERE id = $1 AND priority = 'P2'`, [ticketId])) as { n: number }[];
    expect(row.n).toBe(1);
    const destroyed = (await ds.query(`SELECT count(*)::int AS n FROM case_keys WHERE case_id = ANY($1) AND wrapped_key IS NULL AND destroyed_at IS NOT NULL`, [caseIds])) as { n: number }[];
    expect(destroyed[0].n).toBe(4);

    // Erasing again: the earlier receipt.
    const again = await http('POST', `/v1/privacy/subjects/${encodeURIComponent(customerRef)}/erase`, { key: keys.privacy });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(customer.body);

    // Nowhere in the logs of the API and worker processes.
    const logs = api.output() + worker.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const needle of [marker, customerRef, notifierEmail, gatewayCustomer]) expect(logs).not.toContain(needle);
    // Nor the keys that would open the histories (the SDK logs the worker's options, codecs included, at debug).
    const master = Buffer.from(config.PAYLOAD_ENCRYPTION_KEY!, 'base64');
    const wrapping = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'caseworks case key wrap', 32));
    for (const key of [master, wrapping]) {
      expect(logs).not.toContain(key.toString('base64'));
      expect(logs).not.toContain(JSON.stringify([...key]).slice(1, -1));
    }
  });

  it('a legal hold blocks the erasure with a 409 naming the hold, and destroys nothing', async () => {
    const filed = await http('POST', '/v1/takedowns', {
      body: copyrightNotice({ notifier: { name: `Held ${marker}`, email: heldNotifierEmail, organisation: 'Studio Example LLC', role: 'attorney' } }),
    });
    const takedownId = filed.body.caseId as string;
    await waitFor(async () => (await http('GET', `/v1/takedowns/${takedownId}`, { key: keys.legal })).status === 200, { what: 'the takedown recorded' });
    const hold = await http('POST', `/v1/takedowns/${takedownId}/preservations`, {
      key: keys.legal,
      body: { authority: 'Polizei Berlin, LKA 7', reference: `LKA7-${randomBytes(4).toString('hex')}` /* not Date.now(): 13 digits can pass the card-number check */, items: [{ contentId: 'vid_123' }] },
    });
    if (hold.status !== 201) throw new Error(`preservation refused: ${hold.status} ${JSON.stringify(hold.body)}`);
    const holdId = hold.body.id as string;
    await waitFor(async () => ((await ds.query(`SELECT 1 FROM takedown_preservations WHERE id = $1`, [holdId])) as unknown[]).length === 1, { what: 'the hold recorded' });

    const refused = await http('POST', `/v1/privacy/subjects/${encodeURIComponent(heldNotifierEmail)}/erase`, { key: keys.privacy });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toContain(holdId);
    expect(refused.body.holds).toEqual([expect.objectContaining({ holdId, caseId: takedownId })]);

    const [key] = (await ds.query(`SELECT wrapped_key IS NOT NULL AS live FROM case_keys WHERE case_id = $1`, [takedownId])) as { live: boolean }[];
    expect(key.live).toBe(true);
    expect(((await ds.query(`SELECT 1 FROM erasures WHERE $1 = ANY(case_ids)`, [takedownId])) as unknown[]).length).toBe(0);
    const still = await http('GET', `/v1/takedowns/${takedownId}`, { key: keys.legal });
    expect(still.body.notifier).toMatchObject({ email: heldNotifierEmail });
    expect((await temporal.workflow.getHandle(takedownId).describe()).status.name).toBe('RUNNING');
    expect(await decodedHistory(takedownId)).toContain(marker);
  });
});
