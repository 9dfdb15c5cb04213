import type { DataSource } from 'typeorm';
import { idempotencyKeyReused, IDEMPOTENCY_HEADER_FIELD } from './idempotency-key';
import { requestHash } from './request-hash';

/**
 * The one idempotency rule for every create: the case ID derived from (caller, Idempotency-Key)
 * belongs to the first request that used it. Records that request's hash, or finds the one on
 * record; a different request is a 422 `idempotency-key-reused`. The same request passes, and the
 * caller then starts its workflow as always (an already-started one is the 200 replay).
 *
 * Kept in PostgreSQL, not in the workflow, so the answer is the same while the case runs, after it
 * has closed and before its first workflow task; the primary key makes concurrent first requests
 * race-free (exactly one hash wins). Call it after every other check of the request, so a
 * request refused for its content never claims the key.
 *
 * Returns the hash, for kinds that also keep it in the workflow input (tickets).
 */
export async function admitRequest(dataSource: DataSource, caseId: string, request: unknown, field = IDEMPOTENCY_HEADER_FIELD): Promise<string> {
  const hash = requestHash(request);
  const claimed: unknown[] = await dataSource.query(
    `INSERT INTO idempotency_requests (case_id, request_hash) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
    [caseId, hash],
  );
  if (claimed.length > 0) return hash;
  const rows: { request_hash: string }[] = await dataSource.query(`SELECT request_hash FROM idempotency_requests WHERE case_id = $1`, [caseId]);
  if (rows[0] && rows[0].request_hash !== hash) throw idempotencyKeyReused(field);
  return hash;
}
