import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { loadConfigOrExit } from '../config/load-config';
import { temporalLoggerFrom } from './temporal-logger';
import { ACTIVITY_LOGGER, WorkerModule, WorkerRunner } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
  const logger = app.get<Logger>(ACTIVITY_LOGGER);
  // The runtime owns SIGINT/SIGTERM: it shuts every worker down gracefully, then run() returns.
  Runtime.install({ logger: temporalLoggerFrom(logger), shutdownSignals: ['SIGINT', 'SIGTERM'] });
  await app.get(WorkerRunner).run();
  await app.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
