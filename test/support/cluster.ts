import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from './oidc';
import { waitFor } from './wait-for';

/** `make cluster` (scripts/cluster.sh) started by a test on free ports, its own databases and data folder. */
export interface RunningCluster {
  /** The environment the cluster's processes got (DATABASE_URL, PAYLOAD_ENCRYPTION_KEY, addresses). */
  env: Record<string, string>;
  apiUrl: string;
  apiUrls: [string, string];
  /** The APIs over HTTPS (the UI's codec endpoint): `<url>/codec`. */
  apiTlsUrl: string;
  /** The self-signed certificate the HTTPS port presents (PEM file in the cluster's data folder). */
  tlsCertPath: string;
  uiUrl: string;
  idpUrl: string;
  temporalAddress: string;
  dataDir: string;
  /** The process a supervisor keeps (worker-1, temporal-history-1, …), by its pid; null between restarts. */
  childPid(name: string): number | null;
  log(name: string): string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');
/** The development IdP's secret for its machine clients (scripts/dev-idp.mjs). */
export const DEV_IDP_SECRET = 'dev-secret-not-for-production';

/** A client_credentials token of the cluster's IdP for the Temporal cluster (caseworks-api, caseworks-worker, temporal-admin, …). */
export async function clusterServiceToken(cluster: Pick<RunningCluster, 'idpUrl'>, clientId: string): Promise<string> {
  const res = await fetch(`${cluster.idpUrl}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${DEV_IDP_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'urn:temporal:cluster', scope: 'temporal' }),
  });
  if (!res.ok) throw new Error(`token for ${clientId}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function startCluster(extraEnv: Record<string, string> = {}): Promise<RunningCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caseworks-cluster-'));
  const tag = `${Date.now()}_${process.pid}`;
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const dbUrl = new URL(base.toString());
  dbUrl.pathname = `/caseworks_cluster_${tag}`;
  const [apiPort, api1, api2, idpPort, frontendPort, uiPort, apiTlsPort] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const portBase = await freePortBlock(40);
  const env: Record<string, string> = {
    CLUSTER_DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    API_PORT_1: String(api1),
    API_PORT_2: String(api2),
    API_TLS_PORT: String(apiTlsPort),
    IDP_PORT: String(idpPort),
    FRONTEND_GRPC_PORT: String(frontendPort),
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_PORT_BASE: String(portBase),
    TEMPORAL_DB: `temporal_${tag}`,
    TEMPORAL_VISIBILITY_DB: `temporal_visibility_${tag}`,
    DATABASE_URL: dbUrl.toString(),
    PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...extraEnv,
  };
  const child = spawn('bash', ['scripts/cluster.sh'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 60_000)))]);
      clearTimeout(timer);
    }
    if (!gone) killGroup(child);
    await dropDatabases(base, [env.TEMPORAL_DB, env.TEMPORAL_VISIBILITY_DB, dbUrl.pathname.slice(1)]);
    // The logs stay only when the cluster did not come up (the error names the folder).
    if (ready) rmSync(dataDir, { recursive: true, force: true });
  };
  let ready = false;
  try {
    // The first start of a machine builds the binaries (about 4 minutes); later ones take ~1 minute.
    await waitFor(() => gone || existsSync(join(dataDir, 'ready')), { timeoutMs: 8 * 60_000, intervalMs: 500, what: 'make cluster to be ready' });
    if (gone) throw new Error(`scripts/cluster.sh exited before it was ready (logs in ${dataDir}/logs):\n${out.slice(-4000)}`);
    ready = true;
  } catch (err) {
    await stop();
    throw err;
  }
  const supervisorPid = (name: string): number => Number(readFileSync(join(dataDir, 'pids', `${name}.pid`), 'utf8').trim());
  return {
    env,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiUrls: [`http://127.0.0.1:${api1}`, `http://127.0.0.1:${api2}`],
    apiTlsUrl: `https://127.0.0.1:${apiTlsPort}`,
    tlsCertPath: join(dataDir, 'tls', 'cert.pem'),
    uiUrl: `http://127.0.0.1:${uiPort}`,
    idpUrl: `http://127.0.0.1:${idpPort}`,
    temporalAddress: `127.0.0.1:${frontendPort}`,
    dataDir,
    childPid: (name) => {
      try {
        const pid = execFileSync('pgrep', ['-P', String(supervisorPid(name))], { encoding: 'utf8' }).trim().split('\n')[0];
        return pid ? Number(pid) : null;
      } catch {
        return null; // pgrep finds none while the supervisor waits to restart it
      }
    },
    log: (name) => readFileSync(join(dataDir, 'logs', `${name}.log`), 'utf8'),
    stop,
  };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** A run of `size` consecutive free ports (scripts/cluster.sh puts the server's internal ports there). */
async function freePortBlock(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32,768: Temporal keeps membership ports in a smallint column (cluster_membership).
    const start = 20_000 + Math.floor(Math.random() * 120) * 100;
    const taken = await Promise.all(Array.from({ length: size }, (_, i) => portTaken(start + i)));
    if (!taken.some(Boolean)) return start;
  }
  throw new Error('no free block of ports');
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function dropDatabases(base: URL, names: string[]): Promise<void> {
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const pg = new Client({ connectionString: admin.toString() });
  await pg.connect();
  try {
    for (const name of names) await pg.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await pg.end();
  }
}
