import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './auth/principal';

/** Limits per API key; anonymous routes are limited per client address. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as AuthenticatedRequest).principal;
    return principal ? `key:${principal.keyId}` : `ip:${String(req.ip)}`;
  }
}
