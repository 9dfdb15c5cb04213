import type { NextFunction, Request, Response } from 'express';
import { FieldError, Problem } from '../problem/problem';
import { inspectJson } from './inspect-json';
import { findUnstorableChar, printableName } from './unstorable-text';

/** A query parameter's name: letters, digits, `_ . -`. Brackets (`brand[]`, `customerRef[$ne]`) ask for structure we never take. */
const QUERY_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** What is wrong with the query string: each parameter must be one plain string with a plain name. */
export function queryProblems(query: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(query)) {
    const field = `query:${printableName(name)}`;
    if (!QUERY_NAME.test(name)) {
      errors.push({ field, message: 'is not a parameter name this API takes (letters, digits, _ . - only; no [] or nested names)' });
    } else if (Array.isArray(value)) {
      errors.push({ field, message: 'must be given once (one value, not a list)' });
    } else if (typeof value !== 'string') {
      errors.push({ field, message: 'must be a single string value' });
    } else {
      const bad = findUnstorableChar(value);
      if (bad) errors.push({ field, message: `must not contain a ${bad.reason}` });
    }
  }
  return errors;
}

/** What is wrong with the path: a segment that decodes to unstorable text (an ID with a NUL would reach SQL). */
export function pathProblems(path: string): FieldError[] {
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue; // a malformed escape: Express answers it (400) when it decodes the route's parameters
    }
    const bad = findUnstorableChar(decoded);
    if (bad) return [{ field: 'path', message: `must not contain a ${bad.reason}` }];
  }
  return [];
}

/**
 * The one edge check every request passes after its body is parsed and before any handler,
 * guard or class-transformer sees it: query parameters are single plain strings, and no path segment, string
 * or field name anywhere in the body holds text PostgreSQL or JSON cannot store, at any depth
 * up to MAX_JSON_DEPTH (deeper is refused, so nothing downstream recurses on it).
 */
export function refuseUnstorableInput(req: Request, _res: Response, next: NextFunction): void {
  // originalUrl: mounted as Nest middleware, req.path is relative to the mount point.
  const errors = [...pathProblems(req.originalUrl.split('?')[0]), ...queryProblems(req.query as Record<string, unknown>)];
  if (errors.length === 0 && req.body !== undefined && !Buffer.isBuffer(req.body)) errors.push(...inspectJson(req.body));
  next(errors.length > 0 ? Problem.validation(errors) : undefined);
}
