import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { ZodError } from 'zod';
import { CARD_DATA_REFUSED, CardDataError } from '../domain/billing/card-redaction';
import { CaseErasedError } from '../temporal/case-key-codec';

/** The failure type of a record that can never be stored as it is: retrying cannot help. */
export const UNSTORABLE_RECORD = 'UnstorableRecord';

/** What a refused record's failure carries: a SQLSTATE and a field path, never a value. */
export interface UnstorableRecordDetails {
  sqlstate: string | null;
  field?: string;
}

/** Classes 22 (data exception: NUL, bad encoding, out of range) and 23 (integrity constraint). */
const PERMANENT_SQLSTATE = /^2[23][0-9A-Z]{3}$/;

/**
 * The permanent form of an error, or the error unchanged when a retry might succeed (a database
 * error stays retryable but loses its query and parameters). The message
 * names the SQLSTATE and the field only: a QueryFailedError carries the SQL parameters (customer
 * reference, case snapshot), and the worker logs a failure's message and sends it to history.
 */
export function asPermanentFailure(err: unknown, args: unknown[] = []): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof QueryFailedError) {
    const driverError = err.driverError as { code?: unknown; column?: unknown } | undefined;
    const sqlstate = typeof driverError?.code === 'string' ? driverError.code : null;
    if (sqlstate === null || !PERMANENT_SQLSTATE.test(sqlstate)) {
      // Retried as before, but without the query and its parameters, which the worker would log.
      return ApplicationFailure.create({ type: 'DatabaseError', nonRetryable: false, message: `the database failed the query (SQLSTATE ${sqlstate ?? 'unknown'})`, details: [{ sqlstate }] });
    }
    const field = args.map((arg) => unstorableFieldOf(arg)).find((f) => f !== undefined) ?? (typeof driverError?.column === 'string' ? driverError.column : undefined);
    return unstorable(`the record was refused by the database (SQLSTATE ${sqlstate})${field ? ` at ${field}` : ''}`, { sqlstate, ...(field ? { field } : {}) });
  }
  if (err instanceof CardDataError) {
    return ApplicationFailure.create({ type: CARD_DATA_REFUSED, nonRetryable: true, message: `the record was refused: card data at ${err.path}`, details: [{ path: err.path }] });
  }
  if (err instanceof CaseErasedError) {
    // The case's key is destroyed: nothing more is written about it, whatever the retry.
    return ApplicationFailure.create({ type: 'CaseErased', nonRetryable: true, message: `case ${err.caseId} was erased: nothing more is recorded about it`, details: [{ caseId: err.caseId }] });
  }
  if (err instanceof ZodError) {
    const field = err.issues[0]?.path.join('.') || undefined;
    return unstorable(`the record failed validation${field ? ` at ${field}` : ''}`, { sqlstate: null, ...(field ? { field } : {}) });
  }
  return err;
}

function unstorable(message: string, details: UnstorableRecordDetails): ApplicationFailure {
  return ApplicationFailure.create({ type: UNSTORABLE_RECORD, nonRetryable: true, message, details: [details] });
}

// NUL, which PostgreSQL text and jsonb cannot hold, and lone UTF-16 surrogates, which UTF-8 cannot.
// eslint-disable-next-line no-control-regex -- finding the control character is the point
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path (keys and indexes only) of the first string PostgreSQL cannot hold, e.g. `view.subject`. */
export function unstorableFieldOf(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (depth > 32) return undefined;
  if (typeof value === 'string') return UNSTORABLE_TEXT.test(value) ? path.join('.') || '(value)' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    // A key may itself be text from outside: only plain identifiers are quoted.
    const name = /^[\w$-]{1,64}$/.test(key) ? key : '(key)';
    if (UNSTORABLE_TEXT.test(key)) return [...path, name].join('.');
    const found = unstorableFieldOf(v, [...path, name], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses, before it is sealed, a record PostgreSQL could not hold in clear (a NUL, a lone
 * surrogate): sealed, it reaches the database as ciphertext and would be stored, and UTF-8 would
 * silently replace a surrogate. So a case is flagged for the same input as before sealing, with
 * or without PAYLOAD_ENCRYPTION_KEY (workflows/common/needs-attention.ts). The failure names
 * SQLSTATE 22P05 (what jsonb answers for such text) and the field path as asPermanentFailure
 * names it for the activity's arguments, never the text.
 */
export function refuseUnstorable(...records: unknown[]): void {
  const field = records.map((r) => unstorableFieldOf(r)).find((f) => f !== undefined);
  if (field === undefined) return;
  throw unstorable(`the record was refused: PostgreSQL cannot hold it (SQLSTATE 22P05) at ${field}`, { sqlstate: '22P05', field });
}

type ActivityFunctions = Record<string, (...args: never[]) => unknown>;

/**
 * Every activity, with permanent errors turned non-retryable (one place for all of them): a
 * record PostgreSQL refuses fails once, and the workflow flags the case instead of retrying it
 * forever. The warning names the activity, the SQLSTATE and the field, never the record.
 */
export function withPermanentFailures<T extends ActivityFunctions>(activities: T, logger: Logger): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        const failure = asPermanentFailure(err, args);
        if (failure !== err && failure instanceof ApplicationFailure && failure.nonRetryable) {
          logger.warn({ activity: name, type: failure.type, details: failure.details?.[0] }, 'activity failed for good: the record cannot be stored');
        }
        throw failure;
      }
    };
  }
  return wrapped as T;
}
