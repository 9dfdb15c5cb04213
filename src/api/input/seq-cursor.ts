import type { DataSource } from 'typeorm';
import { Problem } from '../problem/problem';

/**
 * The keyset cursor of a case's events or notes, in the order the case applied them: after
 * (change number `seq`, row id). Opaque to callers (base64url JSON); one that is not ours is a 400
 * naming `query:cursor`. Row ids are bigint, carried as numbers (well inside 2^53 here).
 */
export interface SeqPosition {
  seq: number;
  id: number;
}

export function encodeSeqCursor(at: SeqPosition): string {
  return Buffer.from(JSON.stringify([at.seq, at.id])).toString('base64url');
}

export function decodeSeqCursor(cursor: string): SeqPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) {
      return { seq: value[0] as number, id: value[1] as number };
    }
  } catch {
    /* not ours: the 400 below */
  }
  throw Problem.validation([{ field: 'query:cursor', message: 'not a cursor this API issued' }]);
}

/** One note of a case, in full, as its read model keeps it. */
export interface CaseNote {
  actor: string;
  text: string;
  at: string;
  seq: number | null;
}

/**
 * A page of a case's notes from its events table (`type = 'note'`), oldest first, keyset-paged
 * over (seq, row id), with the total. `table` and `caseColumn` are the caller's constants.
 */
export async function caseNotesPage(
  dataSource: DataSource,
  { table, caseColumn }: { table: 'incident_events' | 'takedown_events'; caseColumn: 'incident_id' | 'case_id' },
  caseId: string,
  q: { limit?: number; cursor?: string },
): Promise<{ items: CaseNote[]; total: number; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const after = q.cursor === undefined ? null : decodeSeqCursor(q.cursor);
  const rows: { id: string; order_seq: string; actor: string; occurred_at: Date; data: { text?: unknown } }[] = await dataSource.query(
    `SELECT id, COALESCE(seq, 0) AS order_seq, actor, occurred_at, data FROM ${table}
     WHERE ${caseColumn} = $1 AND type = 'note' AND ($2::bigint IS NULL OR (COALESCE(seq, 0), id) > ($2::bigint, $3::bigint))
     ORDER BY COALESCE(seq, 0), id LIMIT $4`,
    [caseId, after?.seq ?? null, after?.id ?? null, limit + 1],
  );
  const total: { n: string }[] = await dataSource.query(`SELECT count(*) AS n FROM ${table} WHERE ${caseColumn} = $1 AND type = 'note'`, [caseId]);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ actor: r.actor, text: typeof r.data.text === 'string' ? r.data.text : '', at: r.occurred_at.toISOString(), seq: Number(r.order_seq) || null })),
    total: Number(total[0].n),
    nextCursor: rows.length > limit && last ? encodeSeqCursor({ seq: Number(last.order_seq), id: Number(last.id) }) : null,
  };
}
