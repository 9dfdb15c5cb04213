import { Problem } from '../problem/problem';

/** The header's own limits: visible ASCII, as Stripe and the IETF draft allow. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_HEADER_FIELD = 'header:Idempotency-Key';

/** The Idempotency-Key header as given (undefined when absent); a malformed one is a 400 naming the header. */
export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw Problem.validation([{ field: IDEMPOTENCY_HEADER_FIELD, message: 'must be 1–255 visible ASCII characters' }]);
  }
  return key;
}

/** The one answer for a key (or natural key) already used for a different request. */
export function idempotencyKeyReused(field = IDEMPOTENCY_HEADER_FIELD): Problem {
  return new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', 'this Idempotency-Key was already used for a different request', {
    errors: [{ field, message: 'already used for a different request; send a new key for a new request' }],
  });
}
