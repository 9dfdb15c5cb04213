/**
 * Lists the metric names a real worker's Temporal runtime exports with the Prometheus exporter on,
 * for temporal-sdk-metrics.ts (the list alert rules and dashboard panels may name besides the catalog).
 *
 *   npx ts-node --transpile-only test/unit/deploy/scrape-temporal-sdk-metrics.ts /tmp/sdk-metrics.txt
 *
 * Starts its own dev server (the Temporal CLI in .tools/bin: bash scripts/install-temporal-cli.sh),
 * a worker with the telemetry options src/worker uses (workerTelemetry: no `_total` suffix added,
 * durations in milliseconds), runs a workflow with a retried activity and
 * one whose task fails, scrapes /metrics and writes the sorted `name type` lines (families, without
 * the _bucket/_sum/_count series suffixes) to the file named (stdout carries the SDK's own logs).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { waitFor } from '../../support/wait-for';
import { workerTelemetry } from '../../../src/observability/metrics/worker-telemetry';

const root = resolve(__dirname, '..', '..', '..');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: scrape-temporal-sdk-metrics.ts <output file>');
  const [serverPort, metricsPort] = [await freePort(), await freePort()];
  const temporalCli = execFileSync('bash', [resolve(root, 'scripts', 'install-temporal-cli.sh')], { encoding: 'utf8' }).trim();
  const server: ChildProcess = spawn(temporalCli, ['server', 'start-dev', '--headless', '--port', String(serverPort), '--log-level', 'error'], { stdio: 'ignore' });
  // Stopped from outside (a test's timeout): take the dev server down too.
  process.once('SIGTERM', () => {
    server.kill('SIGTERM');
    process.exit(143);
  });
  try {
    Runtime.install({ telemetryOptions: workerTelemetry(`127.0.0.1:${metricsPort}`) });
    const address = `127.0.0.1:${serverPort}`;
    let connection: Connection | undefined;
    await waitFor(async () => {
      connection = await Connection.connect({ address }).catch(() => undefined);
      return connection !== undefined;
    }, { timeoutMs: 30_000, what: 'the dev server' });
    const client = new Client({ connection: connection! });
    let calls = 0;
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address }),
      taskQueue: 'sdk-metrics',
      workflowsPath: require.resolve('./sdk-metrics-workflows'),
      activities: {
        async flakyStep() {
          calls += 1;
          if (calls < 2) throw ApplicationFailure.retryable('fails once on purpose');
          return 'done';
        },
      },
    });
    await worker.runUntil(async () => {
      await client.workflow.execute('retriedActivityWorkflow', { taskQueue: 'sdk-metrics', workflowId: 'sdk-metrics-retried' });
      const failing = await client.workflow.start('failingTaskWorkflow', { taskQueue: 'sdk-metrics', workflowId: 'sdk-metrics-failing-task' });
      await waitFor(async () => (await scrape(metricsPort)).includes('workflow_task_execution_failed'), { timeoutMs: 30_000, what: 'a workflow task failure metric' });
      await failing.terminate('scrape done');
    });
    const text = await scrape(metricsPort);
    const names = new Set<string>();
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\w+)/.exec(line);
      if (type) names.add(`${type[1]} ${type[2]}`);
    }
    writeFileSync(out, [...names].sort().join('\n') + '\n');
    await connection!.close();
  } finally {
    server.kill('SIGTERM');
  }
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
