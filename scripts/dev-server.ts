import { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CASE_SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes';

/**
 * The one way this project starts a Temporal dev server: `make dev`, the test suite's global
 * setup and the benchmarks all call startTemporalDevServer(). The SDK is pointed at the CLI the
 * project built (its own download cannot work here).
 */
export function temporalCliPath(): string {
  const script = resolve(projectRoot(), 'scripts', 'install-temporal-cli.sh');
  return execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** The repository root, whether this runs from scripts/ (ts-node) or dist/scripts/ (compiled). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export interface DevServerOptions {
  /** SQLite file to keep data across restarts; in-memory when omitted. */
  dbFilename?: string;
  ip?: string;
  /** Front-end gRPC port; a free one when omitted. */
  port?: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  logLevel?: string;
  /** Codec endpoint the Web UI calls to decode encrypted payloads. */
  uiCodecEndpoint?: string;
}

/**
 * Three of the server's defaults cost cases time they do not need to lose here:
 * - it re-reads the search-attribute metadata from SQLite on every use (so attributes created
 *   at run time show at once); ours are all registered by `--search-attribute` before the server
 *   answers, and every case upserts them on each transition;
 * - a task queue has four partitions (built for many pollers on many hosts); one worker process
 *   polling four partitions waits on forwarding between them;
 * - a workflow holds one query while a workflow task is in flight and refuses any other
 *   (RESOURCE_EXHAUSTED, which the client retries with backoff): duplicates of a create racing the
 *   case's first task, or two people opening one case, waited out QUERY_TIMEOUT_MS and read the
 *   read model. Each held query is answered when the task completes.
 * The same values are in deploy/temporal/dynamicconfig/caseworks.yaml (make cluster, compose).
 */
export const DEV_SERVER_TUNING = [
  'system.forceSearchAttributesCacheRefreshOnRead=false',
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
  'history.MaxBufferedQueryCount=16',
];

export interface RunningDevServer {
  address: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  if (options.dbFilename) mkdirSync(dirname(options.dbFilename), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: options.ip ?? '127.0.0.1',
      port: options.port,
      dbFilename: options.dbFilename,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: CASE_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: options.logLevel ?? 'warn' },
      extraArgs: [...DEV_SERVER_TUNING.flatMap((kv) => ['--dynamic-config-value', kv]), ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : [])],
    },
  });
  const address = (env.connection.options as { address: string }).address;
  return { address, env, stop: () => env.teardown() };
}

/** `node dist/scripts/dev-server.js` (make dev): a persistent dev server with the Web UI. */
async function main(): Promise<void> {
  const port = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const dbFilename = resolve(process.env.TEMPORAL_DB ?? '.data/temporal.db');
  const uiCodecEndpoint = process.env.TEMPORAL_UI_CODEC_ENDPOINT;
  const server = await startTemporalDevServer({ port, uiPort, dbFilename, uiCodecEndpoint });
  process.stdout.write(`temporal dev server ready: grpc ${server.address}, ui http://127.0.0.1:${uiPort}, db ${dbFilename}\n`);
  // The server is a child of the SDK's native runtime, which holds no event-loop handle: keep
  // this process alive until a signal asks it to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = async () => {
    clearInterval(keepAlive);
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`temporal dev server failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
