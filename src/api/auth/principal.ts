import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from '../../persistence/entities/api-key.entity';

/** Who is calling: the API key's identity, never the key itself. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

export type AuthenticatedRequest = { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
