import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config.schema';
import { loadConfig } from '../../src/config/load-config';
import { apiMetricsPort, workerMetricsAddress } from '../../src/observability/metrics/metrics-settings';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { CASE_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

/** There is no Docker engine here: the compose file is checked against the code instead. */
const root = resolve(__dirname, '..', '..');
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; ports?: string[]; entrypoint?: string[]; volumes?: string[]; command?: string[]; restart?: string; stop_grace_period?: string }>;
};
const services = compose.services;

/** Resolves ${VAR:?msg} / ${VAR:-default} the way compose would, with a realistic value set. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    if (vars[name] !== undefined) return vars[name];
    if (op === '-') return arg;
    throw new Error(`compose would refuse to start: ${name} is not set (${arg})`);
  });
}

const userVars = { CASEWORKS_PAYLOAD_KEY: Buffer.alloc(32, 7).toString('base64') };
const envOf = (service: string) =>
  Object.fromEntries(Object.entries(services[service].environment ?? {}).map(([k, v]) => [k, interpolate(String(v), userVars)]));
const schemaKeys = Object.keys(configSchema.shape);
const requiredKeys = Object.entries(configSchema.shape)
  .filter(([, field]) => !field.isOptional())
  .map(([key]) => key);

describe('docker-compose.yml against the config schema', () => {
  it.each(['api', 'worker', 'migrate'])('%s: its environment passes the app config schema (production rules included)', (name) => {
    const env = envOf(name);
    expect(() => loadConfig(env)).not.toThrow();
    expect(loadConfig(env).NODE_ENV).toBe('production');
  });

  it.each(['api', 'worker', 'migrate'])('%s: sets only variables the schema knows (no typos)', (name) => {
    const unknown = Object.keys(envOf(name)).filter((k) => !schemaKeys.includes(k));
    expect(unknown).toEqual([]);
  });

  it('every variable without a default is set (none today; the check guards new ones)', () => {
    for (const name of ['api', 'worker']) expect(requiredKeys.filter((k) => !(k in envOf(name)))).toEqual([]);
  });

  it('restarts the api and the worker when they exit (a worker past WORKER_STOP_DEADLINE_MS exits with code 1 to be restarted); compose gives a stopping worker more than its shutdown grace before it kills it', () => {
    for (const name of ['api', 'worker']) expect(services[name].restart).toBe('unless-stopped');
    const graceSeconds = Number(/^(\d+)s$/.exec(services.worker.stop_grace_period ?? '')?.[1]);
    expect(loadConfig(envOf('worker')).WORKER_SHUTDOWN_GRACE_MS).toBeLessThan(graceSeconds * 1000);
  });

  it('refuses to start without the payload key (compose ${…:?…})', () => {
    expect(() => interpolate(String(services.api.environment!.PAYLOAD_ENCRYPTION_KEY), {})).toThrow(/CASEWORKS_PAYLOAD_KEY/);
  });

  it('points DATABASE_URL at the postgres service with its user, password and port', () => {
    const url = new URL(envOf('api').DATABASE_URL);
    const pg = services.postgres.environment!;
    expect(url.hostname).toBe('postgres');
    expect(url.port || '5432').toBe('5432');
    expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
    expect(envOf('worker').DATABASE_URL).toBe(envOf('api').DATABASE_URL);
  });

  it('points TEMPORAL_ADDRESS (api, worker, UI, namespace job) at the temporal service port', () => {
    const published = services.temporal.ports!.map((p) => p.split(':').pop());
    for (const name of ['api', 'worker', 'temporal-ui', 'temporal-namespace']) {
      const [host, port] = envOf(name).TEMPORAL_ADDRESS.split(':');
      expect(host).toBe('temporal');
      expect(published).toContain(port);
    }
    expect(services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(Object.values(services).some((s) => s.image?.startsWith('temporalio/auto-setup'))).toBe(false);
  });

  it('publishes the API on the port it listens on, on all interfaces', () => {
    const env = loadConfig(envOf('api'));
    expect(env.API_HOST).toBe('0.0.0.0');
    expect(services.api.ports).toContain(`${env.API_PORT}:${env.API_PORT}`);
  });

  it('gives the worker the prebuilt workflow bundle that npm run build writes, and a worker loads it', async () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('bundle-workflows');
    // The image builds in its WORKDIR and runs the worker from there (Dockerfile): the bundle step,
    // run with no argument from a stand-in WORKDIR, must write where the worker is told to look.
    const workdir = dockerfileWorkdirs();
    expect(new Set(workdir).size).toBe(1);
    const bundlePath = envOf('worker').WORKFLOW_BUNDLE_PATH;
    expect(bundlePath.startsWith(`${workdir[0]}/`)).toBe(true);
    const app = mkdtempSync(join(tmpdir(), 'caseworks-app-'));
    try {
      execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), resolve(root, 'scripts', 'bundle-workflows.ts')], { cwd: app, stdio: 'pipe', env: { ...process.env, TS_NODE_PROJECT: resolve(root, 'tsconfig.json') } });
      const built = join(app, relative(workdir[0], bundlePath));
      expect(existsSync(built)).toBe(true);
      // A replay worker loads it and runs a recorded sweep on it (an operations run: sealed by the
      // master key alone, so no case-key database is needed here).
      const saved = JSON.parse(readFileSync(resolve(root, 'test', 'replay', 'fixtures', 'endedCasesSweepWorkflow.json'), 'utf8')) as { key: string; histories: { workflowId: string; history: string }[] };
      const { workflowId, history } = saved.histories[0];
      const dataConverter = dataConverterFor({ PAYLOAD_ENCRYPTION_KEY: saved.key, DATABASE_URL: 'postgres://unused.invalid/none' });
      await Worker.runReplayHistory({ workflowBundle: { codePath: built }, dataConverter }, temporal.api.history.v1.History.decode(Buffer.from(history, 'base64')), workflowId);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 240_000);

  it('registers every search attribute the workflows use, with its type', () => {
    const script = readFileSync(resolve(root, 'deploy', 'temporal', 'create-namespace.sh'), 'utf8');
    const typeName = { KEYWORD: 'Keyword', BOOL: 'Bool', DATETIME: 'Datetime', INT: 'Int', DOUBLE: 'Double', TEXT: 'Text', KEYWORD_LIST: 'KeywordList' } as const;
    for (const key of CASE_SEARCH_ATTRIBUTES) {
      expect(script).toContain(`${key.name}=${typeName[key.type as keyof typeof typeName]}`);
    }
    expect(services['temporal-namespace'].volumes).toContain('./deploy/temporal:/scripts:ro');
  });

  it("starts the worker through the allocator launcher, which the image carries with jemalloc's library (scripts/worker-allocator.sh)", () => {
    const command = services.worker.command ?? [];
    expect(command.slice(0, 2)).toEqual(['sh', 'scripts/worker-allocator.sh']);
    expect(command.slice(2)).toEqual(['node', 'dist/src/worker/main.js']);
    // The runtime stage (the last FROM) installs libjemalloc2 and copies the launcher where the command finds it.
    const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/apt-get install[^\n]*\blibjemalloc2\b/);
    expect(runtime).toContain('COPY scripts/worker-allocator.sh ./scripts/worker-allocator.sh');
    expect(dockerfileWorkdirs()).toEqual(['/app', '/app']);
    expect(existsSync(resolve(root, 'scripts', 'worker-allocator.sh'))).toBe(true);
  });

  it('lets the Temporal UI decode payloads through the API codec endpoint', () => {
    const ui = envOf('temporal-ui');
    const apiPort = loadConfig(envOf('api')).API_PORT;
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:${apiPort}/codec`);
    const uiPublished = services['temporal-ui'].ports![0].split(':')[0];
    expect(loadConfig(envOf('api')).CODEC_CORS_ORIGINS).toContain(`http://localhost:${uiPublished}`);
  });
});

describe('docker-compose.yml: Prometheus and Grafana', () => {
  const yamlIn = (file: string) => parse(readFileSync(resolve(root, file), 'utf8'));
  /** Where a service mounts a repository folder, e.g. ./deploy/prometheus → /etc/prometheus/caseworks. */
  const mountOf = (service: string, source: string) =>
    (services[service].volumes ?? []).map((v) => v.split(':')).find(([from]) => from === source)?.[1];
  const scrapeTargets = (job: string) =>
    (yamlIn('deploy/prometheus/prometheus.yml') as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs
      .find((c) => c.job_name === job)!
      .static_configs.flatMap((c) => c.targets);

  it('Prometheus loads deploy/prometheus/prometheus.yml from its read-only mount', () => {
    const mount = mountOf('prometheus', './deploy/prometheus');
    expect(mount).toBeDefined();
    expect(services.prometheus.volumes).toContain(`./deploy/prometheus:${mount}:ro`);
    expect(services.prometheus.command).toContain(`--config.file=${mount}/prometheus.yml`);
    expect(services.prometheus.ports).toContain('9090:9090');
  });

  it('scrapes the API on the metrics port the API is configured with', () => {
    const port = apiMetricsPort(loadConfig(envOf('api')));
    expect(port).not.toBeNull();
    expect(port).not.toBe(loadConfig(envOf('api')).API_PORT);
    expect(scrapeTargets('caseworks-api')).toEqual([`api:${port}`]);
  });

  it('scrapes the worker on the address its exporter binds, on all interfaces (a container peer reaches it)', () => {
    const address = workerMetricsAddress(loadConfig(envOf('worker')));
    expect(address).not.toBeNull();
    const [host, port] = address!.split(':');
    expect(host).toBe('0.0.0.0');
    expect(scrapeTargets('caseworks-worker')).toEqual([`worker:${port}`]);
  });

  it('Grafana gets the provisioning folder and the dashboards where the provider looks, and the datasource reaches Prometheus', () => {
    expect(mountOf('grafana', './deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const provider = (yamlIn('deploy/grafana/provisioning/dashboards/caseworks.yml') as { providers: { options: { path: string } }[] }).providers[0];
    expect(mountOf('grafana', './deploy/grafana/dashboards')).toBe(provider.options.path);
    const datasource = (yamlIn('deploy/grafana/provisioning/datasources/prometheus.yml') as { datasources: { url: string }[] }).datasources[0];
    const url = new URL(datasource.url);
    expect(url.hostname).toBe('prometheus');
    expect(services.prometheus.ports!.map((p) => p.split(':').pop())).toContain(url.port);
    // Grafana listens on 3000 in its container; published elsewhere so the API keeps 3000.
    expect(services.grafana.ports).toEqual([expect.stringMatching(/^\d+:3000$/)]);
    expect(services.grafana.ports![0]).not.toMatch(/^3000:/);
  });
});

/** Every stage's WORKDIR in the Dockerfile (build and run stages share one). */
function dockerfileWorkdirs(): string[] {
  return readFileSync(resolve(root, 'Dockerfile'), 'utf8')
    .split('\n')
    .flatMap((line) => /^WORKDIR\s+(\S+)/.exec(line.trim())?.slice(1) ?? []);
}
