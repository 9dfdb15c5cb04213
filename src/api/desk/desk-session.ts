import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import type { Principal } from '../auth/principal';
import { readCookie } from '../auth/session-cookie';

/** The desk's session cookie, sent only to /desk pages. */
export const DESK_COOKIE = 'caseworks_desk';
/** Before sign-in: the double-submit token the sign-in form must echo (login CSRF). */
export const DESK_SIGN_IN_COOKIE = 'caseworks_desk_sign_in';
export const DESK_PATH = '/desk';

/** What a desk session holds: who signed in (never the API key or the IdP token), its CSRF token and its clock. */
export interface DeskSession {
  principal: Principal;
  csrf: string;
  /** When the session began and when it was last used (ms since the epoch). */
  issuedAt: number;
  seenAt: number;
}

export type SessionRead = { session: DeskSession } | { session: null; reason: 'none' | 'expired' | 'invalid' };

const VERSION = 'v1';

/**
 * Desk sessions are sealed tokens, not rows: AES-256-GCM over the session, under a key derived
 * (HKDF) from PAYLOAD_ENCRYPTION_KEY — every API process of a deployment opens the others' sessions,
 * and no new secret is needed. Without that key (a dev stack without one) each process
 * draws its own, and sessions end when it restarts. The cookie is opaque to the browser and to
 * anyone reading it: it says who signed in but holds no credential, so a leaked cookie opens the
 * desk only until its idle timeout (DESK_IDLE_TIMEOUT_SECONDS, sliding: each request re-seals it)
 * or its lifetime (DESK_SESSION_MAX_SECONDS), whichever comes first, and only while the API key
 * it was opened with is not revoked (checked on each request). Sign-out deletes the cookie and
 * lists the session in desk_sign_outs (DeskStore) until it would have expired, so a copy of the
 * cookie taken before then is refused too: the one server state sessions need.
 */
@Injectable()
export class DeskSessions {
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    const secret = config.PAYLOAD_ENCRYPTION_KEY ? Buffer.from(config.PAYLOAD_ENCRYPTION_KEY, 'base64') : randomBytes(32);
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'caseworks desk session v1', 32));
  }

  get idleMs(): number {
    return this.config.DESK_IDLE_TIMEOUT_SECONDS * 1000;
  }

  open(principal: Principal, now = Date.now()): DeskSession {
    return { principal: { keyId: principal.keyId, name: principal.name, role: principal.role, via: principal.via, subject: principal.subject, brand: principal.brand }, csrf: randomBytes(24).toString('base64url'), issuedAt: now, seenAt: now };
  }

  seal(session: DeskSession): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(VERSION));
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The session in the token, if it is ours, intact and neither idle too long nor too old. */
  unseal(token: string | undefined, now = Date.now()): SessionRead {
    if (!token) return { session: null, reason: 'none' };
    const [version, iv, body, tag] = token.split('.');
    if (version !== VERSION || !iv || !body || !tag) return { session: null, reason: 'invalid' };
    let session: DeskSession;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(VERSION));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      session = JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')) as DeskSession;
    } catch {
      return { session: null, reason: 'invalid' };
    }
    if (now - session.seenAt > this.idleMs || now - session.issuedAt > this.config.DESK_SESSION_MAX_SECONDS * 1000) return { session: null, reason: 'expired' };
    return { session };
  }

  read(req: Request, now = Date.now()): SessionRead {
    return this.unseal(readCookie(req, DESK_COOKIE), now);
  }

  /**
   * Sets (or refreshes: the idle clock restarts) the session cookie. The browser keeps it for the
   * session's lifetime; the idle timeout is the server's to enforce (the token's seenAt), so a
   * person coming back to an idle tab is told their session expired rather than just signed out.
   */
  write(req: Request, res: Response, session: DeskSession): void {
    const left = session.issuedAt + this.config.DESK_SESSION_MAX_SECONDS * 1000 - Date.now();
    res.cookie(DESK_COOKIE, this.seal(session), { ...cookieOptions(req), maxAge: Math.max(1000, left) });
  }

  /** When the session ends on its own: idle, or at its lifetime, whichever comes first. */
  expiresAt(session: DeskSession): Date {
    return new Date(Math.min(session.seenAt + this.idleMs, session.issuedAt + this.config.DESK_SESSION_MAX_SECONDS * 1000));
  }

  clear(req: Request, res: Response): void {
    res.clearCookie(DESK_COOKIE, cookieOptions(req));
  }
}

/** HttpOnly, SameSite=Strict, Path=/desk; Secure except on a loopback host (a developer's http://localhost). */
export function cookieOptions(req: Request) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: req.secure || !isLoopback(req.hostname), path: DESK_PATH };
}

export function isLoopback(hostname: string | undefined): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '::1' || hostname === '[::1]';
}

/** Constant-time comparison of a submitted CSRF token with the expected one. */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A session's name in the sign-out list: a hash of its CSRF token, which is random and fixed for the
 * session's life (the table then holds nothing a form could be forged with).
 */
export function sessionFingerprint(session: DeskSession): string {
  return createHash('sha256').update(session.csrf).digest('base64url');
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
