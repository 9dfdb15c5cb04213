import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundleOf, workflowBundleOptions } from '../../src/worker/workflow-bundle';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrate } from '../../src/persistence/data-source';
import { startTemporalDevServer, RunningDevServer } from '../../scripts/dev-server';

declare global {
  // Shared with global-teardown (same process, same globalThis).
  var __caseworksDevServer: RunningDevServer | undefined;
  var __caseworksTestDatabase: { adminUrl: string; name: string } | undefined;
}

/** One Temporal dev server, one fresh database and one workflow bundle per test run. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const server = await startTemporalDevServer();
  globalThis.__caseworksDevServer = server;

  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `caseworks_test_${Date.now()}_${process.pid}`;
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  globalThis.__caseworksTestDatabase = { adminUrl: admin.toString(), name };

  // Both builds, as production has them: a worker with tracing on loads the traced one (create-worker.ts).
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'caseworks-bundle-')), 'workflow-bundle.js');
  for (const [path, tracing] of [[bundlePath, false], [tracedBundleOf(bundlePath), true]] as const) {
    const { code } = await bundleWorkflowCode({
      ...workflowBundleOptions({ tracing }),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    writeFileSync(path, code);
  }

  // Tests read their configuration through loadConfig(process.env), like the processes do.
  Object.assign(process.env, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TEMPORAL_ADDRESS: server.address,
    DATABASE_URL: url.toString(),
    POLICY_DIR: resolve(__dirname, '..', 'fixtures', 'policies'),
    PAYLOAD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CASEWORKS_TEST_WORKFLOW_BUNDLE: bundlePath,
  });
  process.stdout.write(`\n[global-setup] temporal ${server.address}, database ${name}, ready in ${Date.now() - started} ms\n`);
}
