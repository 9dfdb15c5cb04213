import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { sendProblem } from '../problem/send-problem';
import { budgetExceeded } from './dependency-unavailable';
import { startBudget } from './request-budget';
import { withoutSubjectRef } from '../privacy/subject-path';

const ANSWER_HEADERS = ['location', 'caseworks-source', 'idempotent-replayed'];

/**
 * Starts each request's budget (REQUEST_BUDGET_MS, after its body was read: a slow upload is the
 * client's time). When it runs out before the request was answered, the answer is 503 +
 * Retry-After at once; the work in flight is left to finish (or to fail at its own deadline) and
 * its late outcome is only logged (ProblemFilter).
 */
@Injectable()
export class RequestBudgetMiddleware implements NestMiddleware {
  constructor(
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('RequestBudget');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const budget = startBudget(req, res, this.config.REQUEST_BUDGET_MS, () => {
      if (res.headersSent) return;
      this.logger.warn({ method: req.method, path: withoutSubjectRef((req.originalUrl ?? req.url).split('?')[0]), budgetMs: budget.budgetMs }, 'request budget exceeded: answered 503');
      // Headers the handler set for the answer it had not yet given describe that answer, not this one.
      for (const name of ANSWER_HEADERS) res.removeHeader(name);
      sendProblem(req, res, budgetExceeded(budget.budgetMs).toDetails());
    });
    next();
  }
}
