import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createKey, openDataSource, RunningApi, RunningWorker, startApi, startWorker, testConfig, uniqueTaskQueue } from '../support/harness';
import { httpClient, HttpResult } from '../support/http';
import { queryOpened } from '../support/sealed-rows';
import { CutMode, startTcpRelay, TcpRelay } from '../support/tcp-relay';
import { waitFor } from '../support/wait-for';

/**
 * PostgreSQL and Temporal's frontend each cut off from the API (a TCP relay between them, the
 * servers themselves untouched) while a few clients keep calling. The worker keeps its own direct
 * connections, so the workflows' own writes (read model, history) flow throughout: the outage is
 * the API's alone.
 *
 * Every answer during a cut is a success or a 503 problem with Retry-After, none takes longer than
 * the request budget plus a margin, and afterwards every request that answered 2xx is in the
 * read model exactly once.
 */

type Op = 'create' | 'assign' | 'read' | 'list';
const OPS: Op[] = ['create', 'assign', 'read', 'list'];

interface Outcome {
  op: Op;
  startedAt: number;
  ms: number;
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  problemType?: string;
  dependency?: string;
  ticketId?: string;
  idempotencyKey?: string;
  assignee?: string;
}

/** Answer time allowed beyond the budget: the HTTP round trip and a loaded 2-core machine's scheduling. */
const MARGIN_MS = 1_000;
/** The API key cache's own TTL (ApiKeyService): a request started later than this into a PostgreSQL cut authenticates from the outage grace. */
const KEY_CACHE_TTL_MS = 5_000;
const CLIENTS = 4;
/** Keep each cut at least this long (default: only until the answers wanted were seen); e.g. 30000 to measure a 30 s outage. */
const HOLD_MS = Number(process.env.OUTAGE_TEST_HOLD_MS ?? 0);

// A cut lasts past the key cache's TTL, then recovery is awaited and the read model checked.
jest.setTimeout(180_000);

