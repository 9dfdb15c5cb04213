import type { NextFunction, Request, Response } from 'express';
import { Problem } from '../problem/problem';

/** The body types the API reads: JSON (and `+json` types such as problem+json), and HTML-form fields. */
const READABLE = ['application/json', 'application/*+json', 'application/x-www-form-urlencoded'];

/** Whether the request carries body bytes: a positive Content-Length, or a chunked body whose type is declared. */
function sendsBody(req: Request): boolean {
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length)) return length > 0;
  // Chunked and untyped: clients send a body-less POST this way too; the parser reads nothing of it.
  return req.headers['transfer-encoding'] !== undefined && req.headers['content-type'] !== undefined;
}

/**
 * A body in a type the API does not read is a 415 naming the header. Unread, it would reach
 * validation as an empty object: a 400 listing every field as missing, for what is a wrong header.
 * A request without a body (an action without payload) needs no Content-Type.
 */
export function requireReadableContentType(req: Request, _res: Response, next: NextFunction): void {
  if (!sendsBody(req) || req.is(READABLE)) return next();
  const given = req.headers['content-type'];
  next(
    new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'the body must be JSON (Content-Type: application/json)', {
      errors: [{ field: 'header:Content-Type', message: given === undefined ? 'is required with a body: application/json' : 'must be application/json' }],
    }),
  );
}
