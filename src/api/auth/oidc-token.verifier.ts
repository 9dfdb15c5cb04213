import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppConfig } from '../../config/app-config';
import { Problem } from '../problem/problem';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../resilience/dependency-unavailable';
import { roleFromClaim } from './oidc-roles';
import type { Principal } from './principal';

/** What this API needs of the IdP's discovery document (OpenID Connect Discovery 1.0). */
export interface OidcProviderMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

/** Asymmetric algorithms only: an HS256 token would be checked with a shared secret this API does not have. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** The IdP is asked at most this long per fetch (discovery, JWKS), so a request fails inside its budget. */
const IDP_TIMEOUT_MS = 2_000;

/** 503 while the IdP (its discovery document or JWKS) cannot be reached: tokens cannot be checked. */
export function identityProviderUnavailable(): Problem {
  return new Problem(503, 'dependency-unavailable', 'Dependency unavailable', 'the identity provider cannot be reached right now to check the token; retry shortly', {
    dependency: 'identity-provider',
    retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
  });
}

/**
 * Checks OpenID Connect access tokens (JWTs) from the configured issuer: signature against the
 * issuer's JWKS (fetched and cached by jose, refetched for an unknown `kid`), `iss`, `aud`, `exp`,
 * `nbf` with a small clock tolerance, and an asymmetric algorithm. The role claim gives the role.
 */
@Injectable()
export class OidcTokenVerifier {
  private metadataRequest?: Promise<OidcProviderMetadata>;
  private jwks?: JWTVerifyGetKey;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.OIDC_ISSUER_URL !== undefined;
  }

  /**
   * The caller, or null for a token that is not valid here (bad signature, expired, another
   * issuer or audience, malformed) — the guard answers 401 and counts it as a failed
   * authentication. Throws a 403 Problem for a valid token without a mapped role, and a 503 while
   * the IdP cannot be reached. `temporalAudience`: a token for the Temporal cluster
   * (OIDC_TEMPORAL_AUDIENCE) is accepted too — only on the routes marked @AcceptsTemporalTokens.
   */
  async authenticate(token: string, options: { temporalAudience?: boolean } = {}): Promise<Principal | null> {
    if (!this.enabled) return null;
    let payload: JWTPayload;
    try {
      const jwks = await this.keySet();
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: this.config.OIDC_ISSUER_URL,
        audience: options.temporalAudience && this.config.OIDC_TEMPORAL_AUDIENCE ? [this.config.OIDC_AUDIENCE, this.config.OIDC_TEMPORAL_AUDIENCE] : this.config.OIDC_AUDIENCE,
        algorithms: ALGORITHMS,
        clockTolerance: this.config.OIDC_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (err) {
      if (err instanceof Problem) throw err;
      if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) throw identityProviderUnavailable();
      if (err instanceof joseErrors.JOSEError) return null;
      throw identityProviderUnavailable(); // the JWKS fetch failed on the network (jose passes the error through)
    }
    const claim = this.config.OIDC_ROLE_CLAIM;
    const role = roleFromClaim(payload[claim], this.config.OIDC_ROLE_MAP);
    if (!role) {
      throw new Problem(403, 'forbidden', 'Forbidden', `the token's claim "${claim}" names no Caseworks role`, { claim });
    }
    const subject = String(payload.sub);
    const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : subject;
    // Optional scoping claims, as an API key's account and brand (src/api/auth/case-scope.ts).
    const brand = typeof payload.caseworks_brand === 'string' ? payload.caseworks_brand : undefined;
    const account = typeof payload.caseworks_account === 'string' ? payload.caseworks_account : undefined;
    return { keyId: `oidc:${subject}`, name: username, role, via: 'oidc', subject, ...(brand ? { brand } : {}), ...(account ? { account } : {}) };
  }

  /** The IdP's discovery document, fetched once (a failed fetch is retried by the next caller). */
  metadata(): Promise<OidcProviderMetadata> {
    const issuer = this.config.OIDC_ISSUER_URL;
    if (!issuer) return Promise.reject(new Error('OIDC_ISSUER_URL is not set'));
    this.metadataRequest ??= fetchMetadata(issuer).catch((err: unknown) => {
      this.metadataRequest = undefined;
      throw err;
    });
    return this.metadataRequest;
  }

  private async keySet(): Promise<JWTVerifyGetKey> {
    if (this.jwks) return this.jwks;
    const { jwks_uri } = await this.metadata();
    this.jwks = createRemoteJWKSet(new URL(jwks_uri), { timeoutDuration: IDP_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    return this.jwks;
  }
}

async function fetchMetadata(issuer: string): Promise<OidcProviderMetadata> {
  let body: Partial<OidcProviderMetadata>;
  try {
    const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(IDP_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    body = (await res.json()) as Partial<OidcProviderMetadata>;
  } catch {
    throw identityProviderUnavailable();
  }
  // A document for another issuer would let that issuer's keys vouch for tokens here.
  if (body.issuer !== issuer || !body.jwks_uri || !body.authorization_endpoint || !body.token_endpoint) {
    throw identityProviderUnavailable();
  }
  return body as OidcProviderMetadata;
}
