import { INestApplication } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { Activities, activityDepsFromConfig, createActivities } from '../../src/activities';
import { ApiKeyService, KeyScope } from '../../src/api/auth/api-key.service';
import { createApiApp } from '../../src/api/create-app';
import { loadConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/config.schema';
import { Role } from '../../src/persistence/entities/api-key.entity';
import { createDataSource } from '../../src/persistence/data-source';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { createCaseworksWorker } from '../../src/worker/create-worker';
import { httpClient } from './http';
import { trustedTestSigner } from './trusted-signer';

/**
 * Where a stack's case keys are, to open what its worker sealed (or to take the case layer off a
 * history): the stack's database and payload key. testConfig(sealing) is that stack's config.
 */
export interface StackSealing {
  DATABASE_URL: string;
  PAYLOAD_ENCRYPTION_KEY: string;
}

/** Configuration for a test, from the environment global-setup prepared, plus overrides. */
export function testConfig(overrides: Partial<Record<keyof AppConfig, string>> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export async function openDataSource(config = testConfig()): Promise<DataSource> {
  return createDataSource(config.DATABASE_URL).initialize();
}

/** A client that signs as the service: payloads are bound to the actor they claim (trusted-signer.ts). */
export async function temporalClient(config = testConfig()): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config, { identity: trustedTestSigner }) });
}

let runtimeInstalled = false;
/** Worker runtime logs only warnings in tests; set TEST_LOG_LEVEL=INFO to see more. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.TEST_LOG_LEVEL?.toUpperCase() ?? 'WARN') as 'WARN';
  Runtime.install({ logger: new DefaultLogger(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level) ? level : 'WARN') });
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** Real activities as the worker builds them (adapters from the configuration), for tests that wrap one. */
export function realActivities(config: AppConfig, dataSource: DataSource, overrides: Partial<Parameters<typeof createActivities>[0]> = {}): Activities {
  return createActivities({ ...activityDepsFromConfig(config, dataSource, pino({ level: 'silent' })), ...overrides });
}

