import { containsCardNumber } from './card-redaction';

/** A field of an agent's request that cannot be taken as it is; the API answers 422 naming it. */
export class BillingFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'BillingFieldError';
  }
}

/**
 * Free text an agent writes onto a billing case (how identity was checked, a cancellation reason,
 * an offer). It enters workflow history and the case record, so it is bounded and must not hold a
 * card number. Returns the trimmed text. Pure.
 */
export function agentNote(field: string, value: string, max = 200): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max) throw new BillingFieldError(field, `1–${max} characters`);
  if (containsCardNumber(text)) throw new BillingFieldError(field, 'must not contain a card number');
  return text;
}
