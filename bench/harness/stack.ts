import { Client, Connection } from '@temporalio/client';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '../../src/api/auth/api-key.service';
import { createDataSource, migrate } from '../../src/persistence/data-source';
import { LoadedAllocator, loadedAllocator } from '../../src/worker/allocator';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { RunningDevServer, startTemporalDevServer } from '../../scripts/dev-server';
import type { StackSealing } from '../../test/support/harness';
import { trustedTestSigner } from '../../test/support/trusted-signer';
import { clusterServiceToken, DEV_IDP_SECRET, startCluster } from '../../test/support/cluster';
import { freePort } from '../../test/support/oidc';

export const ROOT = resolve(__dirname, '..', '..');

/** A process of the real stack (the compiled api or worker), to kill, restart and measure. */
export class StackProcess {
  child!: ChildProcess;
  private out = '';

  constructor(
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly readyLine: string,
    private readonly nodeArgs: string[] = [],
    /** A command that starts node and becomes it (exec: the PID measured is node's), e.g. the worker's allocator launcher. */
    private readonly launcher: string[] = [],
  ) {}

  async start(): Promise<void> {
    this.out = '';
    const command = [...this.launcher, process.execPath, ...this.nodeArgs, this.entry];
    this.child = spawn(command[0], command.slice(1), { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    // BENCH_PROCESS_LOGS=<dir>: each process's whole output in a file of its own (kept: the last 20 kB only).
    const logDir = process.env.BENCH_PROCESS_LOGS;
    if (logDir) mkdirSync(logDir, { recursive: true }); // a new name: its first process's log failed with ENOENT before
    const file = logDir ? createWriteStream(resolve(logDir, `${basename(this.entry, '.js')}-${this.child.pid}.log`)) : null;
    this.child.stdout!.on('data', (d: Buffer) => {
      file?.write(d);
      this.out = (this.out + d.toString()).slice(-20_000);
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      file?.write(d);
      this.out = (this.out + d.toString()).slice(-20_000);
    });
    this.child.once('exit', () => file?.end());
    await until(() => this.out.includes(this.readyLine) || this.child.exitCode !== null, 60_000, `${this.entry} to start`);
    if (this.child.exitCode !== null) throw new Error(`${this.entry} exited ${this.child.exitCode}:\n${this.out}`);
  }

  /** SIGTERM gets `graceMs` to drain (a worker with 10,000 cached cases takes a while), then SIGKILL. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 30_000): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  rssKiB(): number {
    return this.statusKiB('VmRSS');
  }

  /** The most RSS the process has held since it started or since resetPeakRss() (VmHWM). */
  peakRssKiB(): number {
    return this.statusKiB('VmHWM');
  }

  /** Sets the peak to the current RSS (proc(5), clear_refs "5"), so the next peak is one phase's. */
  resetPeakRss(): void {
    require('node:fs').writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
  }

  /** The malloc the process runs on (what its launcher preloaded), read from its mappings. */
  allocator(): LoadedAllocator['allocator'] {
    return loadedAllocator(`/proc/${this.child.pid}/maps`).allocator;
  }

  private statusKiB(field: 'VmRSS' | 'VmHWM'): number {
    const status = require('node:fs').readFileSync(`/proc/${this.child.pid}/status`, 'utf8') as string;
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  }

  output(): string {
    return this.out;
  }
}

/** The Temporal server a stack runs on: the dev server, or the production topology (BENCH_SERVER=cluster). */
export type BenchServer = Pick<RunningDevServer, 'address' | 'stop'> & {
  /** The cluster's PostgreSQL databases (history, visibility); the dev server keeps SQLite. */
  databases?: { history: string; visibility: string };
};
/** Which server this run's stacks start (bench/run.ts sets BENCH_SERVER for each of BENCH_SERVERS). */
export function benchServer(): 'dev' | 'cluster' {
  return process.env.BENCH_SERVER === 'cluster' ? 'cluster' : 'dev';
}

export interface Stack {
  server: BenchServer;
  serverKind: 'dev' | 'cluster';
  serverPort: number;
  dbFilename?: string;
  databaseUrl: string;
  taskQueue: string;
  env: Record<string, string>;
  /** Its database and payload key: what opens what its worker sealed after the fact (checks, saved histories). */
  sealing: StackSealing;
  client: Client;
  ds: DataSource;
  worker: StackProcess;
  api: StackProcess | null;
  apiUrl: string | null;
  apiKey: string | null;
  /** The token the bench's Temporal connections present to the cluster (its authorizer); null on the dev server. */
  temporalApiKey: string | null;
  stop(): Promise<void>;
}

export async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A fresh stack for one scenario: its own dev server (file-backed when asked), its own database,
 * the compiled worker (prebuilt bundle) and optionally the compiled API, as separate processes.
 */
export async function startStack({
  api = false,
  dbFilename,
  extraEnv = {},
  apiEnv = {},
  workerNodeArgs: scenarioWorkerNodeArgs = [],
}: {
  api?: boolean;
  dbFilename?: string;
  extraEnv?: Record<string, string>;
  /** Variables for the API process alone (intake's traced run: OTEL_EXPORTER_OTLP_ENDPOINT). */
  apiEnv?: Record<string, string>;
  /** Node arguments the scenario needs (e.g. memoryProbeNodeArgs()). */
  workerNodeArgs?: string[];
} = {}): Promise<Stack> {
  // BENCH_WORKER_ENV="LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_ARENA_MAX=2":
  // variables for the worker alone (an allocator measured on the bench's runner and API too would
  // change what is compared). Read before anything starts, so a mistyped one leaves nothing running.
  const workerEnv = workerOnlyEnv(process.env.BENCH_WORKER_ENV);
  const { server, serverEnv, apiKey: temporalApiKey } = await startServer(dbFilename);
  const serverPort = Number(server.address.split(':')[1]);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/caseworks_bench_${Date.now()}`;
  const databaseUrl = base.toString();
  await migrate(databaseUrl);
  const taskQueue = 'bench';
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: server.address,
    DATABASE_URL: databaseUrl,
    TEMPORAL_TASK_QUEUE: taskQueue,
    POLICY_DIR: resolve(ROOT, 'test', 'fixtures', 'policies'),
    // A fresh key per stack (BENCH_PAYLOAD_KEY fixes it). The crash scenario saves a stuck case's
    // history with this key in the file, so it replays after the stack is gone (bench/README.md).
    PAYLOAD_ENCRYPTION_KEY: process.env.BENCH_PAYLOAD_KEY ?? randomBytes(32).toString('base64'),
    WORKFLOW_BUNDLE_PATH: resolve(ROOT, 'dist', 'workflow-bundle.js'),
    RATE_LIMIT_PER_MINUTE: '10000000',
    ...serverEnv,
    ...extraEnv,
  };
  const ds = await createDataSource(databaseUrl).initialize();
  const connection = await Connection.connect({ address: server.address, ...(temporalApiKey ? { apiKey: temporalApiKey, tls: false } : {}) });
  // The bench drives workflows as the service would (src/temporal/actor-binding.ts): it vouches for the actor each payload names.
  const client = new Client({ connection, dataConverter: dataConverterFor({ PAYLOAD_ENCRYPTION_KEY: env.PAYLOAD_ENCRYPTION_KEY, DATABASE_URL: databaseUrl }, { identity: trustedTestSigner }) });

  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker (node refuses
  // --cpu-prof in NODE_OPTIONS); the profile is written when the scenario stops the worker.
  // BENCH_API_NODE_ARGS does the same for the API.
  const workerNodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // Started as the product starts it: on the malloc WORKER_ALLOCATOR names (scripts/worker-allocator.sh;
  // BENCH_WORKER_ENV="WORKER_ALLOCATOR=glibc" measures glibc's).
  const worker = new StackProcess('dist/src/worker/main.js', { ...env, LOG_LEVEL: 'info', ...workerEnv }, '"worker started"', [...scenarioWorkerNodeArgs, ...workerNodeArgs], ['sh', resolve(ROOT, 'scripts', 'worker-allocator.sh')]);
  let apiProcess: StackProcess | null = null;
  let apiUrl: string | null = null;
  let apiKey: string | null = null;
  const stopAll = async (currentServer: BenchServer) => {
    await apiProcess?.kill('SIGTERM');
    await worker.kill('SIGTERM');
    await connection.close();
    await ds.destroy();
    await currentServer.stop().catch(() => undefined);
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    const { Client: Pg } = await import('pg');
    const pg = new Pg({ connectionString: admin.toString() });
    await pg.connect();
    await pg.query(`DROP DATABASE IF EXISTS "${base.pathname.slice(1)}" WITH (FORCE)`);
    await pg.end();
  };
  try {
    await worker.start();
    if (api) {
      const port = await freePort(); // not a random one: those can be an outgoing connection's
      const apiNodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
      // BENCH_API_CPUS=1 (with the bench itself under `taskset -c 0`): the API on a core of its
      // own, everything else on the other; taskset execs node, so the PID measured is the API's.
      const apiCpus = process.env.BENCH_API_CPUS;
      apiProcess = new StackProcess('dist/src/api/main.js', { ...env, API_PORT: String(port), LOG_LEVEL: 'warn', ...(benchServer() === 'cluster' ? { TEMPORAL_OIDC_CLIENT_ID: 'caseworks-api' } : {}), ...apiEnv }, '', apiNodeArgs, apiCpus ? ['taskset', '-c', apiCpus] : []);
      await apiProcess.start();
      apiUrl = `http://127.0.0.1:${port}`;
      await until(async () => (await fetch(`${apiUrl}/health/ready`).catch(() => null))?.ok === true, 60_000, 'api ready');
      apiKey = (await ApiKeyService.create(ds, 'bench', 'client', { account: 'bench' })).key; // a client key sees its account's tickets only
    }
  } catch (err) {
    // A stack that failed to start is stopped here: no scenario holds it to stop, and its Temporal
    // server outlived a run whose worker could not start.
    await stopAll(server).catch(() => undefined);
    throw err;
  }
  const stack: Stack = {
    server,
    serverKind: benchServer(),
    serverPort,
    dbFilename,
    databaseUrl,
    taskQueue,
    env,
    sealing: { DATABASE_URL: databaseUrl, PAYLOAD_ENCRYPTION_KEY: env.PAYLOAD_ENCRYPTION_KEY },
    client,
    ds,
    worker,
    api: apiProcess,
    apiUrl,
    apiKey,
    temporalApiKey: temporalApiKey ?? null,
    async stop(this: Stack) {
      // `this.server`: a scenario may have replaced the server (restart).
      await stopAll(this.server);
    },
  };
  return stack;
}

