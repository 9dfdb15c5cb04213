import { loadConfigOrExit } from '../src/config/load-config';
import { migrate } from '../src/persistence/data-source';

/** Creates the database when missing and applies pending migrations (make dev, compose, CI). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const applied = await migrate(config.DATABASE_URL);
  const where = new URL(config.DATABASE_URL);
  process.stdout.write(
    `migrations: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'} (${where.host}${where.pathname})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
