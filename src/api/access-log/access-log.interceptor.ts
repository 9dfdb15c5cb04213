import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal';
import { OPERATION_KEY } from '../auth/roles.decorator';
import { AccessLogService } from './access-log.service';
import { accessorOf } from './accessor';
import { bodyFieldNames, queryFieldNames } from './field-names';
import { routeAccess } from './logged-routes';

/** Case IDs are business IDs (`ticket-…`); a probe with anything else in the path (an e-mail address, say) is logged without it. */
const CASE_ID = /^[\w.:-]{1,200}$/;

/**
 * One access-log entry per authenticated API call to case data (see logged-routes.ts for which),
 * written before the answer leaves: the handler's result is held until the INSERT is done, so a
 * crash after the response cannot lose its entry. Failed calls are logged too, with their status —
 * a 404 on someone else's case is a probe worth seeing; a 403 from the role check never reaches
 * here (guards run first) and touched no data. A logging outage does not fail the call
 * (AccessLogService fails open).
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(
    private readonly accessLog: AccessLogService,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const routePath = (req.route as { path?: unknown } | undefined)?.path;
    const access = typeof routePath === 'string' ? routeAccess(req.method, routePath) : null;
    const accessor = access ? accessorOf(req) : null;
    if (!access || !accessor) return next.handle();

    // The role table's name for the route when it has one (one vocabulary for roles and the log).
    const operation = this.reflector.getAllAndOverride<string | undefined>(OPERATION_KEY, [ctx.getHandler(), ctx.getClass()]) ?? access.operation;
    const res = ctx.switchToHttp().getResponse<Response>();
    const paramId = access.caseParam ? req.params[access.caseParam] : undefined;
    const fields = req.method === 'GET' || req.method === 'HEAD' ? queryFieldNames(req.query) : bodyFieldNames(req.body);
    const record = (status: number | null, createdId: unknown) => {
      const caseId = [paramId, createdId].find((id): id is string => typeof id === 'string' && CASE_ID.test(id)) ?? null;
      return this.accessLog.record({ ...accessor, operation, caseKind: access.caseKind, caseId, fields, status });
    };
    return next.handle().pipe(
      concatMap((body: unknown) => from(record(res.statusCode, req.method === 'POST' && !access.caseParam ? createdCaseId(body) : undefined).then(() => body))),
      catchError((err: unknown) => from(record(err instanceof HttpException ? err.getStatus() : null, undefined)).pipe(concatMap(() => throwError(() => err)))),
    );
  }
}

/** The case a create answered with: its `id` (tickets, incidents, refunds) or `caseId` (takedown receipts). */
function createdCaseId(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  return b.id ?? b.caseId;
}
