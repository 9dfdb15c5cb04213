import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { Client } from 'pg';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * Bounds on waiting for PostgreSQL. Unset: pg waits as long as the network lets it (a dropped
 * connection can hang a query for minutes), which suits a worker whose activities time out on
 * their own, not an API answering clients within a budget.
 */
export interface PoolLimits {
  /** A new connection, or a free one from the pool, fails after this (pg-pool connectionTimeoutMillis). */
  connectTimeoutMs?: number;
  /** A query with no answer fails after this (pg's client-side query_timeout). */
  queryTimeoutMs?: number;
}

export function dataSourceOptions(databaseUrl: string, limits: PoolLimits = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false, // schema changes only through migrations
    migrationsTransactionMode: 'each',
    // No query logging, not even of failed queries: TypeORM's log line carries the parameters
    // (customer references, case snapshots). Failures reach the logs as activity failures that
    // name the SQLSTATE only (src/activities/permanent-failure.ts).
    logging: false,
    extra: {
      max: 10,
      // TCP keepalive: a connection whose peer vanished is found dead instead of kept idle in the pool.
      keepAlive: true,
      ...(limits.connectTimeoutMs ? { connectionTimeoutMillis: limits.connectTimeoutMs } : {}),
      ...(limits.queryTimeoutMs ? { query_timeout: limits.queryTimeoutMs } : {}),
    },
  };
}

export function createDataSource(databaseUrl: string, limits: PoolLimits = {}): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, limits));
}

/** Creates the database named in the URL if it does not exist yet (needs rights on `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`database name "${name}" has characters this tool will not quote`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (err) {
        // Two processes raced to create it: the other one won, which is what we wanted.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Creates the database if needed and applies pending migrations. Returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
