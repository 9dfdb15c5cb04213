import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { AppConfig } from '../../config/config.schema';
import type { Role } from '../../persistence/entities/api-key.entity';
import { accessFor, OperationId, rolesFor } from './role-table';

export const ROLES_KEY = 'caseworks:roles';
export const OPERATION_KEY = 'caseworks:operation';
export const PUBLIC_KEY = 'caseworks:public';
export const IDENTIFY_KEY = 'caseworks:identify';
/** The OpenAPI extension naming an operation's row of the role table (create-app.ts prints its roles). */
export const OPERATION_EXTENSION = 'x-caseworks-operation';

/**
 * Names the route's row in the role table (src/api/auth/role-table.ts), which says who may call
 * it; a public row also makes the route public. Every route carries one: the guard refuses a
 * keyed route without it, and test/api/role-table.e2e.spec.ts fails on it.
 */
export const Operation = (operation: OperationId) => {
  const access = accessFor(operation);
  return applyDecorators(
    SetMetadata(OPERATION_KEY, operation),
    ApiExtension(OPERATION_EXTENSION, operation),
    ApiExtension('x-caseworks-roles', [...rolesFor(operation)]),
    ...(access === 'public' ? [Public()] : []),
    ...(access === 'public-or-any-key' ? [Public(), IdentifyCallerIfKeyed()] : []),
  );
};

/**
 * @deprecated Name the route's row in the role table with @Operation instead. Kept so a route
 * not yet in the table still has a role check (exactly these roles; `admin` is not implied).
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No key needed (health, docs, public intake). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/**
 * On a public route: a caller who does send a key is still identified (an unknown key is a 401),
 * so one route serves the public and authenticated partners (takedown intake).
 */
export const IdentifyCallerIfKeyed = () => SetMetadata(IDENTIFY_KEY, true);
/** No key needed when the configuration says so (e.g. the codec endpoint on a dev stack). */
export const PublicWhen = (predicate: (config: AppConfig) => boolean) => SetMetadata(PUBLIC_KEY, predicate);

/**
 * The roles that may call a route: its role-table row, else (a route not yet in the table) its
 * @Roles list, else none — a keyed route nobody listed is closed, not open to any key.
 */
export function routeRoles(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): readonly Role[] {
  const operation = reflector.getAllAndOverride<OperationId | undefined>(OPERATION_KEY, targets);
  if (operation) return rolesFor(operation);
  return reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
}

export const TEMPORAL_TOKENS_KEY = 'caseworks:temporal-tokens';
/**
 * Routes that also take the Temporal cluster's access tokens (audience OIDC_TEMPORAL_AUDIENCE):
 * the codec endpoint, which the Temporal UI server calls with the signed-in person's token.
 */
export const AcceptsTemporalTokens = (): ClassDecorator & MethodDecorator => SetMetadata(TEMPORAL_TOKENS_KEY, true);