describe('dependency outages: 503 + Retry-After within the request budget', () => {
  const base = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('outage') });
  const budgetMs = base.REQUEST_BUDGET_MS;
  let pg: TcpRelay;
  let temporal: TcpRelay;
  let ds: DataSource;
  let worker: RunningWorker;
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let key: string;
  const tickets: string[] = [];

  const ticketBody = () => ({ brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Playback stops', description: 'Outage test.', customerRef: 'cust_outage' });

  beforeAll(async () => {
    const db = new URL(base.DATABASE_URL);
    pg = await startTcpRelay({ host: db.hostname, port: Number(db.port || 5432) });
    const [temporalHost, temporalPort] = base.TEMPORAL_ADDRESS.split(':');
    temporal = await startTcpRelay({ host: temporalHost, port: Number(temporalPort) });
    const viaRelay = new URL(db.toString());
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(pg.port);

    ds = await openDataSource(base); // direct: the test's own reads, and the worker's
    worker = await startWorker(base, ds);
    key = await createKey(ds, 'agent', 'outage-agent');
    api = await startApi(testConfig({
      TEMPORAL_TASK_QUEUE: base.TEMPORAL_TASK_QUEUE,
      DATABASE_URL: viaRelay.toString(),
      TEMPORAL_ADDRESS: temporal.address,
      // The load below is a few clients on one key, well past the default 600/min.
      RATE_LIMIT_PER_MINUTE: '100000',
    }));
    http = httpClient(api.baseUrl);
    for (let i = 0; i < 4; i++) {
      const opened = await http('POST', '/v1/tickets', { key, body: ticketBody(), headers: { 'idempotency-key': randomUUID() } });
      expect(opened.status).toBe(201);
      tickets.push(opened.body.id);
    }
  });

  afterAll(async () => {
    await pg?.restore().catch(() => undefined);
    await temporal?.restore().catch(() => undefined);
    await api?.stop();
    await worker?.stop();
    await ds?.destroy();
    await pg?.close();
    await temporal?.close();
  });

  /** One request of the mix, timed: open a ticket (with an Idempotency-Key), assign one, read one, list them. */
  async function call(op: Op, n: number): Promise<Outcome> {
    const startedAt = Date.now();
    const ticket = tickets[n % tickets.length];
    let res: HttpResult;
    const extra: Partial<Outcome> = {};
    if (op === 'create') {
      extra.idempotencyKey = randomUUID();
      res = await http('POST', '/v1/tickets', { key, body: ticketBody(), headers: { 'idempotency-key': extra.idempotencyKey } });
      if (res.status < 300) extra.ticketId = res.body.id;
    } else if (op === 'assign') {
      extra.assignee = `outage-${randomUUID().slice(0, 12)}`;
      extra.ticketId = ticket;
      res = await http('POST', `/v1/tickets/${ticket}/assign`, { key, body: { assignee: extra.assignee } });
    } else if (op === 'read') {
      res = await http('GET', `/v1/tickets/${ticket}`, { key });
    } else {
      res = await http('GET', '/v1/tickets', { key });
    }
    return {
      op,
      startedAt,
      ms: Date.now() - startedAt,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
      problemType: res.status >= 400 ? String(res.body?.type) : undefined,
      dependency: res.status >= 400 ? res.body?.dependency : undefined,
      ...extra,
    };
  }

  /** A few clients calling one after another until stopped; each client paces itself so the load stays light. */
  function load(): { outcomes: Outcome[]; stop(): Promise<void> } {
    const outcomes: Outcome[] = [];
    let running = true;
    let n = 0;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = c; running; i++) {
        outcomes.push(await call(OPS[i % OPS.length], n++));
        // Pacing, not waiting for a condition: keeps the mix at a few requests per second per client.
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    return {
      outcomes,
      async stop() {
        running = false;
        await Promise.all(clients);
      },
    };
  }

  /** Every answer is a 2xx, or a 503 problem+json with Retry-After; none took longer than the budget allows. */
  function expectOnlySuccessOr503(outcomes: Outcome[]): void {
    const bad = outcomes.filter(
      (o) =>
        !(o.status >= 200 && o.status < 300) &&
        !(o.status === 503 && o.retryAfter !== null && /^\d+$/.test(o.retryAfter) && o.contentType?.includes('application/problem+json')),
    );
    expect(bad).toEqual([]);
    const slow = outcomes.filter((o) => o.ms > budgetMs + MARGIN_MS);
    expect(slow).toEqual([]);
  }

  /** After the cut: every 2xx open and assign is in the read model exactly once; a 503'd open retried with its key opens one ticket. */
  async function expectReadModelComplete(outcomes: Outcome[]): Promise<void> {
    const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300);
    const opened = ok.filter((o) => o.op === 'create').map((o) => o.ticketId!);
    // A 503'd open may or may not have reached Temporal: retried with its key it answers 2xx, the same ticket.
    for (const o of outcomes.filter((x) => x.op === 'create' && x.status === 503)) {
      const retry = await http('POST', '/v1/tickets', { key, body: ticketBody(), headers: { 'idempotency-key': o.idempotencyKey! } });
      expect([200, 201]).toContain(retry.status);
      opened.push(retry.body.id);
    }
    expect(new Set(opened).size).toBe(opened.length);
    const assigned = ok.filter((o) => o.op === 'assign');
    await waitFor(
      async () => {
        const rows: { id: string; opened: string }[] = await ds.query(
          `SELECT t.id, (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'opened') AS opened FROM tickets t WHERE t.id = ANY($1)`,
          [opened],
        );
        // Event data is sealed under each ticket's key: opened here, then counted (SQL sees ciphertext).
        const wanted = new Set(assigned.map((o) => o.assignee!));
        const perAssignee = new Map<string, number>();
        for (const e of await queryOpened<{ assignee: string }>(ds, `SELECT data->>'assignee' AS assignee FROM ticket_events WHERE type = 'assigned'`)) {
          if (wanted.has(e.assignee)) perAssignee.set(e.assignee, (perAssignee.get(e.assignee) ?? 0) + 1);
        }
        return rows.length === opened.length && rows.every((r) => Number(r.opened) === 1) && perAssignee.size === assigned.length && [...perAssignee.values()].every((n) => n === 1);
      },
      { timeoutMs: 60_000, what: `${opened.length} opened tickets and ${assigned.length} assignments each in the read model once` },
    );
  }

  /** Runs the load through one cut: warm, cut until `enough` holds of the answers since, restore, until every kind of call succeeds again. */
  async function throughCut(relay: TcpRelay, mode: CutMode, enough: (during: Outcome[], cutAt: number) => boolean, atCut: () => Promise<void> = async () => undefined) {
    const run = load();
    try {
      await waitFor(() => run.outcomes.filter((o) => o.status < 300).length >= CLIENTS * 2, { what: 'the load to run before the cut' });
      const cutAt = Date.now();
      await relay.cut(mode);
      await atCut();
      await waitFor(() => Date.now() - cutAt >= HOLD_MS && enough(run.outcomes.filter((o) => o.startedAt >= cutAt), cutAt), {
        timeoutMs: 60_000 + HOLD_MS,
        what: 'the answers wanted during the cut',
      }).catch((err: Error) => {
        throw new Error(`${err.message}\nanswers since the cut: ${summary(run.outcomes.filter((o) => o.startedAt >= cutAt))}`);
      });
      const restoredAt = Date.now();
      await relay.restore();
      await waitFor(() => OPS.every((op) => run.outcomes.some((o) => o.op === op && o.startedAt >= restoredAt && o.status < 300)), {
        timeoutMs: 60_000,
        what: 'every kind of call to succeed again after the restore',
      });
      const recoveredMs = Date.now() - restoredAt;
      await run.stop();
      const during = run.outcomes.filter((o) => o.startedAt >= cutAt && o.startedAt + o.ms <= restoredAt);
      process.stdout.write(`[outage ${mode}] ${run.outcomes.length} answers; during the cut (${restoredAt - cutAt} ms): ${summary(during)}; every call succeeding again ${recoveredMs} ms after the restore\n`);
      return { all: run.outcomes, during, cutAt };
    } finally {
      await run.stop();
      await relay.restore().catch(() => undefined);
    }
  }

  /** Counts by operation and answer (`assign 200×12`, `list 503 postgresql×3`) and the slowest, for the log and failure messages. */
  function summary(outcomes: Outcome[]): string {
    const counts = new Map<string, number>();
    for (const o of outcomes) {
      const k = `${o.op} ${o.status}${o.status >= 400 ? ` ${o.dependency ?? o.problemType?.split('/').pop()}` : ''}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const slowest = Math.max(0, ...outcomes.map((o) => o.ms));
    return `${[...counts].map(([k, n]) => `${k}×${n}`).join(', ')}; slowest ${slowest} ms`;
  }

  const answeredAfter = (during: Outcome[], cutAt: number, ms: number, op: Op, ok: (o: Outcome) => boolean) =>
    during.some((o) => o.op === op && o.startedAt >= cutAt + ms && ok(o));
  const is2xx = (o: Outcome) => o.status >= 200 && o.status < 300;
  const named = (dependency: string) => (o: Outcome) => o.status === 503 && o.dependency === dependency && /dependency-unavailable$/.test(o.problemType ?? '');

  it.each<CutMode>(['blackhole', 'refuse'])('PostgreSQL cut off (%s): ticket actions and workflow reads still succeed; what needs PostgreSQL answers 503 naming it', async (mode) => {
    const unseenKey = await createKey(ds, 'agent', `outage-unseen-${mode}`); // never used through this API
    const atCut = async () => {
      // A key the API never verified cannot be checked: 503 naming PostgreSQL, not a 401.
      const unseen = await http('GET', `/v1/tickets/${tickets[0]}`, { key: unseenKey });
      expect(unseen.status).toBe(503);
      expect(unseen.headers.get('retry-after')).toBe('5');
      expect(unseen.body).toMatchObject({ type: 'https://caseworks.dev/problems/dependency-unavailable', dependency: 'postgresql' });
    };
    const { all, during } = await throughCut(pg, mode, (d, cutAt) =>
      // Past the key cache's TTL, so the API key is served from the outage grace, not the fresh cache.
      answeredAfter(d, cutAt, KEY_CACHE_TTL_MS + 500, 'assign', is2xx) &&
      answeredAfter(d, cutAt, KEY_CACHE_TTL_MS + 500, 'read', is2xx) &&
      answeredAfter(d, cutAt, 0, 'create', named('postgresql')) && // the Idempotency-Key is checked in PostgreSQL: 503, never skipped
      answeredAfter(d, cutAt, 0, 'list', named('postgresql')),
      atCut,
    );
    expectOnlySuccessOr503(all);
    expect(during.filter((o) => o.op === 'list' && is2xx(o))).toEqual([]); // the read model is PostgreSQL: none can have succeeded
    await expectReadModelComplete(all);
  });

  it.each<CutMode>(['refuse', 'blackhole'])('Temporal frontend cut off (%s): what needs Temporal answers 503, the read model list still answers', async (mode) => {
    const { all, during } = await throughCut(temporal, mode, (d, cutAt) =>
      answeredAfter(d, cutAt, 0, 'read', (o) => o.status === 503) &&
      answeredAfter(d, cutAt, 0, 'assign', (o) => o.status === 503) &&
      answeredAfter(d, cutAt, 0, 'create', (o) => o.status === 503) &&
      answeredAfter(d, cutAt, 0, 'list', is2xx),
    );
    expectOnlySuccessOr503(all);
    // Reads ask Temporal first (describe): refused or unanswered, they name it.
    expect(during.filter((o) => o.op === 'read' && o.status === 503).every(named('temporal'))).toBe(true);
    expect(during.filter((o) => (o.op === 'read' || o.op === 'assign') && is2xx(o))).toEqual([]);
    await expectReadModelComplete(all);
  });
});

/**
 * The budget itself: with PostgreSQL's own timeouts set longer than the budget, a request stuck on
 * a dropped connection is still answered at the budget, and what the handler does once the
 * network is back is not sent a second time.
 */
describe('the request budget answers when no dependency timeout does', () => {
  const budgetMs = 1_000;
  let pg: TcpRelay;
  let ds: DataSource;
  let api: RunningApi;

  afterAll(async () => {
    await pg?.restore().catch(() => undefined);
    await api?.stop();
    await ds?.destroy();
    await pg?.close();
  });

  it('503 request-budget-exceeded with Retry-After at the budget; the late outcome is dropped and the API answers on', async () => {
    const base = testConfig();
    const db = new URL(base.DATABASE_URL);
    pg = await startTcpRelay({ host: db.hostname, port: Number(db.port || 5432) });
    const viaRelay = new URL(db.toString());
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(pg.port);
    ds = await openDataSource(base);
    const key = await createKey(ds, 'agent', 'budget-agent');
    api = await startApi(testConfig({ DATABASE_URL: viaRelay.toString(), REQUEST_BUDGET_MS: String(budgetMs), DATABASE_CONNECT_TIMEOUT_MS: '30000', DATABASE_QUERY_TIMEOUT_MS: '30000' }));
    const http = httpClient(api.baseUrl);
    expect((await http('GET', '/v1/tickets', { key })).status).toBe(200); // the key is verified and cached

    await pg.cut('blackhole');
    const startedAt = Date.now();
    const stuck = await http('GET', '/v1/tickets', { key });
    const ms = Date.now() - startedAt;
    expect(stuck.status).toBe(503);
    expect(stuck.headers.get('retry-after')).toBe('5');
    expect(stuck.headers.get('content-type')).toContain('application/problem+json');
    expect(stuck.body).toMatchObject({ type: 'https://caseworks.dev/problems/request-budget-exceeded', status: 503, instance: '/v1/tickets' });
    expect(ms).toBeGreaterThanOrEqual(budgetMs - 50);
    expect(ms).toBeLessThan(budgetMs + MARGIN_MS);

    await pg.restore(); // the held query now completes; its late answer must not reach anyone
    await waitFor(async () => (await http('GET', '/v1/tickets', { key })).status === 200, { what: 'the API to answer again once PostgreSQL is back' });
  });
});
