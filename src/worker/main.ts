import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { loadConfigOrExit } from '../config/load-config';
import { workerMetricsAddress } from '../observability/metrics/metrics-settings';
import { startTracing } from '../observability/tracing/tracing';
import { allocatorWarning, loadedAllocator } from './allocator';
import { setHeapCompaction } from './heap-compaction';
import { setHeapGrowingPercent } from './heap-growth';
import { installWorkerRuntime, TaskFailureFeed } from './runtime';
import { ACTIVITY_LOGGER, WorkerModule, WorkerRunner } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // First: before the SDK makes its workflow threads.
  setHeapCompaction(config.WORKER_HEAP_COMPACTION);
  setHeapGrowingPercent(config.WORKER_HEAP_GROWING_PERCENT);
  const tracing = startTracing(config, 'worker'); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  const logger = app.get<Logger>(ACTIVITY_LOGGER);
  // The runtime owns SIGINT/SIGTERM: it shuts every worker down gracefully, then run() returns.
  // With a metrics address, its Prometheus exporter serves the SDK's metrics and ours (WorkerRunner).
  const metricsAddress = workerMetricsAddress(config);
  // The stuck-case watch hears of failed workflow tasks through the runtime (STUCK_CASE_REPAIR).
  const taskFailures = config.STUCK_CASE_REPAIR === 'off' ? null : new TaskFailureFeed();
  installWorkerRuntime(logger, metricsAddress, taskFailures);
  if (metricsAddress) logger.info({ metricsAddress }, `metrics on http://${metricsAddress}/metrics`);
  const allocator = loadedAllocator();
  logger.info({ allocator: allocator.allocator, library: allocator.library, setting: config.WORKER_ALLOCATOR }, `malloc: ${allocator.allocator}`);
  const allocatorProblem = allocatorWarning(config.WORKER_ALLOCATOR, allocator);
  if (allocatorProblem) logger.warn({ allocator: allocator.allocator, setting: config.WORKER_ALLOCATOR }, allocatorProblem);
  await app.get(WorkerRunner).run({ metrics: metricsAddress !== null, taskFailures: taskFailures ?? undefined });
  await app.close();
  await tracing.shutdown(); // exports the spans still buffered
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
