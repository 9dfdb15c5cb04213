import type { DataSource } from 'typeorm';
import { ReadModelSealer } from '../../src/persistence/read-model-sealer';
import { testConfig } from './harness';

/**
 * Tests that read the read model directly see personal data sealed under case keys (as a backup
 * would); these open it the way the API does.
 */
export function testSealer(config = testConfig()): ReadModelSealer {
  return ReadModelSealer.for(config);
}

/** `dataSource.query(sql, params)` with every sealed string in the rows opened. */
export async function queryOpened<T = Record<string, unknown>>(dataSource: DataSource, sql: string, params: unknown[] = [], config = testConfig()): Promise<T[]> {
  return testSealer(config).open((await dataSource.query(sql, params)) as T[]);
}

/** Every row of `table` whose `caseColumn` is one of `caseIds`, as raw text (what a dump of the table holds). */
export async function rawRowsText(dataSource: DataSource, table: string, caseColumn: string, caseIds: readonly string[]): Promise<string> {
  const rows = (await dataSource.query(`SELECT t::text AS row FROM ${table} t WHERE ${caseColumn} = ANY($1)`, [caseIds])) as { row: string }[];
  return rows.map((r) => r.row).join('\n');
}
