import { randomUUID } from 'node:crypto';
import { Client as Pg } from 'pg';
import { ApiKeyService } from '../../src/api/auth/api-key.service';
import { incidentWorkflow } from '../../src/workflows';
import { incidentStatusQuery } from '../../src/workflows/incident/messages';
import { check, Scenario } from '../harness/scenario';
import { countWhileProgressing, Stack, startStack, until } from '../harness/stack';
import { round, runPool } from '../harness/stats';

const TICKETS = Number(process.env.BENCH_LOAD_TICKETS ?? 300);
const INCIDENTS = Number(process.env.BENCH_LOAD_INCIDENTS ?? 50);
const ALERTS_PER_INCIDENT = 5; // the test policy opens a P1 at 5 × http_5xx in a minute
const EXTRA_ALERTS_PER_INCIDENT = 10;
const CONCURRENCY = 16;
const ENDED_TICKETS = `SELECT count(*)::int AS n FROM tickets WHERE status IN ('resolved', 'closed')`;

/**
 * What one case costs the databases, per case kind, for docs/scaling.md: PostgreSQL transactions,
 * rows written and bytes grown in Caseworks' read model and — on the cluster — in Temporal's
 * history and visibility databases (pg_stat_database and pg_database_size before and after).
 * Tickets live a whole short life through the API (opened, answered, resolved); incidents open
 * from alert storms. Each kind runs alone, so its deltas are its own.
 */
export const load: Scenario = {
  name: 'load',
  description: `database load per case: ${TICKETS} tickets opened, answered and resolved; ${INCIDENTS} incidents from ${ALERTS_PER_INCIDENT} alerts each, then ${EXTRA_ALERTS_PER_INCIDENT} more alerts each`,
  async run(log) {
    const stack = await startStack({ api: true });
    try {
      const agent = (await ApiKeyService.create(stack.ds, 'bench-agent', 'agent')).key;
      const sre = (await ApiKeyService.create(stack.ds, 'bench-sre', 'sre')).key;
      const failures: string[] = [];
      let retried = 0;
      // As a well-behaved client: a 503 (busy, over the request budget) is retried after its
      // Retry-After with the same Idempotency-Key, which never applies an action twice.
      const post = async (path: string, key: string, body: unknown, expect: number): Promise<any> => {
        const idempotencyKey = randomUUID();
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(`${stack.apiUrl}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey },
            body: JSON.stringify(body),
          });
          const text = await res.text();
          if (res.status === 503 && attempt < 10) {
            retried++;
            await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
            continue;
          }
          if (res.status !== expect && !(res.status === 200 && expect === 201)) failures.push(`${path} ${res.status} ${text.slice(0, 200)}`);
          return text ? JSON.parse(text) : null;
        }
      };
      log(`tickets: ${TICKETS}, each opened, answered and resolved`);
      const ticketLoad = await measured(stack, async () => {
        const run = await runPool(TICKETS, CONCURRENCY, async () => {
          const t = await post('/v1/tickets', agent, { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Buffering', description: 'bench', customerRef: 'bench' }, 201);
          if (!t?.id) return;
          await post(`/v1/tickets/${t.id}/reply`, agent, { message: 'On it' }, 200);
          await post(`/v1/tickets/${t.id}/resolve`, agent, { resolution: 'Fixed' }, 200);
        });
        // The test policy closes a resolved ticket seconds later: either end counts.
        await countWhileProgressing(stack.ds, ENDED_TICKETS, [], TICKETS, { log });
        return run.wallMs;
      });

      log(`incidents: ${INCIDENTS}, from ${ALERTS_PER_INCIDENT} alerts each`);
      const run = Date.now();
      const incidentLoad = await measured(stack, async () => {
        const sent = await runPool(INCIDENTS * ALERTS_PER_INCIDENT, CONCURRENCY, async (i) => {
          const service = `svc-${run}-${i % INCIDENTS}`;
          await post('/v1/alerts', sre, { brand: 'uoozee', source: 'bench', kind: 'http_5xx', service, region: 'eu-west-1', summary: `5xx on ${service}`, severity: 'critical' }, 202);
        });
        await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM incidents`, [], INCIDENTS, { log });
        return sent.wallMs;
      });
      // More alerts on the same fingerprints: each joins its open incident (the marginal alert).
      const extra = INCIDENTS * EXTRA_ALERTS_PER_INCIDENT;
      let alertsCounted = 0;
      log(`alerts into open incidents: ${extra}`);
      const alertLoad = await measured(stack, async () => {
        const sent = await runPool(extra, CONCURRENCY, async (i) => {
          const service = `svc-${run}-${i % INCIDENTS}`;
          await post('/v1/alerts', sre, { brand: 'uoozee', source: 'bench', kind: 'http_5xx', service, region: 'eu-west-1', summary: `5xx on ${service}`, severity: 'critical' }, 202);
        });
        await until(async () => (alertsCounted = await alertsInIncidents(stack)) >= INCIDENTS * ALERTS_PER_INCIDENT + extra, 5 * 60_000, 'every alert counted', 1_000);
        return sent.wallMs;
      });
      const resolved = ((await stack.ds.query(ENDED_TICKETS)) as { n: number }[])[0].n;
      const incidents = ((await stack.ds.query(`SELECT count(*)::int AS n FROM incidents`)) as { n: number }[])[0].n;
      const per = (load: DbLoad, n: number) => Object.fromEntries(Object.entries(load.databases).map(([db, d]) => [db, { transactions: round(d.transactions / n), rowsWritten: round(d.rowsWritten / n), bytes: Math.round(d.bytes / n) }]));
      const figures = {
        server: stack.serverKind,
        retriedAfter503: retried,
        ticket: { cases: TICKETS, casesPerSecond: round((TICKETS / ticketLoad.wallMs) * 1000), perCase: per(ticketLoad, TICKETS) },
        incident: { cases: INCIDENTS, alerts: INCIDENTS * ALERTS_PER_INCIDENT, perCase: per(incidentLoad, INCIDENTS) },
        alertIntoOpenIncident: { alerts: extra, alertsPerSecond: round((extra / alertLoad.wallMs) * 1000), perCase: per(alertLoad, extra) },
      };
      const line = (kind: 'ticket' | 'incident' | 'alertIntoOpenIncident') =>
        Object.entries(figures[kind].perCase)
          .map(([db, d]) => `${db} ${d.transactions} tx / ${d.rowsWritten} rows / ${Math.round(d.bytes / 1024)} KiB`)
          .join(', ');
      return {
        figures,
        checks: [
          check('every request answered as expected', failures.length === 0, failures.slice(0, 3).join(' | ')),
          check(`all ${TICKETS} tickets resolved (or closed since)`, resolved === TICKETS, `${resolved}`),
          check(`exactly ${INCIDENTS} incidents`, incidents === INCIDENTS, `${incidents}`),
          check('every alert counted once by its incident', alertsCounted === INCIDENTS * ALERTS_PER_INCIDENT + extra, `${alertsCounted}`),
        ],
        headline: `per ticket (open, reply, resolve): ${line('ticket')}; per incident: ${line('incident')}; per further alert: ${line('alertIntoOpenIncident')}`,
      };
    } finally {
      await stack.stop();
    }
  },
};