/** A real worker on the real dev server, with the run's prebuilt bundle and real activities (or the ones given). */
export async function startWorker(config: AppConfig, dataSource: DataSource, taskQueue = config.TEMPORAL_TASK_QUEUE, activities?: Activities): Promise<RunningWorker> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createCaseworksWorker({
    config,
    connection,
    taskQueue,
    workflowBundlePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE,
    activities: activities ?? realActivities(config, dataSource),
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface RunningApi {
  app: INestApplication;
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startApi(config: AppConfig): Promise<RunningApi> {
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

/** The account client keys belong to unless a test names one (bound to no brand, so any brand's tickets open). */
export const TEST_ACCOUNT = 'test-account';

/**
 * A new key. Client keys belong to TEST_ACCOUNT unless the scope names another account (or `{}`:
 * none); other roles are unscoped (every brand) unless the scope names a brand.
 */
export async function createKey(dataSource: DataSource, role: Role, name = `test-${role}`, scope?: KeyScope): Promise<string> {
  return (await ApiKeyService.create(dataSource, name, role, scope ?? (role === 'client' ? { account: TEST_ACCOUNT } : {}))).key;
}

export interface HttpStack {
  ds: DataSource;
  worker: RunningWorker;
  api: RunningApi;
}

/**
 * Database, worker and API for one describe block, started before its tests and stopped after
 * (in reverse). The fields are filled in beforeAll; read them inside tests only.
 */
export function useHttpStack(config: AppConfig): HttpStack {
  const stack = {} as HttpStack;
  beforeAll(async () => {
    stack.ds = await openDataSource(config);
    stack.worker = await startWorker(config, stack.ds);
    stack.api = await startApi(config);
  });
  afterAll(async () => {
    await stack.api?.stop();
    await stack.worker?.stop();
    await stack.ds?.destroy();
  });
  return stack;
}

type ConfigOverrides = Partial<Record<keyof AppConfig, string>>;

/** A fake server a stack starts before the configuration (its URL may go in) and closes last. */
export interface Closable {
  close(): Promise<void>;
}

export interface WorkerStackOptions<F> {
  /** Fake servers, started in order before everything else and closed (in reverse) after it. */
  fakes?: { [K in keyof F]: () => Promise<F[K]> };
  /** The task queue's label (uniqueTaskQueue); the queue is `stack.taskQueue`. */
  label?: string;
  /** The in-process worker's activities; default the real ones (realActivities). */
  activities?: (config: AppConfig, dataSource: DataSource) => Activities;
  /** false: no in-process worker, for specs that spawn (and kill) worker processes themselves. */
  worker?: boolean;
}

export interface WorkerStack<F> {
  /** Known at once (tests and workflow starts may name it at describe time); the rest after beforeAll. */
  taskQueue: string;
  config: AppConfig;
  ds: DataSource;
  client: Client;
  /** Absent with `worker: false`. */
  worker: RunningWorker;
  fakes: F;
  /** Runs `fn` at teardown before the stack stops (the last registered first), e.g. deleting a schedule a test created. */
  onTeardown(fn: () => unknown): void;
}

/**
 * Fake servers, configuration, database, Temporal client and a worker on a fresh task queue for
 * one describe block, started before its tests and stopped after (in reverse: teardown
 * callbacks, worker, client, database, fakes). `config` is the overrides for testConfig, or a
 * function of the started fakes giving them (their URLs); TEMPORAL_TASK_QUEUE is the stack's
 * own queue, so an API or worker process started from `stack.config` serves the same queue.
 * The fields are filled in beforeAll; read them inside tests and hooks only.
 */
export function useWorkerStack<F extends Record<string, Closable> = Record<string, never>>(
  config: ConfigOverrides | ((fakes: F) => ConfigOverrides) = {},
  options: WorkerStackOptions<F> = {},
): WorkerStack<F> {
  const teardown: (() => unknown)[] = [];
  const stack = { taskQueue: uniqueTaskQueue(options.label ?? 'worker'), fakes: {} as F } as WorkerStack<F>;
  stack.onTeardown = (fn) => void teardown.push(fn);
  beforeAll(async () => {
    for (const [name, start] of Object.entries(options.fakes ?? {}) as [keyof F, () => Promise<F[keyof F]>][]) stack.fakes[name] = await start();
    stack.config = testConfig({ TEMPORAL_TASK_QUEUE: stack.taskQueue, ...(typeof config === 'function' ? config(stack.fakes) : config) });
    stack.ds = await openDataSource(stack.config);
    stack.client = await temporalClient(stack.config);
    if (options.worker !== false) stack.worker = await startWorker(stack.config, stack.ds, stack.taskQueue, options.activities?.(stack.config, stack.ds));
  });
  afterAll(async () => {
    for (const fn of teardown.reverse()) await fn();
    await stack.worker?.stop();
    await stack.client?.connection.close();
    await stack.ds?.destroy();
    for (const fake of Object.values(stack.fakes).reverse()) await fake?.close();
  });
  return stack;
}

/** Keys an API stack creates: roles (named `test-<role>`), or aliases of a role and a key name (the actor name a case records). */
export type StackKeys = readonly Role[] | Record<string, Role | readonly [Role, string]>;

export interface ApiStack<F> extends WorkerStack<F> {
  api: RunningApi;
  /** JSON over HTTP to this stack's API (test/support/http.ts). */
  http: ReturnType<typeof httpClient>;
  /** The keys asked for, by role or alias (created in beforeAll; clients belong to TEST_ACCOUNT). */
  keys: Record<string, string>;
}

export interface ApiStackOptions<F> extends WorkerStackOptions<F> {
  keys?: StackKeys;
}

/**
 * What every HTTP spec needs: useWorkerStack (fakes, configuration, database, client, worker on a
 * fresh task queue) plus the API on a free port, an HTTP client for it and the keys asked for. The
 * API stops first at teardown, before the worker it sends work to.
 */
export function useApiStack<F extends Record<string, Closable> = Record<string, never>>(
  config: ConfigOverrides | ((fakes: F) => ConfigOverrides) = {},
  options: ApiStackOptions<F> = {},
): ApiStack<F> {
  const stack = useWorkerStack<F>(config, { label: 'api', ...options }) as ApiStack<F>;
  stack.keys = {};
  beforeAll(async () => {
    stack.api = await startApi(stack.config);
    stack.onTeardown(() => stack.api.stop());
    stack.http = httpClient(stack.api.baseUrl);
    const wanted = Array.isArray(options.keys) ? Object.fromEntries((options.keys as readonly Role[]).map((r) => [r, r])) : (options.keys ?? {});
    for (const [alias, spec] of Object.entries(wanted as Record<string, Role | readonly [Role, string]>)) {
      stack.keys[alias] = typeof spec === 'string' ? await createKey(stack.ds, spec) : await createKey(stack.ds, spec[0], spec[1]);
    }
  });
  return stack;
}
