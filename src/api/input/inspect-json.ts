import type { FieldError } from '../problem/problem';
import { findUnstorableChar, printableName } from './unstorable-text';

/** Deeper than any DTO we accept (the deepest is 3) with room for free-form `details`; far below any stack limit. */
export const MAX_JSON_DEPTH = 32;
/** One error names the field; a few more help, a flood of them does not. */
const MAX_ERRORS = 10;
/** Keys that reach an object's prototype (prototype pollution): never a field of ours. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a parsed JSON value without recursion (a 5,000-level body must not blow the stack here)
 * and names every field whose key or string value cannot be stored, or that nests deeper than
 * `maxDepth`. Paths are dotted as in validation problems: `replies.0.text`; `prefix` names where
 * the value came from (`query:` for query parameters).
 */
export function inspectJson(root: unknown, { maxDepth = MAX_JSON_DEPTH, prefix = '' }: { maxDepth?: number; prefix?: string } = {}): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  const fieldOf = (path: string) => prefix + (path || 'body');
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const bad = findUnstorableChar(value);
      if (bad) errors.push({ field: fieldOf(path), message: `must not contain a ${bad.reason}` });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      errors.push({ field: fieldOf(path), message: `nests deeper than ${maxDepth} levels` });
      continue;
    }
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key] of Array.isArray(value) ? [] : entries) {
      const badKey = findUnstorableChar(key);
      if (badKey) errors.push({ field: fieldOf(path ? `${path}.${printableName(key)}` : printableName(key)), message: `field name must not contain a ${badKey.reason}` });
      // class-transformer drops these silently (so forbidNonWhitelisted never sees them): refuse them here.
      else if (PROTOTYPE_KEYS.has(key)) errors.push({ field: fieldOf(path ? `${path}.${key}` : key), message: 'is not a field this API takes' });
    }
    // Reversed so the stack pops them in document order: the first error named is the first one sent.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ value: child, path: path ? `${path}.${printableName(key)}` : printableName(key), depth: depth + 1 });
    }
  }
  return errors.slice(0, MAX_ERRORS);
}
