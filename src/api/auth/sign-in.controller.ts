import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { Problem } from '../problem/problem';
import { authorizationRequest, exchangeAuthorizationCode } from './oidc-code-flow';
import { OidcTokenVerifier } from './oidc-token.verifier';
import { Operation, Public } from './roles.decorator';
import { readCookie, SESSION_COOKIE, SIGN_IN_COOKIE } from './session-cookie';

const SIGN_IN_TTL_SECONDS = 600;

/**
 * A person signs in with the organisation's IdP (authorization code + PKCE, public client
 * OIDC_CLIENT_ID) so that the Temporal UI, calling /codec from their browser with "include
 * cross-origin credentials", decodes as them. The IdP's access token becomes an HttpOnly cookie
 * for /codec only; it is checked on every request like a bearer token (src/api/auth/session-cookie.ts).
 */
@ApiExcludeController()
@Controller('auth')
@Public()
export class SignInController {
  constructor(
    private readonly config: AppConfig,
    private readonly verifier: OidcTokenVerifier,
  ) {}

  @Get('sign-in')
  @Operation('auth.signIn')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const idp = await this.metadata();
    const { url, state, verifier } = authorizationRequest(this.config, idp.authorization_endpoint, callbackUrl(req));
    res.cookie(SIGN_IN_COOKIE, `${state}.${verifier}`, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/auth/callback',
      maxAge: SIGN_IN_TTL_SECONDS * 1000,
    });
    res.redirect(302, url);
  }

  @Get('callback')
  @Operation('auth.callback')
  async callback(@Req() req: Request, @Res() res: Response, @Query('code') code?: string, @Query('state') state?: string): Promise<void> {
    const [expected, verifier] = (readCookie(req, SIGN_IN_COOKIE) ?? '').split('.');
    if (!code || !state || !expected || state !== expected || !verifier) {
      throw new Problem(400, 'sign-in-failed', 'Sign-in failed', 'no sign-in in progress in this browser, or the state does not match; start again at /auth/sign-in', {
        errors: [{ field: 'state', message: 'does not match the sign-in started in this browser' }],
      });
    }
    const idp = await this.metadata();
    const tokens = await exchangeAuthorizationCode(this.config, { tokenEndpoint: idp.token_endpoint, code, verifier, redirectUri: callbackUrl(req), startAgainAt: '/auth/sign-in' });
    // The token must open this API (issuer, audience, role) before it becomes a cookie; a 401/403 otherwise.
    const principal = await this.verifier.authenticate(tokens.access_token);
    if (!principal) throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'the identity provider issued a token this API does not accept (issuer or audience)');
    res.clearCookie(SIGN_IN_COOKIE, { path: '/auth/callback' });
    res.cookie(SESSION_COOKIE, tokens.access_token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      path: '/codec',
      maxAge: Math.max(1, tokens.expires_in ?? 300) * 1000,
    });
    res.status(200).json({ signedInAs: principal.name, role: principal.role, brand: principal.brand ?? null, expiresInSeconds: tokens.expires_in ?? null });
  }

  @Get('sign-out')
  @Operation('auth.signOut')
  signOut(@Res() res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/codec' });
    res.status(200).json({ signedOut: true });
  }

  private async metadata() {
    if (!this.verifier.enabled) throw new Problem(404, 'sign-in-unavailable', 'Not found', 'sign-in needs OIDC_ISSUER_URL; this API accepts API keys only');
    return this.verifier.metadata();
  }
}

/** Where the IdP sends the browser back: this API's own callback, as the browser reached it. */
function callbackUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/auth/callback`;
}
