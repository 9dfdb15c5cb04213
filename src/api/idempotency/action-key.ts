import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { checkIdempotencyKey } from './idempotency-key';

/** The Idempotency-Key header of an action on an existing case: checked (400 naming the header), or undefined. */
export const ActionKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  checkIdempotencyKey(ctx.switchToHttp().getRequest<Request>().header('idempotency-key')),
);

/**
 * The Temporal update ID an action is sent under. With an Idempotency-Key, the same caller, case,
 * action, body and key give the same ID, and Temporal runs one update per ID: a client that got no
 * certain answer (a 503, a dropped connection) sends the request again and learns the first one's
 * outcome instead of acting twice. The body is part of it, so a key reused with another body is
 * another action. Without a key every request is a new action.
 */
export function actionUpdateId(caller: Principal, caseId: string, action: string, body: unknown, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const digest = createHash('sha256').update(JSON.stringify([caller.keyId, caseId, action, body ?? null, key])).digest('hex');
  return `action-${digest.slice(0, 40)}`;
}
