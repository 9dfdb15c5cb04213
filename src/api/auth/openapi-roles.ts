import type { OpenAPIObject } from '@nestjs/swagger';
import { describeAccess, isOperationId } from './role-table';
import { OPERATION_EXTENSION } from './roles.decorator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Prints each operation's row of the role table in its OpenAPI description ("Roles: agent,
 * client"), so the documentation cannot drift from what the guard enforces.
 */
export function describeOperationRoles(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (Record<string, unknown> & { description?: string }) | undefined;
      const id = operation?.[OPERATION_EXTENSION];
      if (!operation || typeof id !== 'string' || !isOperationId(id)) continue;
      operation.description = [operation.description, describeAccess(id)].filter(Boolean).join('\n\n');
    }
  }
  return document;
}
