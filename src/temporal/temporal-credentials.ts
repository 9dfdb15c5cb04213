import type { AppConfig } from '../config/app-config';

/**
 * The JWT this process shows a Temporal server that authorizes its callers (`make cluster`:
 * the server's default authorizer with the IdP's JWKS, deploy/temporal/config/caseworks.yaml).
 * Got by OAuth 2.0 client_credentials at the IdP's token endpoint for the cluster's resource
 * (RFC 8707), renewed at three quarters of its lifetime; a failed renewal is retried while the
 * current token still holds, so an IdP blip does not stop the worker.
 */
export interface TemporalCredentials {
  /** The current access token (always one that was valid when fetched). */
  token(): string;
  /** Called with each renewed token (the worker's native connection takes it by setApiKey). */
  onRenew(listener: (token: string) => void | Promise<void>): void;
  stop(): void;
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

type Settings = Pick<AppConfig, 'OIDC_ISSUER_URL' | 'TEMPORAL_OIDC_CLIENT_ID' | 'TEMPORAL_OIDC_CLIENT_SECRET' | 'TEMPORAL_OIDC_RESOURCE'>;

const REQUEST_TIMEOUT_MS = 5_000;
/** How long start-up waits for the IdP (it may be starting beside this process). */
const FIRST_TOKEN_PATIENCE_MS = 60_000;
const RETRY_MS = 2_000;

/** Null when no Temporal client is configured: the server (the dev server) asks for no token. */
export async function temporalCredentialsFrom(config: Settings, warn: (msg: string) => void = () => undefined): Promise<TemporalCredentials | null> {
  const { OIDC_ISSUER_URL: issuer, TEMPORAL_OIDC_CLIENT_ID: clientId, TEMPORAL_OIDC_CLIENT_SECRET: secret } = config;
  if (!clientId || !secret || !issuer) return null;
  const fetchToken = async (): Promise<TokenAnswer> => {
    const endpoint = await tokenEndpoint(issuer);
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: config.TEMPORAL_OIDC_RESOURCE, scope: 'temporal' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    // The IdP's error code only (invalid_client, invalid_target): never the secret or a token.
    if (!res.ok) throw new Error(`the IdP refused a Temporal token: ${res.status} ${String(((await res.json().catch(() => ({}))) as { error?: string }).error ?? '')}`);
    const body = (await res.json()) as Partial<TokenAnswer>;
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw new Error('the IdP answered without access_token / expires_in');
    return body as TokenAnswer;
  };

  let current = await firstToken(fetchToken, warn);
  const listeners: Array<(token: string) => void | Promise<void>> = [];
  let timer: NodeJS.Timeout | undefined;
  let expiresAt = Date.now() + current.expires_in * 1000;
  const schedule = (inMs: number): void => {
    timer = setTimeout(renew, Math.max(inMs, 1_000));
    timer.unref(); // never what keeps the process alive
  };
  const renew = async (): Promise<void> => {
    try {
      current = await fetchToken();
      expiresAt = Date.now() + current.expires_in * 1000;
      for (const listener of listeners) await listener(current.access_token);
      schedule(current.expires_in * 750);
    } catch (err) {
      warn(`Temporal token renewal failed (current one expires in ${Math.round((expiresAt - Date.now()) / 1000)} s): ${(err as Error).message}`);
      schedule(RETRY_MS);
    }
  };
  schedule(current.expires_in * 750);
  return {
    token: () => current.access_token,
    onRenew: (listener) => listeners.push(listener),
    stop: () => clearTimeout(timer),
  };
}

async function firstToken(fetchToken: () => Promise<TokenAnswer>, warn: (msg: string) => void): Promise<TokenAnswer> {
  const giveUpAt = Date.now() + FIRST_TOKEN_PATIENCE_MS;
  for (;;) {
    try {
      return await fetchToken();
    } catch (err) {
      if (Date.now() >= giveUpAt) throw new Error(`no Temporal token from the IdP within ${FIRST_TOKEN_PATIENCE_MS / 1000} s: ${(err as Error).message}`);
      warn(`waiting for a Temporal token: ${(err as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

async function tokenEndpoint(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`the IdP's discovery document answered ${res.status}`);
  const { token_endpoint: endpoint } = (await res.json()) as { token_endpoint?: string };
  if (typeof endpoint !== 'string') throw new Error("the IdP's discovery document names no token_endpoint");
  return endpoint;
}
