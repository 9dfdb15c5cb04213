/**
 * Which strings of the read model's JSON (snapshots, event data, messages) are personal data.
 * Structure, numbers, booleans, timestamps, case IDs, gateway IDs and the enumerations reports
 * count by are not; every other string — names, e-mail addresses, references, ticket text, notes —
 * is. One rule for both uses: what the read model seals under the case's key when it is written
 * (read-model-sealer.ts), and what erasure blanks in rows written before sealing (erasure.scrub.ts).
 */

/** Keys whose string values are vocabulary (states, kinds, enumerations, the gateway's IDs), never free text. */
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
  // An SLA clock's kind: 'business' or 'calendar' (issue 19).
  'clock',
  'level',
  'how',
  'policyVersion',
  'source',
  // The billing gateway's object IDs (ch_…, re_…, in_…): they name payments, not people, and
  // chargebacks are found through the refund that names the same charge.
  'chargeId',
  'refundId',
  'disputeId',
  'invoiceId',
  'subscriptionId',
]);

/** Case IDs (workflow IDs) name cases, not people: derived from hashes or the gateway's IDs. */
const CASE_ID = /^(ticket|incident|refund|dispute|dunning|takedown|preservation|alert-group)-[\w-]{1,128}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Vocabulary is short and plain; a sentence under a kept key (it happens) is personal text too. */
const VOCABULARY = /^[\w.:@+-]{1,64}$/;

/** Whether `value`, found under `key` (the nearest object key; arrays pass theirs on), may be personal data. */
export function isPersonalString(value: string, key: string | undefined): boolean {
  if (ISO_INSTANT.test(value) || CASE_ID.test(value)) return false;
  if (key !== undefined && KEPT_KEYS.has(key) && VOCABULARY.test(value) && !value.includes('@')) return false;
  return true;
}

/** `value` with every personal string replaced by `replace(string)`; everything else as it was. */
export function mapPersonalStrings(value: unknown, replace: (text: string) => string, key?: string): unknown {
  if (typeof value === 'string') return isPersonalString(value, key) ? replace(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapPersonalStrings(v, replace, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, mapPersonalStrings(v, replace, k)]));
  }
  return value; // numbers, booleans, null: figures, not personal data
}
