import type { RawResponse } from './raw-request';
import type { Expectation } from './request-plans';

const REFUSED = [400, 413, 415, 422];

/** Statuses each expectation allows (see Expectation). */
function allowed(expect: Expectation, status: number, upsert: boolean, namesField: boolean): boolean {
  switch (expect) {
    case 'refused':
      return REFUSED.includes(status);
    case 'valid-shaped':
      // 409: the case's state forbids this (well-formed) action — e.g. a second resolve. Only here.
      // 404 naming the field: a well-formed reference to something that does not exist (link-ticket).
      return (status >= 200 && status < 300) || [400, 409, 422].includes(status) || (status === 404 && namesField);
    case 'unknown-target':
      return [400, 404].includes(status) || (upsert && status >= 200 && status < 300);
    case 'ignored-input':
      return status < 500 && status !== 401 && status !== 403;
  }
}

/** `query:limit`, `limit`, `limit[$ne]` all name the same parameter; `plan.priceMinor` is named by itself, a parent or a child. */
function names(reported: string, wanted: string): boolean {
  const norm = (f: string) => f.replace(/^(query|path|header|body):/i, '').replace(/\[.*$/, '').toLowerCase();
  const [r, w] = [norm(reported), norm(wanted)];
  if (!r || r === 'body') return false;
  return r === w || r.startsWith(`${w}.`) || w.startsWith(`${r}.`);
}

/** The detail mentions the field as a word of its own (`by` is not named by "confirmed by"). */
function detailNames(detail: unknown, field: string): boolean {
  if (typeof detail !== 'string') return false;
  const bare = field.replace(/^(query|path|header):/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,:'"(])(query:|path:|header:)?${bare}($|[\\s,.:;'")])`).test(detail) && !/^(by|id|to|from)$/.test(bare);
}

/**
 * Why an answer is wrong for the request, or undefined when it is right: never 5xx, never a
 * wrong-key 401/403, the status its expectation allows, problem+json for every 4xx, and on a
 * 400/422 for a field the problem names that field (in `errors[].field` or the detail).
 */
export function verdict(res: RawResponse, expect: Expectation, field: string | undefined, { upsert = false } = {}): string | undefined {
  const { status } = res;
  if (status >= 500) return `answered ${status}: ${res.text.slice(0, 300)}`;
  if (status === 401 || status === 403) return `answered ${status}: the suite used the wrong key for this operation`;
  if (status === 429) return 'answered 429: rate limits must be lifted for the fuzz stack';
  const problem = res.body as { status?: number; detail?: string; errors?: { field?: string }[] } | undefined;
  const reported = (problem?.errors ?? []).map((e) => String(e.field ?? ''));
  const namesField = field !== undefined && (reported.some((r) => names(r, field)) || detailNames(problem?.detail, field));
  if (!allowed(expect, status, upsert, namesField)) return `answered ${status} to a ${expect} request: ${res.text.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (!res.contentType.includes('application/problem+json')) return `answered ${status} as ${res.contentType || 'no content-type'}, not application/problem+json`;
  if (problem?.status !== status) return `problem+json status ${String(problem?.status)} differs from HTTP ${status}`;
  if (field && expect === 'refused' && (status === 400 || status === 422)) {
    if (!namesField) {
      return `answered ${status} without naming ${field} (errors: ${JSON.stringify(reported)}, detail: ${JSON.stringify(problem.detail)})`;
    }
  }
  return undefined;
}
