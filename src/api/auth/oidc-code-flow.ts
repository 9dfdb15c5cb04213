import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { Problem } from '../problem/problem';
import { identityProviderUnavailable } from './oidc-token.verifier';

/**
 * The first leg of the authorization-code + PKCE flow: where to send the browser, and the state
 * and verifier the caller keeps (in a cookie) to check and complete the callback with.
 */
export function authorizationRequest(config: AppConfig, authorizationEndpoint: string, redirectUri: string): { url: string; state: string; verifier: string } {
  const state = randomBytes(16).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.OIDC_CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(config.OIDC_RESOURCE ? { resource: config.OIDC_RESOURCE } : {}),
  }).toString();
  return { url: url.toString(), state, verifier };
}

export interface CodeExchange {
  tokenEndpoint: string;
  code: string;
  /** The PKCE verifier of the sign-in this browser started. */
  verifier: string;
  /** The callback the code was issued for (the IdP checks it matches). */
  redirectUri: string;
  /** Where a refused code sends the person to start again, for the problem's text. */
  startAgainAt: string;
}

/**
 * The authorization-code + PKCE exchange at the IdP's token endpoint, for the public client
 * OIDC_CLIENT_ID: shared by /auth/sign-in (the Temporal UI codec's session) and the legal desk.
 * An unreachable IdP is a 503; a refused code a 400 naming the IdP's error code, never the code.
 */
export async function exchangeAuthorizationCode(config: AppConfig, x: CodeExchange): Promise<{ access_token: string; expires_in?: number }> {
  let res: globalThis.Response;
  try {
    res = await fetch(x.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: x.code,
        redirect_uri: x.redirectUri,
        client_id: config.OIDC_CLIENT_ID,
        code_verifier: x.verifier,
        ...(config.OIDC_RESOURCE ? { resource: config.OIDC_RESOURCE } : {}),
      }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch {
    throw identityProviderUnavailable();
  }
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
  if (!res.ok || typeof body.access_token !== 'string') {
    // The IdP's error code only (invalid_grant: a used or expired code): never the code itself.
    throw new Problem(400, 'sign-in-failed', 'Sign-in failed', `the identity provider refused the code (${body.error ?? res.status}); start again at ${x.startAgainAt}`);
  }
  return { access_token: body.access_token, expires_in: body.expires_in };
}
