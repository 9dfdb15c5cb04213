import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__caseworksDevServer?.stop();
  const db = globalThis.__caseworksTestDatabase;
  if (db && !process.env.KEEP_TEST_DATABASE) {
    const client = new Client({ connectionString: db.adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
    await client.end();
  }
}
