import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Who a case is about (its data subject), per kind, from the input its workflow starts with:
 * - tickets and refunds: the `customerRef` the caller gave;
 * - dunning: the gateway's customer (`customerId`), the same reference refunds and the CRM use;
 * - takedowns: the notifier's e-mail address (a notifier is a person, not an account);
 * - incidents, alert groups, disputes (they name a charge, not a customer), sweeps: no subject.
 * Returns the reference as given; subjectHash() normalises it.
 */
export function subjectOfStart(workflowType: string, args: readonly unknown[]): string | null {
  const input = args[0];
  if (input === null || typeof input !== 'object') return null;
  const field = (o: unknown, key: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined);
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
  switch (workflowType) {
    case 'ticketWorkflow':
    case 'refundWorkflow':
      return text(field(input, 'customerRef'));
    case 'dunningWorkflow':
      return text(field(input, 'customerId'));
    case 'takedownWorkflow':
      return text(field(field(field(input, 'notice'), 'notifier'), 'email'));
    default:
      return null;
  }
}

/** E-mail addresses are case-insensitive in practice; account references are compared as given (trimmed). */
export function normaliseSubject(ref: string): string {
  const trimmed = ref.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed;
}

/**
 * The subject's pseudonym: HMAC-SHA256 under a key derived from the payload key, so the reference
 * itself is stored nowhere by erasure and a table dump cannot be matched against a list of
 * references without the key.
 */
export class SubjectHasher {
  // Private field: never printed by a logger that prints this object (see case-keys.store.ts).
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'caseworks subject hash', 32));
  }

  static fromBase64(b64: string): SubjectHasher {
    return new SubjectHasher(Buffer.from(b64, 'base64'));
  }

  hash(ref: string): string {
    return createHmac('sha256', this.#key).update(normaliseSubject(ref)).digest('hex');
  }
}
