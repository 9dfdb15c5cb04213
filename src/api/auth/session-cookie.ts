import type { NextFunction, Request, Response } from 'express';

/**
 * The sign-in cookie: the IdP access token itself (a signed JWT, checked on every request like a
 * bearer token), HttpOnly so page scripts cannot read it, SameSite=Lax so other sites' pages
 * cannot send it, and Path=/codec — it opens the codec endpoint for the Temporal UI and nothing else.
 */
export const SESSION_COOKIE = 'caseworks_session';
/** The sign-in in progress: state and PKCE verifier, for ten minutes, sent only to the callback. */
export const SIGN_IN_COOKIE = 'caseworks_sign_in';

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * On /codec: a browser request with the sign-in cookie and no Authorization header is
 * authenticated with the cookie's token, by the same guard and verifier as a bearer token.
 * An Authorization header, when sent, wins.
 */
export function sessionCookieAsBearer(req: Request, _res: Response, next: NextFunction): void {
  const token = req.headers.authorization === undefined ? readCookie(req, SESSION_COOKIE) : undefined;
  if (token) req.headers.authorization = `Bearer ${token}`;
  next();
}
