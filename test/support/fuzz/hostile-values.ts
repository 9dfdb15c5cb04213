/**
 * The hostile inputs, by kind. Each list is what a careless or malicious client sends; the fuzz
 * arbitraries pick among them and place them in every field the document names.
 */

/** Characters PostgreSQL text or JSON cannot hold, or that no business text carries (C0 but tab/CR/LF). */
export const UNSTORABLE_CHARS = ['\u0000', '\ud800', '\udfff', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f'];

/** As they arrive in a query string (percent-encoded bytes). */
export const UNSTORABLE_QUERY_BYTES = ['%00', '%01', '%08', '%0B', '%1B', '%1F'];

/** Numbers no count, score or amount in minor units can be (written as raw JSON number tokens). */
export const UNSAFE_NUMBER_TOKENS = ['1e308', '9007199254740993', '-1', '1e999', '-1e999', '1.5', '-9007199254740993'];

/** Strings that look like numbers to a lax parser. */
export const NUMBERISH_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e308', '0x10', '12abc'];

export const IMPOSSIBLE_DATE_TIMES = [
  '2026-02-30T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-04-31T12:00:00Z',
  '2025-02-29T08:00:00Z',
  '2026-11-20T24:30:00Z',
  '2026-11-20T10:60:00Z',
  '2026-11-20T10:00:00+25:00',
  '0000-00-00T00:00:00Z',
  'yesterday',
];
export const IMPOSSIBLE_DATES = ['2026-02-30', '2026-13-01', '2025-02-29', '2026-00-10', '2026-04-31'];
export const IMPOSSIBLE_WEEKS = ['2026-W54', '2026-W00', '2026-W99', 'W48'];

/** Injection attempts that are still plain strings: fine in free text, refused where the field has a shape. */
export const INJECTION_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE tickets; --",
  '1; SELECT pg_sleep(5)',
  '$ne',
  '{"$gt": ""}',
  '__proto__',
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
];

/** Operator objects (NoSQL injection) and other values of the wrong JSON type. */
export const OPERATOR_OBJECTS: unknown[] = [{ $ne: null }, { $gt: '' }, { $where: 'sleep(1000)' }];

/** Keys that must never be taken as fields: prototype pollution, operators, plain unknown names. */
export const UNKNOWN_KEYS = ['zz_unknown', '__proto__', 'constructor', 'prototype', '$where', 'isAdmin'];
export const UNKNOWN_VALUES: unknown[] = [true, { polluted: true }, 'x', { prototype: { polluted: true } }];

/** Bodies that are not JSON at all, or not JSON objects. */
export const MALFORMED_JSON = ['{', '{"a":}', "{'a':1}", '{"a":1,}', '{"a" 1}', 'NaN', '{"a":undefined}', '{"a":"\\x00"}', '{"a":"\\ud800', 'nul', '{"a":1}}', '\u0000'];
export const NON_OBJECT_JSON = ['null', '[]', '"text"', '42', 'true', '[{"a":1}]'];
/** Bytes that are not UTF-8, inside an otherwise well-formed JSON object. */
export const INVALID_UTF8 = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]);

/** Path segments for an ID: control bytes, traversal, operators, far too long, well-formed but unknown. */
export const BAD_PATH_SEGMENTS = [
  '%00',
  'a%00b',
  '%01',
  'x'.repeat(300),
  '..%2F..%2Fetc%2Fpasswd',
  '%27%20OR%201%3D1--',
  '%7B%22%24ne%22%3A1%7D',
  '%E2%80%AE',
  '%ED%A0%80',
  '%20',
  '__proto__',
  'constructor',
];

/** Header values the Idempotency-Key (visible ASCII, 1–255) must refuse; node cannot send control bytes. */
export const BAD_HEADER_VALUES = ['k'.repeat(256), 'has space', 'caf\u00e9', ''];

/** A JSON value nested `levels` deep, as text (JSON.stringify of it would itself recurse). */
export function deeplyNested(levels: number, shape: 'object' | 'array'): string {
  return shape === 'object' ? '{"a":'.repeat(levels) + '1' + '}'.repeat(levels) : '['.repeat(levels) + ']'.repeat(levels);
}
