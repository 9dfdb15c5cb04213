import type { OpenAPIObject } from '@nestjs/swagger';
import { problemResponse, ProblemStatus } from '../problem/api-problems';
import { accessFor, describeAccess, isOperationId, OperationId } from './role-table';
import { OPERATION_EXTENSION } from './roles.decorator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** What the guard answers for the operation's row: a keyed row refuses no key (401) and other roles (403). */
function refusalsFor(operation: OperationId): ProblemStatus[] {
  const access = accessFor(operation);
  if (access === 'public') return [];
  // Public, but a key sent is checked: an unknown one is a 401.
  if (access === 'public-or-any-key') return [401];
  return [401, 403];
}

/**
 * Prints each operation's row of the role table in its OpenAPI description ("Roles: agent,
 * client") and adds the guard's 401/403 answers it implies, so the documentation cannot drift
 * from what the guard enforces.
 */
export function describeOperationRoles(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as (Record<string, unknown> & { description?: string; responses?: Record<string, unknown> }) | undefined;
      const id = operation?.[OPERATION_EXTENSION];
      if (!operation || typeof id !== 'string' || !isOperationId(id)) continue;
      operation.description = [operation.description, describeAccess(id)].filter(Boolean).join('\n\n');
      operation.responses ??= {};
      for (const status of refusalsFor(id)) {
        const { description, content } = problemResponse(status);
        operation.responses[status] ??= { description, content };
      }
    }
  }
  return document;
}
