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

/** Hash of the request body, canonicalised (keys sorted at every depth), to spot a key reused with a different request. */
export function requestHash(body: object): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

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
