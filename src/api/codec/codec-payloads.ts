import type { Payload } from '@temporalio/common';
import { FieldError, Problem } from '../problem/problem';

/** Proto3 JSON of temporal.api.common.v1.Payloads: bytes as base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
export interface JsonPayloads {
  payloads: JsonPayload[];
}

/**
 * The body has no DTO (the protocol's shape is an interface), so it is checked here: a Payload is
 * an object with base64 `data` and a `metadata` map of base64 strings, and nothing else — a
 * `true` in place of a Payload must not be encoded as an empty one. Proto3 JSON leaves an empty
 * repeated field out, so `{}` is Payloads with none (the CLI sends it for a query without
 * arguments, e.g. `temporal workflow metadata`); it answers `{"payloads":[]}`.
 */
export function assertPayloads(body: JsonPayloads): asserts body is JsonPayloads {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && body.payloads === undefined) body.payloads = [];
  if (!body || !Array.isArray(body.payloads)) {
    throw Problem.validation([{ field: 'payloads', message: 'payloads must be an array of Payload (proto3 JSON)' }]);
  }
  const errors: FieldError[] = Object.keys(body)
    .filter((k) => k !== 'payloads')
    .map((k) => ({ field: k, message: 'is not a field of Payloads' }));
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  body.payloads.forEach((p: unknown, i) => {
    if (!isObject(p)) return errors.push({ field: `payloads.${i}`, message: 'must be a Payload object' });
    for (const k of Object.keys(p).filter((k) => k !== 'metadata' && k !== 'data')) errors.push({ field: `payloads.${i}.${k}`, message: 'is not a field of Payload' });
    if (p.data !== undefined && typeof p.data !== 'string') errors.push({ field: `payloads.${i}.data`, message: 'must be a base64 string' });
    if (p.metadata !== undefined && !(isObject(p.metadata) && Object.values(p.metadata).every((v) => typeof v === 'string'))) {
      errors.push({ field: `payloads.${i}.metadata`, message: 'must be a map of base64 strings' });
    }
  });
  if (errors.length > 0) throw Problem.validation(errors);
}

export function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

export function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}

const text = new TextDecoder();
export function metadataText(p: Payload, key: string): string | null {
  const value = p.metadata?.[key];
  return value ? text.decode(value) : null;
}

/** Same bytes and metadata: the chain left the payload as it was (it was not encrypted). */
export function samePayload(a: Payload, b: Payload): boolean {
  const bytes = (v: Uint8Array | null | undefined) => Buffer.from(v ?? []);
  const keys = (p: Payload) => Object.keys(p.metadata ?? {}).sort();
  return (
    bytes(a.data).equals(bytes(b.data)) &&
    JSON.stringify(keys(a)) === JSON.stringify(keys(b)) &&
    keys(a).every((k) => bytes(a.metadata?.[k]).equals(bytes(b.metadata?.[k])))
  );
}