/**
 * BENCH_SERVER=cluster: `make cluster`'s Temporal part (scripts/cluster.sh, CLUSTER_TEMPORAL_ONLY):
 * Temporal 1.29.1 on PostgreSQL in three processes with JWT authorization; the stack's worker and
 * API get their own tokens from its IdP, as under make cluster. Otherwise the dev server.
 */
async function startServer(dbFilename: string | undefined): Promise<{ server: BenchServer; serverEnv: Record<string, string>; apiKey?: string }> {
  if (benchServer() === 'dev') return { server: await startTemporalDevServer({ dbFilename, logLevel: 'error' }), serverEnv: {} };
  const cluster = await startCluster({ CLUSTER_TEMPORAL_ONLY: '1' });
  return {
    server: { address: cluster.temporalAddress, stop: cluster.stop, databases: { history: cluster.env.TEMPORAL_DB, visibility: cluster.env.TEMPORAL_VISIBILITY_DB } },
    // Processes are workers unless told otherwise (the API below is caseworks-api).
    serverEnv: { OIDC_ISSUER_URL: cluster.idpUrl, TEMPORAL_OIDC_CLIENT_ID: 'caseworks-worker', TEMPORAL_OIDC_CLIENT_SECRET: DEV_IDP_SECRET },
    apiKey: await clusterServiceToken(cluster, 'caseworks-api'),
  };
}

