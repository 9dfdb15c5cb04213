import type { DataSource } from 'typeorm';
import { testSealer } from './sealed-rows';
import { waitFor } from './wait-for';

/** One Luhn-valid test card per separator, written as people write them. */
export const CARDS = [
  { separator: 'space', pan: '4242424242424242', written: '4242 4242 4242 4242' },
  { separator: 'dash', pan: '5555555555554444', written: '5555-5555-5555-4444' },
  { separator: 'underscore', pan: '6011111111111117', written: '6011_1111_1111_1117' },
  { separator: 'dot', pan: '4000056655665556', written: '4000.0566.5566.5556' },
  { separator: 'none', pan: '378282246310005', written: '378282246310005' },
] as const;

/** Prose with every separator at once: one request per operation tests them all. */
export const PROSE_WITH_CARDS = `paid with ${CARDS.map((c) => c.written).join(' / ')}`;
/** The same prose as it must be kept: last four digits only. */
export const REDACTED = `paid with ${CARDS.map((c) => `•••• ${c.pan.slice(-4)}`).join(' / ')}`;

/** The separators of the cards still present in full in `value` (digits with separators taken out). */
export function fullCardsIn(value: unknown): string[] {
  const digits = (typeof value === 'string' ? value : JSON.stringify(value ?? null)).replace(/[ _.-]/g, '');
  return CARDS.filter((c) => digits.includes(c.pan)).map((c) => c.separator);
}

/**
 * The tables with a row whose text (separators taken out) holds `needle`. Rows are read opened:
 * personal data is stored sealed under case keys, and card data must not be in it either.
 */
async function tablesMatching(ds: DataSource, needle: string): Promise<string[]> {
  const tables: { table_name: string }[] = await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const sealer = testSealer();
  const hits: string[] = [];
  for (const { table_name } of tables) {
    // In clear, or sealed (opened below): the rest cannot hold it.
    const rows: { row: unknown }[] = await ds.query(
      `SELECT row_to_json(t) AS row FROM "${table_name}" t WHERE t::text LIKE '%sealed:v1:%' OR regexp_replace(t::text, '[ _.-]', '', 'g') LIKE $1`,
      [`%${needle}%`],
    );
    const opened = await sealer.open(rows.map((r) => r.row));
    if (opened.some((row) => JSON.stringify(row).replace(/[ _.-]/g, '').includes(needle))) hits.push(table_name);
  }
  return hits;
}

/**
 * Waits until some table holds `marker` (the write happened), then answers, per separator, the
 * tables that hold a test card in full: every list should be empty.
 */
export async function tablesHoldingFullCards(ds: DataSource, marker: string): Promise<Record<string, string[]>> {
  await waitFor(async () => (await tablesMatching(ds, marker.replace(/[ _.-]/g, ''))).length > 0, { what: `a stored row with ${marker}`, intervalMs: 500 });
  const found: Record<string, string[]> = {};
  for (const card of CARDS) found[card.separator] = await tablesMatching(ds, card.pan);
  return found;
}

export const NO_FULL_CARDS = Object.fromEntries(CARDS.map((c) => [c.separator, []]));
