import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { Problem } from '../problem/problem';
import { ApiKeyService } from './api-key.service';
import { AuthFailureBudget, AuthFailureLimiter } from './auth-failure-limiter';
import { looksLikeJwt } from './oidc-roles';
import { OidcTokenVerifier } from './oidc-token.verifier';
import type { AuthenticatedRequest } from './principal';
import { IDENTIFY_KEY, PUBLIC_KEY, routeRoles, TEMPORAL_TOKENS_KEY } from './roles.decorator';

/**
 * Registered once, globally: every route needs `Authorization: Bearer <key>` unless @Public.
 * Failed authentications are limited per client address (AUTH_FAILURE_LIMIT_PER_MINUTE): past
 * the limit the address gets 429 + Retry-After for any key until its minute ends, so keys cannot
 * be guessed at speed. The address is the socket's, or X-Forwarded-For's only behind a proxy
 * named in TRUSTED_PROXIES (express trust proxy decides req.ip).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly failures: AuthFailureLimiter;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly oidc: OidcTokenVerifier,
    private readonly config: AppConfig,
  ) {
    this.failures = new AuthFailureLimiter(config.AUTH_FAILURE_LIMIT_PER_MINUTE);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | ((c: AppConfig) => boolean)>(PUBLIC_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (isPublic === true || (typeof isPublic === 'function' && isPublic(this.config))) {
      const identify = this.reflector.getAllAndOverride<boolean | undefined>(IDENTIFY_KEY, targets);
      if (!identify || req.headers.authorization === undefined) return true;
    }

    const res = ctx.switchToHttp().getResponse<Response>();
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retryAfterSeconds = this.failures.retryAfterSeconds(address);
    if (retryAfterSeconds > 0) {
      setBudgetHeaders(res, { limit: this.config.AUTH_FAILURE_LIMIT_PER_MINUTE, remaining: 0, resetSeconds: retryAfterSeconds });
      throw new Problem(429, 'rate-limited', 'Too Many Requests', `too many failed authentications from this address; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }

    const authorization = req.headers.authorization;
    // No credentials at all is not a guess; malformed or unknown ones are, and count.
    if (authorization === undefined) throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'send an API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) {
      setBudgetHeaders(res, this.failures.recordFailure(address));
      throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'send an API key as "Authorization: Bearer <key>"');
    }
    // A JWT is an IdP access token (a person signed in); anything else is an API key (never dotted).
    const isToken = looksLikeJwt(match[1]);
    const temporalTokens = isToken && this.reflector.getAllAndOverride<boolean | undefined>(TEMPORAL_TOKENS_KEY, targets) === true;
    const principal = isToken ? await this.oidc.authenticate(match[1], { temporalAudience: temporalTokens }) : await this.keys.authenticate(match[1]);
    if (!principal) {
      setBudgetHeaders(res, this.failures.recordFailure(address));
      throw new Problem(401, 'unauthenticated', 'Unauthenticated', isToken ? 'the access token is not valid here (signature, issuer, audience or expiry)' : 'the API key is unknown or revoked');
    }
    req.principal = principal;

    // The role table decides (src/api/auth/role-table.ts); no role, admin included, is implied.
    const roles = routeRoles(this.reflector, targets);
    if (!roles.includes(principal.role)) {
      throw new Problem(403, 'forbidden', 'Forbidden', roles.length > 0 ? `this action needs one of the roles: ${roles.join(', ')}` : 'this action is in no row of the role table', {
        role: principal.role,
      });
    }
    return true;
  }
}

/** The failed-authentication budget, named like @nestjs/throttler's headers for a named limit. */
function setBudgetHeaders(res: Response, budget: AuthFailureBudget): void {
  res.setHeader('X-RateLimit-Limit-Auth-Failures', String(budget.limit));
  res.setHeader('X-RateLimit-Remaining-Auth-Failures', String(budget.remaining));
  res.setHeader('X-RateLimit-Reset-Auth-Failures', String(budget.resetSeconds));
}
