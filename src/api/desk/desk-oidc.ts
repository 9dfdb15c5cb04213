import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { authorizationRequest, exchangeAuthorizationCode } from '../auth/oidc-code-flow';
import { OidcTokenVerifier } from '../auth/oidc-token.verifier';
import type { Principal } from '../auth/principal';
import { readCookie } from '../auth/session-cookie';
import { Problem } from '../problem/problem';
import { safeNextPath } from './desk-paths';

/** The sign-in in progress (state, PKCE verifier, where to go after), sent back only to the desk's callback. */
const DESK_OIDC_COOKIE = 'caseworks_desk_oidc';
const CALLBACK_PATH = '/desk/oidc/callback';

/**
 * Desk sign-in with the deployment's identity provider: the same public client, verifier and
 * role mapping as /auth/sign-in (src/api/auth/sign-in.controller.ts), with the desk's own callback
 * (register `<API>/desk/oidc/callback` at the IdP). The IdP's access token is verified once, here,
 * and becomes a desk session naming the person; the token itself is not kept.
 */
@Injectable()
export class DeskOidc {
  constructor(
    private readonly config: AppConfig,
    private readonly verifier: OidcTokenVerifier,
  ) {}

  get enabled(): boolean {
    return this.verifier.enabled;
  }

  async begin(req: Request, res: Response, next: string): Promise<string> {
    const idp = await this.metadata();
    const { url, state, verifier } = authorizationRequest(this.config, idp.authorization_endpoint, callbackUrl(req));
    // Lax, not Strict: the IdP's redirect back is a cross-site navigation, which a Strict cookie would miss.
    res.cookie(DESK_OIDC_COOKIE, `${state}.${verifier}.${Buffer.from(next).toString('base64url')}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: CALLBACK_PATH,
      maxAge: 600_000,
    });
    return url;
  }

  async complete(req: Request, res: Response, code: string | undefined, state: string | undefined): Promise<{ principal: Principal; next: string }> {
    const [expected, verifier, next] = (readCookie(req, DESK_OIDC_COOKIE) ?? '').split('.');
    if (!code || !state || !expected || state !== expected || !verifier) {
      throw new Problem(400, 'sign-in-failed', 'Sign-in failed', 'no sign-in in progress in this browser, or the state does not match; start again at /desk/sign-in', {
        errors: [{ field: 'state', message: 'does not match the sign-in started in this browser' }],
      });
    }
    const idp = await this.metadata();
    const { access_token: token } = await exchangeAuthorizationCode(this.config, { tokenEndpoint: idp.token_endpoint, code, verifier, redirectUri: callbackUrl(req), startAgainAt: '/desk/sign-in' });
    const principal = await this.verifier.authenticate(token);
    if (!principal) throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'the identity provider issued a token this API does not accept (issuer or audience)');
    res.clearCookie(DESK_OIDC_COOKIE, { path: CALLBACK_PATH });
    return { principal, next: safeNextPath(next ? Buffer.from(next, 'base64url').toString('utf8') : undefined) };
  }

  private async metadata() {
    if (!this.verifier.enabled) throw new Problem(404, 'sign-in-unavailable', 'Not found', 'sign-in with an identity provider needs OIDC_ISSUER_URL; sign in with a legal API key');
    return this.verifier.metadata();
  }
}

function callbackUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${CALLBACK_PATH}`;
}
