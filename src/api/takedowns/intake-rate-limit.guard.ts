import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import type { AuthenticatedRequest } from '../auth/principal';
import { Problem } from '../problem/problem';

const WINDOW_MS = 60_000;

/**
 * The public takedown form's own, tighter limit per client address (TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE),
 * on top of the global one: anyone may file a notice, nobody may flood legal staff with them.
 * Partners sending a key are limited per key by the global guard only.
 */
@Injectable()
export class TakedownIntakeRateLimitGuard implements CanActivate {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (req.principal) return true;
    const limit = this.config.TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(`takedown-intake:ip:${String(req.ip)}`, WINDOW_MS, limit, WINDOW_MS, 'takedown-intake');
    if (isBlocked) {
      throw new Problem(429, 'rate-limited', 'Too Many Requests', `the public takedown form takes ${limit} notices per minute per address; partners can send an API key`, {
        retryAfterSeconds: timeToBlockExpire,
      });
    }
    return true;
  }
}
