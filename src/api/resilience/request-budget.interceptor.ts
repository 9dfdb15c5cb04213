import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { budgetOf, resetBudget, runInBudget } from './request-budget';

const BUDGET_KEY = 'caseworks:request-budget-ms';

/** A route that waits on purpose (e.g. for a short workflow's result) declares its own budget. */
export const RequestBudget = (ms: number) => SetMetadata(BUDGET_KEY, ms);

/**
 * Runs the handler with its request's budget in scope (AsyncLocalStorage), so the Temporal calls
 * it makes share the request's deadline, and applies a route's own @RequestBudget. An interceptor
 * rather than the middleware: context entered before Express's body parsers would not survive
 * their stream callbacks, and only here is the route known.
 */
@Injectable()
export class RequestBudgetInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const budget = ctx.getType() === 'http' ? budgetOf(ctx.switchToHttp().getRequest<Request>()) : undefined;
    if (!budget) return next.handle();
    const own = this.reflector.getAllAndOverride<number | undefined>(BUDGET_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (own !== undefined) resetBudget(budget, own);
    return new Observable((subscriber) => runInBudget(budget, () => next.handle().subscribe(subscriber)));
  }
}
