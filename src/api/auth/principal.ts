import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from '../../persistence/entities/api-key.entity';

/** Who is calling: the API key's identity (never the key itself), or the signed-in person's. */
export interface Principal {
  /** The API key's ID; for a person signed in with the IdP `oidc:<sub>` (idempotency and rate limits are scoped by it). */
  keyId: string;
  name: string;
  role: Role;
  /** How the caller authenticated; absent means an API key. */
  via?: 'api-key' | 'oidc';
  /** The IdP's subject (`sub`) of an OIDC caller. */
  subject?: string;
  /** A client key's account: it sees and acts on that account's tickets only (none without one). */
  account?: string;
  /** The brand the caller works for: an agent sees that brand's cases only; absent, every brand's. */
  brand?: string;
}

export type AuthenticatedRequest = { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
