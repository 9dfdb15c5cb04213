/**
 * Messages to people (notifications, CRM updates, pages, backlog items, takedown letters) carry
 * text that may have come from outside. A NUL or a lone UTF-16 surrogate in it would make
 * PostgreSQL refuse the message's row, and the message would never go out; in a message, such a
 * character is replaced by U+FFFD instead. Case records are not repaired this way: they are
 * refused and the case flagged (permanent-failure.ts, workflows/common/needs-attention.ts), so a
 * record never silently differs from what the case holds.
 */
// eslint-disable-next-line no-control-regex -- replacing the control character is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD') as T;
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => storableText(v, depth + 1)) as T;
  // Plain data only: class instances (dates, buffers) pass through unchanged.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableText(v, depth + 1)])) as T;
}

/** The named activities, with their arguments made storable before they run. */
export function withStorableMessages<T extends Record<string, (...args: never[]) => unknown>>(activities: T, names: readonly (keyof T & string)[]): T {
  const wrapped: Record<string, unknown> = { ...activities };
  for (const name of names) {
    const fn = activities[name];
    wrapped[name] = (...args: never[]) => fn(...(args.map((a) => storableText(a)) as never[]));
  }
  return wrapped as T;
}
