import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A string of the read model sealed under its case's data key: `sealed:v1:<caseId>:<base64url(iv | tag | ciphertext)>`.
 * The case ID travels in clear (case IDs name cases, not people) so a reader opens any row, list
 * or join without knowing which case it came from; it is also the cipher's associated data, so a
 * sealed string copied into another case's row does not open.
 */
export const SEALED_PREFIX = 'sealed:v1:';
/** What a sealed string reads as once its case's key is destroyed (erasure). */
export const ERASED_TEXT = '[erased]';
/** What a string that looks sealed but does not open reads as (damaged, or typed by someone to look sealed). */
export const UNREADABLE_TEXT = '[unreadable]';

const ALGORITHM = 'aes-256-gcm';

export function sealText(caseId: string, key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(caseId, 'utf8'));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${caseId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/** The case whose key sealed `value`, when it is a sealed string. */
export function sealedCaseId(value: string): string | undefined {
  if (!value.startsWith(SEALED_PREFIX)) return undefined;
  const end = value.lastIndexOf(':');
  return end > SEALED_PREFIX.length ? value.slice(SEALED_PREFIX.length, end) : undefined;
}

/** The plaintext of a sealed string; `key` null (destroyed or never made) reads as ERASED_TEXT. */
export function openText(value: string, key: Buffer | null): string {
  const caseId = sealedCaseId(value);
  if (caseId === undefined) return value;
  if (key === null) return ERASED_TEXT;
  try {
    const data = Buffer.from(value.slice(value.lastIndexOf(':') + 1), 'base64url');
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, 12));
    decipher.setAAD(Buffer.from(caseId, 'utf8'));
    decipher.setAuthTag(data.subarray(12, 28));
    return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return UNREADABLE_TEXT;
  }
}

/** Every case ID named by a sealed string anywhere in `value` (rows, arrays, nested JSON). */
export function sealedCasesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const caseId = sealedCaseId(value);
    if (caseId !== undefined) into.add(caseId);
  } else if (Array.isArray(value)) {
    for (const v of value) sealedCasesIn(v, into);
  } else if (isRecord(value)) {
    for (const v of Object.values(value)) sealedCasesIn(v, into);
  }
  return into;
}

/** `value` with every sealed string opened with its case's key from `keys` (missing: erased). */
export function openSealed<T>(value: T, keys: ReadonlyMap<string, Buffer | null>): T {
  return openAny(value, keys) as T;
}

function openAny(value: unknown, keys: ReadonlyMap<string, Buffer | null>): unknown {
  if (typeof value === 'string') {
    const caseId = sealedCaseId(value);
    return caseId === undefined ? value : openText(value, keys.get(caseId) ?? null);
  }
  if (Array.isArray(value)) return value.map((v) => openAny(v, keys));
  if (isRecord(value)) {
    // Entities (TypeORM rows) keep their class: only their fields change.
    const opened = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) opened[k] = openAny(v, keys);
    return opened;
  }
  return value; // numbers, booleans, null, Dates, Buffers
}

/** JSON objects, query rows and entities; not Dates or binary data (pg hands those back as objects too). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value);
}
