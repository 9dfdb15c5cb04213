import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AccessLogRow } from '../../src/api/access-log/access-log-query.service';
import { createApiApp } from '../../src/api/create-app';
import { encryptedPayloadsOf } from '../support/codec';
import { createKey, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { startTcpRelay, TcpRelay } from '../support/tcp-relay';
import { waitFor } from '../support/wait-for';

type LogRow = Omit<AccessLogRow, 'at_us'>;

/**
 * The access log (issue 12 §3): every read and write of case data leaves one entry naming who,
 * in which role, which case, which operation and field names, when and from where — never the
 * data. Real API, worker, Temporal dev server and PostgreSQL.
 */
describe('access log', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('access-log') });
  const stack = useHttpStack(config);
  const run = randomUUID().slice(0, 8);
  // Text only this run's ticket holds: none of it may reach the log.
  const secret = { subject: `Subject-${run} cannot log in`, description: `Description-${run}: my card ends 4242, I live at 1 Elm St`, customerRef: `cust_${run}` };
  const keys: Record<string, string> = {};
  const names = { client: `al-client-${run}`, agent: `al-agent-${run}`, admin: `al-admin-${run}`, sre: `al-sre-${run}` };
  let http: ReturnType<typeof httpClient>;
  let ticketId: string;

  const entriesOf = (actor: string): Promise<LogRow[]> => stack.ds.query(`SELECT * FROM access_log WHERE actor = $1 ORDER BY id`, [actor]);

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    for (const role of ['client', 'agent', 'admin', 'sre'] as const) keys[role] = await createKey(stack.ds, role, names[role]);
    const opened = await http('POST', '/v1/tickets', {
      key: keys.client,
      body: { brand: 'uoozee', channel: 'email', priority: 'P4', ...secret },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(opened.status).toBe(201);
    ticketId = opened.body.id;
  });

  it('opening a ticket leaves one entry with the new case and the field names written', async () => {
    const rows = await entriesOf(names.client);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: 'tickets.open', case_id: ticketId, case_kind: 'ticket', role: 'client', status: 201 });
    expect(rows[0].fields).toEqual(expect.arrayContaining(['brand', 'subject', 'description', 'customerRef']));
    for (const text of Object.values(secret)) expect(JSON.stringify(rows)).not.toContain(text);
  });

  it('reading a ticket leaves exactly one entry: actor, role, case, operation, address, request id — and no data', async () => {
    const requestId = `req-${run}-read`;
    const read = await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent, headers: { 'x-request-id': requestId } });
    expect(read.status).toBe(200);
    expect(read.body.subject).toBe(secret.subject); // the answer held the data…

    const rows = await entriesOf(names.agent);
    expect(rows).toHaveLength(1);
    const keyId: { id: string }[] = await stack.ds.query(`SELECT id FROM api_keys WHERE name = $1`, [names.agent]);
    expect(rows[0]).toMatchObject({
      actor: names.agent,
      actor_id: keyId[0].id,
      role: 'agent',
      via: 'api-key',
      case_id: ticketId,
      case_kind: 'ticket',
      operation: 'tickets.read',
      address: '127.0.0.1',
      request_id: requestId,
      status: 200,
    });
    expect(Date.now() - rows[0].occurred_at.getTime()).toBeLessThan(60_000);
    // …the log does not: not one value of the ticket in any column.
    // This ticket's entries (other specs share the table); generated IDs (keys', requests') left out:
    // a random UUID may well hold "4242".
    const entries = (await stack.ds.query(`SELECT * FROM access_log WHERE case_id = $1`, [ticketId])) as Record<string, unknown>[];
    expect(entries.length).toBeGreaterThanOrEqual(2); // opened, read
    const stored = JSON.stringify(entries.map(({ id: _id, actor_id: _actorId, request_id: _requestId, ...rest }) => rest));
    for (const text of [secret.subject, secret.description, secret.customerRef, '4242', 'Elm St']) expect(stored).not.toContain(text);
  });

  it('a reply leaves one entry naming the fields written, not their values', async () => {
    const before = (await entriesOf(names.agent)).length;
    const reply = await http('POST', `/v1/tickets/${ticketId}/reply`, { key: keys.agent, body: { message: `Reply-${run}: we are on it` } });
    expect(reply.status).toBe(200);
    const rows = (await entriesOf(names.agent)).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: 'tickets.reply', case_id: ticketId, role: 'agent', fields: ['message'], status: 200 });
    expect(JSON.stringify(await stack.ds.query(`SELECT * FROM access_log`))).not.toContain(`Reply-${run}`);
  });

  it('a list leaves one entry without a case, naming the filters used', async () => {
    const before = (await entriesOf(names.agent)).length;
    const list = await http('GET', '/v1/tickets?status=new&limit=5', { key: keys.agent });
    expect(list.status).toBe(200);
    const rows = (await entriesOf(names.agent)).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: 'tickets.list', case_id: null, case_kind: 'ticket', status: 200 });
    expect(rows[0].fields).toEqual(['query.status', 'query.limit']);
  });

  it('a 404 probe for a case is logged with its status; a path that is not an ID is logged without it', async () => {
    const before = (await entriesOf(names.agent)).length;
    const missing = `ticket-${run}-nope`;
    expect((await http('GET', `/v1/tickets/${missing}`, { key: keys.agent })).status).toBe(404);
    expect((await http('GET', `/v1/tickets/${encodeURIComponent('jane@example.com')}`, { key: keys.agent })).status).toBe(404);
    const rows = (await entriesOf(names.agent)).slice(before);
    expect(rows.map((r) => [r.operation, r.case_id, r.status])).toEqual([
      ['tickets.read', missing, 404],
      ['tickets.read', null, 404],
    ]);
  });

  it('calls that are not about case data and callers without a key leave nothing', async () => {
    const before = (await stack.ds.query(`SELECT count(*)::int AS n FROM access_log`))[0].n as number;
    expect((await http('GET', '/v1/escalation-policies', { key: keys.sre })).status).toBe(200);
    expect((await http('GET', `/v1/tickets/${ticketId}`)).status).toBe(401);
    expect((await http('GET', '/health/live')).status).toBe(200);
    const after = (await stack.ds.query(`SELECT count(*)::int AS n FROM access_log`))[0].n as number;
    expect(after).toBe(before);
  });

  describe('GET /v1/access-log', () => {
    it('filters by case and actor, newest first; reading the log is itself logged', async () => {
      const byCase = await http('GET', `/v1/access-log?case=${ticketId}`, { key: keys.admin });
      expect(byCase.status).toBe(200);
      const ops = (byCase.body.items as { operation: string; caseId: string }[]).map((e) => e.operation);
      // Newest first: the reply after the read after the open.
      expect({ ops: ops.filter((o) => ['tickets.open', 'tickets.read', 'tickets.reply'].includes(o)), body: byCase.body }).toMatchObject({ ops: ['tickets.reply', 'tickets.read', 'tickets.open'] });
      expect((byCase.body.items as { caseId: string }[]).every((e) => e.caseId === ticketId)).toBe(true);

      const byActor = await http('GET', `/v1/access-log?actor=${names.client}`, { key: keys.admin });
      expect(byActor.body.items).toHaveLength(1);
      expect(byActor.body.items[0]).toMatchObject({ actor: names.client, role: 'client', operation: 'tickets.open', caseId: ticketId, via: 'api-key', address: '127.0.0.1' });

      const own = await entriesOf(names.admin);
      expect(own.map((r) => [r.operation, r.fields])).toEqual([
        ['accessLog.list', ['query.case']],
        ['accessLog.list', ['query.actor']],
      ]);
      // The actor's stable id matches too.
      const keyId: { id: string }[] = await stack.ds.query(`SELECT id FROM api_keys WHERE name = $1`, [names.client]);
      const byActorId = await http('GET', `/v1/access-log?actor=${keyId[0].id}`, { key: keys.admin });
      expect(byActorId.body.items.map((e: { actor: string }) => e.actor)).toEqual([names.client]);
    });

    it('filters by time: from inclusive, to exclusive', async () => {
      const [first] = await entriesOf(names.client);
      const at = first.occurred_at.toISOString();
      const inRange = await http('GET', `/v1/access-log?actor=${names.client}&from=${at}`, { key: keys.admin });
      expect(inRange.body.items).toHaveLength(1);
      const later = new Date(first.occurred_at.getTime() + 1).toISOString();
      const after = await http('GET', `/v1/access-log?actor=${names.client}&from=${later}`, { key: keys.admin });
      expect(after.body.items).toHaveLength(0);
      const before = await http('GET', `/v1/access-log?actor=${names.client}&to=${at}`, { key: keys.admin });
      expect(before.body.items).toHaveLength(0);
      const day = await http('GET', `/v1/access-log?actor=${names.client}&from=${at.slice(0, 10)}`, { key: keys.admin });
      expect(day.body.items).toHaveLength(1);
    });

    it('pages newest first with a cursor, every entry once', async () => {
      const all = await entriesOf(names.agent);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await http('GET', `/v1/access-log?actor=${names.agent}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: keys.admin });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((e) => e.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((r) => r.id).reverse());
    });

    it.each([
      ['from=2026-02-30', 'query:from'],
      ['to=yesterday', 'query:to'],
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'query:to'],
      ['limit=0', 'query:limit'],
      ['limit=201', 'query:limit'],
      ['cursor=bm90LW91cnM', 'query:cursor'],
      ['sort=asc', 'query:sort'],
    ])('400 problem+json naming the field for ?%s', async (query, field) => {
      const res = await http('GET', `/v1/access-log?${query}`, { key: keys.admin });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each(['agent', 'client', 'sre'])('a %s key gets 403', async (role) => {
      const res = await http('GET', '/v1/access-log', { key: keys[role] });
      expect(res.status).toBe(403);
    });
  });

  describe('in the database', () => {
    it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
      const [row] = await entriesOf(names.client);
      await expect(stack.ds.query(`UPDATE access_log SET actor = 'someone-else' WHERE id = $1`, [row.id])).rejects.toThrow(/access_log is append-only/);
      await expect(stack.ds.query(`DELETE FROM access_log WHERE id = $1`, [row.id])).rejects.toThrow(/access_log is append-only/);
      await expect(stack.ds.query(`TRUNCATE access_log`)).rejects.toThrow(/access_log is append-only/);
      expect(await entriesOf(names.client)).toEqual([row]);
    });

    it('lets purge_access_log delete entries past 12 months only, and nothing recent', async () => {
      const actor = `al-old-${run}`;
      await stack.ds.query(
        `INSERT INTO access_log (occurred_at, actor, role, via, operation) VALUES
           (now() - interval '13 months', $1, 'agent', 'api-key', 'tickets.read'),
           (now() - interval '11 months', $1, 'agent', 'api-key', 'tickets.read')`,
        [actor],
      );
      await expect(stack.ds.query(`SELECT purge_access_log(now() - interval '6 months')`)).rejects.toThrow(/kept at least 12 months/);
      // In one snapshot, rolled back: other specs in this database (the retention purge's) keep
      // old entries of their own, which a committed purge here would take from under them.
      const tx = stack.ds.createQueryRunner();
      await tx.connect();
      await tx.startTransaction('REPEATABLE READ');
      try {
        const [{ old }] = await tx.query(`SELECT count(*)::int AS old FROM access_log WHERE occurred_at < now() - interval '12 months'`);
        const [{ purged }] = await tx.query(`SELECT purge_access_log(now() - interval '12 months') AS purged`);
        expect(Number(purged)).toBe(old);
        expect(old).toBeGreaterThanOrEqual(1);
        const left: LogRow[] = await tx.query(`SELECT * FROM access_log WHERE actor = $1`, [actor]);
        expect(left).toHaveLength(1);
        expect(Date.now() - new Date(left[0].occurred_at).getTime()).toBeLessThan(12 * 31 * 86_400_000);
        expect(await tx.query(`SELECT 1 FROM access_log WHERE occurred_at < now() - interval '12 months'`)).toEqual([]);
      } finally {
        await tx.rollbackTransaction();
        await tx.release();
      }
      // The purge's permission ended with it.
      await expect(stack.ds.query(`DELETE FROM access_log WHERE actor = $1`, [actor])).rejects.toThrow(/access_log is append-only/);
      expect(await entriesOf(names.client)).toHaveLength(1);
    });
  });

  describe('when PostgreSQL cannot take an entry', () => {
    const lines: string[] = [];
    let app: INestApplication;
    let logged: ReturnType<typeof httpClient>;

    beforeAll(async () => {
      const logDestination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      app = await createApiApp(testConfig({ TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE, LOG_LEVEL: 'error' }), { logDestination });
      await app.listen(0, '127.0.0.1');
      logged = httpClient(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('the read is still answered, and the entry goes to the process log (names and IDs, no data)', async () => {
      await stack.ds.query(`ALTER TABLE access_log RENAME TO access_log_parked`);
      let status: number;
      try {
        status = (await logged('GET', `/v1/tickets/${ticketId}`, { key: keys.agent, headers: { 'x-request-id': `req-${run}-outage` } })).status;
      } finally {
        await stack.ds.query(`ALTER TABLE access_log_parked RENAME TO access_log`);
      }
      expect(status).toBe(200);
      const line = await waitFor(
        () => lines.map((l) => JSON.parse(l) as { accessLogEntry?: Record<string, unknown>; error?: string }).find((l) => l.accessLogEntry?.requestId === `req-${run}-outage`),
        { what: 'the access-log entry in the process log' },
      );
      expect(line.accessLogEntry).toMatchObject({ actor: names.agent, role: 'agent', caseId: ticketId, operation: 'tickets.read', status: 200 });
      expect(line.error).toBe('42P01');
      const all = lines.join('\n');
      for (const text of Object.values(secret)) expect(all).not.toContain(text);
    });
  });

  describe('when PostgreSQL is unreachable', () => {
    const lines: string[] = [];
    let app: INestApplication;
    let pg: TcpRelay;

    beforeAll(async () => {
      const db = new URL(config.DATABASE_URL);
      pg = await startTcpRelay({ host: db.hostname, port: Number(db.port || 5432) });
      const viaRelay = new URL(db.toString());
      viaRelay.hostname = '127.0.0.1';
      viaRelay.port = String(pg.port);
      const logDestination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      app = await createApiApp(testConfig({ TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE, DATABASE_URL: viaRelay.toString(), LOG_LEVEL: 'error' }), { logDestination });
      await app.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await pg?.restore().catch(() => undefined);
      await app?.close();
      await pg?.close();
    });

    it('calls are still answered; the entry goes to the process log, and for the next seconds straight there', async () => {
      const call = httpClient(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`);
      const read = (n: number) => call('GET', `/v1/tickets/${ticketId}`, { key: keys.agent, headers: { 'x-request-id': `req-${run}-pg-${n}` } });
      expect((await read(0)).status).toBe(200); // the key verified, the entry stored, while PostgreSQL is reachable
      expect((await entriesOf(names.agent)).filter((r) => r.request_id === `req-${run}-pg-0`)).toHaveLength(1);

      await pg.cut('refuse');
      // Answered: 200 from the workflow, or a 503 naming PostgreSQL if the read itself needs it — never held up or failed by the log.
      for (const n of [1, 2]) expect([200, 503]).toContain((await read(n)).status);
      const kept = (n: number) => lines.map((l) => JSON.parse(l) as { accessLogEntry?: { requestId?: string }; error?: string }).find((l) => l.accessLogEntry?.requestId === `req-${run}-pg-${n}`);
      const first = await waitFor(() => kept(1), { what: 'the first entry in the process log' });
      expect(first.error).not.toBe('postgresql-unavailable'); // this write tried PostgreSQL and found it gone…
      // …the next did not try: PostgreSQL is taken as unreachable for OUTAGE_RETRY_AFTER_SECONDS.
      expect(await waitFor(() => kept(2), { what: 'the second entry in the process log' })).toMatchObject({
        error: 'postgresql-unavailable',
        accessLogEntry: { actor: names.agent, role: 'agent', operation: 'tickets.read', caseId: ticketId },
      });
      await pg.restore();
      expect((await entriesOf(names.agent)).filter((r) => r.request_id?.startsWith(`req-${run}-pg-`)).map((r) => r.request_id)).toEqual([`req-${run}-pg-0`]);
    });
  });

  it('decoding a ticket\'s payloads (POST /codec/decode) leaves one entry for the case, without the data', async () => {
    const actor = `al-codec-${run}`;
    const key = await createKey(stack.ds, 'agent', actor);
    const temporal = await temporalClient(config);
    try {
      await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM tickets WHERE id = $1`, [ticketId])).length === 1, { what: 'the ticket in the read model' });
      const payloads = await encryptedPayloadsOf(temporal, ticketId);
      expect(payloads.length).toBeGreaterThan(1);
      const decoded = await http('POST', '/codec/decode', { key, body: { payloads }, headers: { 'x-namespace': 'default' } });
      expect(decoded.status).toBe(200);
      expect(JSON.stringify(decoded.body)).not.toBe(JSON.stringify({ payloads })); // something was decoded
    } finally {
      await temporal.connection.close();
    }
    const rows = await entriesOf(actor);
    expect(rows.filter((r) => r.case_id === ticketId).map((r) => [r.operation, r.case_kind, r.role])).toEqual([['codec.decode', 'ticket', 'agent']]);
    // Known gap (reported): payloads the API's client writes (start input, summary, update
    // arguments) carry no case tag, so their decode is logged once more under case null. Once
    // they are tagged, this is exactly the one entry above.
    expect(rows.filter((r) => r.case_id !== ticketId).map((r) => [r.operation, r.case_id])).toEqual(rows.length > 1 ? [['codec.decode', null]] : []);
    for (const text of Object.values(secret)) expect(JSON.stringify(rows)).not.toContain(text);
  });

  it('exporting a subject (GET /v1/privacy/subjects/{ref}/export) leaves one entry, without the subject or the data', async () => {
    const actor = `al-privacy-${run}`;
    const key = await createKey(stack.ds, 'privacy', actor);
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM tickets WHERE id = $1`, [ticketId])).length === 1, { what: 'the ticket in the read model' });
    const exported = await http('GET', `/v1/privacy/subjects/${secret.customerRef}/export`, { key });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain(secret.subject); // the export held the data…
    const rows = await entriesOf(actor);
    expect(rows.map((r) => [r.operation, r.role, r.case_id, r.address])).toEqual([['privacy.export', 'privacy', null, '127.0.0.1']]);
    // …the log holds neither it nor whose it was.
    for (const text of Object.values(secret)) expect(JSON.stringify(rows)).not.toContain(text);
  });
});
