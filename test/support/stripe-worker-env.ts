import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from './harness';
import { spawnWorkerProcess, WorkerProcess } from './worker-process';

export interface StripeWorkerEnv {
  readonly taskQueue: string;
  readonly ds: DataSource;
  readonly client: Client;
  readonly stripe: StripeFake;
  /** A worker process (the compiled one a deployment runs) against the Stripe fake; killed at the end. */
  spawn(): Promise<WorkerProcess>;
}

/**
 * For tests that kill worker processes around a gateway call: a task queue of their own, the
 * Stripe fake, a client and the database, set up in beforeAll and torn down in afterAll.
 */
export function stripeWorkerEnv(name: string): StripeWorkerEnv {
  const taskQueue = uniqueTaskQueue(name);
  const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
  const spawned: WorkerProcess[] = [];
  let ds: DataSource | undefined;
  let client: Client | undefined;
  let stripe: StripeFake | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready: use it inside a test`);
    return value;
  };
  beforeAll(async () => {
    ds = await openDataSource(config);
    client = await temporalClient(config);
    stripe = await startStripeFake();
  });
  afterAll(async () => {
    for (const w of spawned) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await client?.connection.close();
    await ds?.destroy();
    await stripe?.close();
  });
  return {
    taskQueue,
    get ds() {
      return ready(ds, 'the database');
    },
    get client() {
      return ready(client, 'the Temporal client');
    },
    get stripe() {
      return ready(stripe, 'the Stripe fake');
    },
    async spawn() {
      const s = ready(stripe, 'the Stripe fake');
      const w = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, STRIPE_API_KEY: s.apiKey, STRIPE_API_BASE: s.url });
      spawned.push(w);
      return w;
    },
  };
}

export interface StripeWorkflowEnv {
  stripe: StripeFake;
  ds: DataSource;
  client: Client;
}

/**
 * For workflow tests against the Stripe fake with an in-process worker on its own task queue: the
 * fake, the database, a client and the worker, set up in beforeAll and torn down in afterAll.
 * `ready()` hands them to the tests once beforeAll has run.
 */
export function stripeWorkflowEnv(taskQueue: string): { ready(): StripeWorkflowEnv } {
  let env: StripeWorkflowEnv | undefined;
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    const stripe = await startStripeFake();
    const config = testConfig({ STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url });
    const ds = await openDataSource(config);
    const client = await temporalClient(config);
    env = { stripe, ds, client };
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.client.connection.close();
    await env?.ds.destroy();
    await env?.stripe.close();
  });
  return {
    ready() {
      if (!env) throw new Error('the Stripe workflow env is not ready: use it inside a test or a later beforeAll');
      return env;
    },
  };
}
