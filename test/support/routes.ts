import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { isOperationId, rolesFor } from '../../src/api/auth/role-table';
import { OPERATION_KEY } from '../../src/api/auth/roles.decorator';
import type { Role } from '../../src/persistence/entities/api-key.entity';

/** One HTTP route as Nest registered it, with the role-table row its handler names. */
export interface Route {
  method: string;
  path: string;
  handler: string;
  operation: string | undefined;
}

/** Every route of the running app, read from Nest's own registry (not from the OpenAPI document, which may exclude some). */
export function registeredRoutes(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat()[0] ?? '';
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const own = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (own === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        for (const sub of [own].flat()) {
          const path = `/${[base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
          const operation = (Reflect.getMetadata(OPERATION_KEY, handler) ?? Reflect.getMetadata(OPERATION_KEY, controller)) as string | undefined;
          routes.push({ method, path, handler: `${controller.name}.${name}`, operation });
        }
      }
    }
  }
  return routes;
}

/**
 * A role the role table lets call `method path` (a concrete path, `/v1/tickets/ticket-x/assign`),
 * the first of `preferred` that it allows: tests call each route with a key that may call it.
 */
export function roleAllowedFor(routes: Route[], method: string, path: string, preferred: readonly Role[]): Role {
  const route = routes.find((r) => r.method === method && new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`).test(path));
  const operation = route?.operation;
  if (!operation || !isOperationId(operation)) throw new Error(`no route in the role table for ${method} ${path}`);
  const role = preferred.find((r) => rolesFor(operation).includes(r));
  if (!role) throw new Error(`none of ${preferred.join(', ')} may call ${method} ${path} (${operation})`);
  return role;
}
