import { containsCardNumber } from './card-redaction';

/**
 * The card facts an agent may see, as the gateway reports them: the network brand, the last four
 * digits and the refund's trace number (the acquirer reference number, ARN, that a cardholder's
 * bank uses to find the refund). Each is checked before it enters a workflow, a log or a table: a
 * value that is not of its expected shape becomes null, so a gateway bug or a changed response can
 * never carry a card number through. Pure.
 */

export interface CardSummary {
  brand: string | null;
  last4: string | null;
}

/** Stripe's brands are lower-case words (visa, mastercard, amex, cartes_bancaires, unknown…). */
export function cardBrand(raw: unknown): string | null {
  return typeof raw === 'string' && /^[a-z][a-z_]{1,29}$/.test(raw) ? raw : null;
}

export function cardLast4(raw: unknown): string | null {
  return typeof raw === 'string' && /^\d{4}$/.test(raw) ? raw : null;
}

/**
 * ARNs are 23 digits; other references are shorter alphanumerics. Anything that could hold a card
 * number (a Luhn-valid run of 13–19 digits) is refused: a trace number the agent cannot see is
 * better than a card number the agent can.
 */
export function refundTraceNumber(raw: unknown): string | null {
  if (typeof raw !== 'string' || !/^[A-Za-z0-9-]{6,40}$/.test(raw)) return null;
  // Stricter than free text: a digit run glued to letters or dashes ("ref-4000…") counts too, so
  // every digit group is checked as if it stood alone.
  return containsCardNumber(raw.replace(/[^0-9]+/g, ' ')) ? null : raw;
}
