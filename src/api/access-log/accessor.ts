import type { Request } from 'express';
import type { AccessVia } from '../../persistence/entities/access-log.entity';
import type { AuthenticatedRequest } from '../auth/principal';
import type { AccessEntry } from './access-entry';

export type Accessor = Pick<AccessEntry, 'actor' | 'actorId' | 'role' | 'via' | 'address' | 'requestId'>;

/**
 * Who is reading, from an authenticated request: the principal's name, id and role, how it signed
 * in, the client address and the request ID. Null on a request without a principal. Spread it
 * into AccessLogService.record: `record({ ...accessorOf(req)!, operation, caseId, caseKind })`.
 */
export function accessorOf(req: Request & AuthenticatedRequest): Accessor | null {
  const principal = req.principal as (AuthenticatedRequest['principal'] & { via?: AccessVia; subject?: string; keyId?: string }) | undefined;
  if (!principal) return null;
  const requestId = (req as { id?: unknown }).id;
  return {
    actor: principal.name,
    actorId: principal.keyId ?? principal.subject ?? null,
    role: principal.role,
    via: principal.via ?? 'api-key',
    address: req.ip ?? req.socket?.remoteAddress ?? null,
    requestId: typeof requestId === 'string' ? requestId : null,
  };
}
