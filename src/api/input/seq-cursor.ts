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