/** The alerts the open incidents have counted (their workflows' own state; the read model follows on transitions). */
async function alertsInIncidents(stack: Stack): Promise<number> {
  const ids = ((await stack.ds.query(`SELECT id FROM incidents`)) as { id: string }[]).map((r) => r.id);
  const counts = await Promise.all(ids.map((id) => stack.client.workflow.getHandle<typeof incidentWorkflow>(id).query(incidentStatusQuery).then((v) => v.alertCount).catch(() => 0)));
  return counts.reduce((a, b) => a + b, 0);
}

interface DbLoad {
  wallMs: number;
  databases: Record<string, { transactions: number; rowsWritten: number; bytes: number }>;
}

/** Runs `work` and returns how much the stack's databases grew and wrote meanwhile. */
async function measured(stack: Stack, work: () => Promise<number>): Promise<DbLoad> {
  const names = { readModel: new URL(stack.databaseUrl).pathname.slice(1), ...stack.server.databases };
  const admin = new URL(stack.databaseUrl);
  admin.pathname = '/postgres';
  const pg = new Pg({ connectionString: admin.toString() });
  await pg.connect();
  try {
    const read = async () => {
      // Statistics reach pg_stat_database when each backend reports (about once a second).
      await pg.query('SELECT pg_stat_clear_snapshot()');
      const out: Record<string, { transactions: number; rowsWritten: number; bytes: number }> = {};
      for (const [label, db] of Object.entries(names)) {
        const { rows } = await pg.query<{ tx: string; written: string; bytes: string }>(
          `SELECT xact_commit + xact_rollback AS tx, tup_inserted + tup_updated + tup_deleted AS written, pg_database_size(datname) AS bytes FROM pg_stat_database WHERE datname = $1`,
          [db],
        );
        out[label] = { transactions: Number(rows[0]?.tx ?? 0), rowsWritten: Number(rows[0]?.written ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
      }
      return out;
    };
    const before = await read();
    const wallMs = await work();
    await new Promise((r) => setTimeout(r, 2_000)); // the last backends' statistics
    const after = await read();
    return {
      wallMs,
      databases: Object.fromEntries(Object.keys(names).map((k) => [k, { transactions: after[k].transactions - before[k].transactions, rowsWritten: after[k].rowsWritten - before[k].rowsWritten, bytes: after[k].bytes - before[k].bytes }])),
    };
  } finally {
    await pg.end();
  }
}