/** Polls a count query until it reaches `expected` (or the time is up); returns the last count. */
export async function countWhen(ds: DataSource, sql: string, params: unknown[], expected: number, timeoutMs: number, log?: (l: string) => void): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  for (;;) {
    const [{ n }] = (await ds.query(sql, params)) as { n: number }[];
    if (n >= expected || Date.now() > deadline) return n;
    if (log && Date.now() - lastLog > 5_000) {
      log(`  ${n}/${expected}`);
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Polls a count query until it reaches `expected`, for as long as it keeps rising: gives up only
 * after `stallMs` without progress (or `maxMs` in all). A slow machine then reports a slow figure
 * instead of a lost case; a real loss still ends the wait and fails the exactness check.
 */
export async function countWhileProgressing(
  ds: DataSource,
  sql: string,
  params: unknown[],
  expected: number,
  {
    stallMs = 60_000,
    maxMs = 15 * 60_000,
    firstExpectedAt = Date.now(),
    log,
  }: { stallMs?: number; maxMs?: number; /** No progress is due before then (e.g. the first deadline). */ firstExpectedAt?: number; log?: (l: string) => void } = {},
): Promise<number> {
  const started = Date.now();
  let last = -1;
  let lastProgress = Math.max(started, firstExpectedAt);
  let lastLog = 0;
  for (;;) {
    const [{ n }] = (await ds.query(sql, params)) as { n: number }[];
    const now = Date.now();
    if (n > last) {
      last = n;
      lastProgress = Math.max(now, lastProgress);
    }
    if (n >= expected || now - lastProgress > stallMs || now - Math.max(started, firstExpectedAt) > maxMs) return n;
    if (log && now - lastLog > 10_000) {
      log(`  ${n}/${expected}`);
      lastLog = now;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** BENCH_WORKER_ENV's space-separated NAME=value pairs; anything else is refused, not ignored. */
export function workerOnlyEnv(spec: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (spec ?? '').split(' ').filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
    if (!m) throw new Error(`BENCH_WORKER_ENV: "${pair}" is not NAME=value`);
    env[m[1]] = m[2];
  }
  return env;
}
