import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of a request in canonical JSON: keys sorted at every depth, undefined members
 * left out, dates as ISO instants. Two requests hash alike exactly when they carry the same data,
 * whatever the order of their keys. Callers hash the body as the service received it (validated,
 * transformed and, where a pipe redacts card numbers, redacted).
 */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
