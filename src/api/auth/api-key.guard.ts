import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import type { Role } from '../../persistence/entities/api-key.entity';
import { Problem } from '../problem/problem';
import { ApiKeyService } from './api-key.service';
import type { AuthenticatedRequest } from './principal';
import { IDENTIFY_KEY, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** Registered once, globally: every route needs `Authorization: Bearer <key>` unless @Public. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | ((c: AppConfig) => boolean)>(PUBLIC_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (isPublic === true || (typeof isPublic === 'function' && isPublic(this.config))) {
      const identify = this.reflector.getAllAndOverride<boolean | undefined>(IDENTIFY_KEY, targets);
      if (!identify || req.headers.authorization === undefined) return true;
    }

    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'send an API key as "Authorization: Bearer <key>"');
    }
    const principal = await this.keys.authenticate(match[1]);
    if (!principal) throw new Problem(401, 'unauthenticated', 'Unauthenticated', 'the API key is unknown or revoked');
    req.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new Problem(403, 'forbidden', 'Forbidden', `this action needs one of the roles: ${roles.join(', ')}`, {
        role: principal.role,
      });
    }
    return true;
  }
}
