/**
 * Micro-benchmark: what one read-model record costs the writer and PostgreSQL.
 *
 *   npx ts-node --transpile-only bench/micro/case-record-write.ts [N=20000] [CONCURRENCY=8]
 *
 * Writes N records through writeCaseRecords (src/persistence/read-model/case-records.ts), the path
 * every case kind's record activity takes: cases of six changes each, a row of a ticket's width
 * (40 columns and a ~3 KiB snapshot) under the version guard, one ~0.5 KiB event per record, from
 * CONCURRENCY writers at once, as the worker's activities write. Reports records per second, this
 * process's CPU per record and PostgreSQL's (every `postgres` process on the machine, from /proc:
 * run it on an otherwise idle machine). Its own database (`caseworks_micro_<pid>`, on DATABASE_URL's
 * server) and tables are made for the run and dropped after.
 *
 * To compare two revisions, copy this file into the other tree and run both, interleaved: it uses
 * only writeCaseRecords' signature. Not part of `make bench` (that runs the stack scenarios).
 */
import { Client } from 'pg';
import { createDataSource, ensureDatabase } from '../../src/persistence/data-source';
import { type CaseTables, writeCaseRecords } from '../../src/persistence/read-model/case-records';
import { cpuSnapshot, isPostgresProcess } from '../harness/cpu';

const N = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const CHANGES_PER_CASE = 6;
const EXTRA_COLUMNS = 34;

const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `caseworks_micro_${process.pid}`;
const tables: CaseTables = { table: 'micro_cases', fixedColumns: ['opened_at'], events: { table: 'micro_case_events', caseColumn: 'case_id' } };
const extra = Array.from({ length: EXTRA_COLUMNS }, (_, i) => `c${i}`);
const snapshot = JSON.stringify({ text: 'x'.repeat(3000), clocks: Array.from({ length: 8 }, (_, i) => ({ metric: `m${i}`, deadlineAt: new Date(0).toISOString() })) });

/** Drops the run's database (ensureDatabase made it). */
async function dropDatabase(): Promise<void> {
  const url = new URL(server);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

function record(i: number) {
  const caseIndex = Math.floor(i / CHANGES_PER_CASE);
  const version = (i % CHANGES_PER_CASE) + 1;
  const id = `case-${caseIndex}`;
  const at = new Date(Date.UTC(2026, 0, 5) + i * 1000);
  const row = {
    id,
    opened_at: new Date(Date.UTC(2026, 0, 5)),
    status: `state-${version}`,
    ...Object.fromEntries(extra.map((c, k) => [c, k % 2 === 0 ? `value-${k}-${version}` : null])),
    snapshot,
    updated_at: at,
    version: String(version),
  };
  const events = [{ eventKey: `${id}:${version}`, caseId: id, type: `step-${version}`, actor: 'agent-micro', occurredAt: at, data: { note: 'y'.repeat(500), version }, seq: version }];
  return { row, events };
}

async function main(): Promise<void> {
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  await ensureDatabase(url.toString());
  // The project's pool (10 connections): enough for the writers, as in the worker.
  const ds = await createDataSource(url.toString()).initialize();
  try {
    await ds.query(`CREATE TABLE micro_cases (id text PRIMARY KEY, opened_at timestamptz NOT NULL, status text NOT NULL, ${extra.map((c) => `${c} text`).join(', ')},
                    snapshot jsonb NOT NULL, updated_at timestamptz NOT NULL, version bigint)`);
    await ds.query(`CREATE TABLE micro_case_events (id bigserial PRIMARY KEY, event_key text NOT NULL UNIQUE, case_id text NOT NULL, type text NOT NULL,
                    actor text NOT NULL, occurred_at timestamptz NOT NULL, data jsonb NOT NULL, seq bigint)`);
    await ds.query('CREATE INDEX ON micro_case_events (case_id)');
    const groups = { postgres: isPostgresProcess };
    const before = cpuSnapshot(groups);
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < N; i = next++) {
          const { row, events } = record(i);
          await writeCaseRecords(ds, tables, row, events);
        }
      }),
    );
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const after = cpuSnapshot(groups);
    const used = (g: string) => [...after[g].entries()].reduce((sum, [pid, ms]) => sum + ms - (before[g].get(pid) ?? 0), 0);
    const [{ rows, events }] = await ds.query('SELECT (SELECT count(*) FROM micro_cases)::int AS rows, (SELECT count(*) FROM micro_case_events)::int AS events');
    if (rows !== Math.ceil(N / CHANGES_PER_CASE) || events !== N) throw new Error(`stored ${rows} rows and ${events} events, expected ${Math.ceil(N / CHANGES_PER_CASE)} and ${N}`);
    const per = (ms: number) => ((ms * 1000) / N).toFixed(0);
    console.log(
      `${N} records, ${CONCURRENCY} writers: ${((N * 1000) / wallMs).toFixed(0)} records/s; CPU per record: writer ${per(used('bench'))} µs, PostgreSQL ${per(used('postgres'))} µs`,
    );
  } finally {
    await ds.destroy();
    await dropDatabase();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
