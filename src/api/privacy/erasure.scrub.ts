/**
 * What erasure leaves of a case's read-model JSON (snapshots, event data, messages): structure,
 * numbers, booleans, timestamps and the enumerations reports count by stay; every other string —
 * names, e-mail addresses, references, ticket text, notes — becomes "[erased]". Counts, SLA
 * figures and reports are computed from columns and from what is kept here.
 */
export const ERASED = '[erased]';

/** Keys whose string values are vocabulary (states, kinds, enumerations), never free text. */
const KEPT_KEYS = new Set([
  'kind',
  'type',
  'status',
  'state',
  'priority',
  'channel',
  'brand',
  'category',
  'outcome',
  'plan',
  'tier',
  'legalBasis',
  'regime',
  'regimes',
  'route',
  'currency',
  'interval',
  'metric',
  'level',
  'how',
  'policyVersion',
  'source',
]);

/** Case IDs (workflow IDs) name cases, not people: derived from hashes or the gateway's IDs. */
const CASE_ID = /^(ticket|incident|refund|dispute|dunning|takedown|preservation|alert-group)-[\w-]{1,128}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Vocabulary is short and plain; a sentence under a kept key (it happens) is erased too. */
const VOCABULARY = /^[\w.:@+-]{1,64}$/;

export function scrubJson(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return scrubString(value, key);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrubJson(v, k)]));
  }
  return value; // numbers, booleans, null: figures, not personal data
}

function scrubString(value: string, key: string | undefined): string {
  if (ISO_INSTANT.test(value) || CASE_ID.test(value)) return value;
  if (key !== undefined && KEPT_KEYS.has(key) && VOCABULARY.test(value) && !value.includes('@')) return value;
  return ERASED;
}
