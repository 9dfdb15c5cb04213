import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { AppConfig } from '../../../src/config/config.schema';
import { isOperationId, rolesFor } from '../../../src/api/auth/role-table';
import { OPERATION_KEY, PUBLIC_KEY, ROLES_KEY } from '../../../src/api/auth/roles.decorator';
import type { Role } from '../../../src/persistence/entities/api-key.entity';

/** Who may call an operation, read from the same role-table row (`@Operation`) / `@Public` metadata the guard reads. */
export type Access = { kind: 'public' } | { kind: 'roles'; roles: Role[] } | { kind: 'any-key' };

/**
 * Access per OpenAPI operationId (`<Controller>_<method>`, how @nestjs/swagger names them), taken
 * from the running app's controllers, so an operation added later needs nothing here.
 */
export function accessByOperationId(app: INestApplication, config: AppConfig): Map<string, Access> {
  const out = new Map<string, Access>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      for (const method of Object.getOwnPropertyNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const meta = <T>(key: string): T | undefined => (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, type) as T | undefined);
        const isPublic = meta<boolean | ((c: AppConfig) => boolean)>(PUBLIC_KEY);
        const operation = meta<string>(OPERATION_KEY);
        const roles = operation && isOperationId(operation) ? [...rolesFor(operation)] : meta<Role[]>(ROLES_KEY);
        const access: Access =
          isPublic === true || (typeof isPublic === 'function' && isPublic(config)) ? { kind: 'public' } : roles ? { kind: 'roles', roles } : { kind: 'any-key' };
        out.set(`${type.name}_${method}`, access);
      }
    }
  }
  return out;
}

/** The key to call with: none for a public route, else the first role the route's row names. */
export function roleFor(access: Access): Role | null {
  if (access.kind === 'public') return null;
  if (access.kind === 'any-key') return 'agent';
  return access.roles[0];
}
