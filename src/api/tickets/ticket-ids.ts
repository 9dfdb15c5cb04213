import { createHash, randomUUID } from 'node:crypto';

const TICKET_ID = /^ticket-[a-z0-9]{26}$/;

/**
 * The ticket ID is the workflow ID. With an Idempotency-Key it is derived from the caller and the
 * key, so a retried request can only ever reach the same workflow; without one it is random.
 */
export function ticketIdFor(callerKeyId: string, idempotencyKey: string | undefined): string {
  const seed = idempotencyKey === undefined ? randomUUID() : `${callerKeyId}\u0000${idempotencyKey}`;
  const digest = createHash('sha256').update(seed).digest();
  return `ticket-${base32(digest).slice(0, 26)}`;
}

export function isTicketId(id: string): boolean {
  return TICKET_ID.test(id);
}

/** The one request hash every create uses (see src/api/idempotency). */
export { requestHash } from '../idempotency/request-hash';

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
