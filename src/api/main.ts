import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '../config/load-config';
import { createApiApp } from './create-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await createApiApp(config);
  await app.listen(config.API_PORT, config.API_HOST);
  // On SIGTERM/SIGINT: stop accepting, finish in-flight requests, close PostgreSQL and Temporal,
  // exit 0. (Nest's own shutdown hooks would re-raise the signal, which reads as a crash.)
  const stop = (signal: NodeJS.Signals) => {
    app.get(Logger).log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
