import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { loggableError } from '../logging/error-log';
import { problemFromDependencyOutage } from '../resilience/dependency-unavailable';
import { budgetOf, RequestBudget } from '../resilience/request-budget';
import { problemFromBusyTemporal } from '../temporal/temporal-busy';
import { problemFromBodyParser } from './body-parser-problems';
import { Problem, ProblemDetails } from './problem';
import { sendProblem } from './send-problem';
import { withoutSubjectRef } from '../privacy/subject-path';

/** Every error leaves the API as application/problem+json (RFC 9457). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext('ProblemFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const problem = this.toProblem(exception, budgetOf(req));
    const path = withoutSubjectRef((req.originalUrl ?? req.url).split('?')[0]);
    // The request budget answered 503 already; what the handler did after is logged, not sent (a
    // late success surfaces here as Express refusing to send headers twice).
    if (budgetOf(req)?.answered) {
      this.logger.warn({ error: loggableError(exception), status: problem.status, method: req.method, path }, 'request finished after its budget had answered 503');
      return;
    }
    // Never `{ err: exception }`: an error's own fields (a QueryFailedError's SQL parameters, a
    // client error's request body) would be serialized whole. A dependency outage is expected
    // and counted, not a defect: a warning naming the dependency.
    if (problem.status === 503 && typeof problem.dependency === 'string') {
      this.logger.warn({ dependency: problem.dependency, error: loggableError(exception), method: req.method, path }, 'dependency unavailable');
    } else if (problem.status >= 500) {
      this.logger.error({ error: loggableError(exception), method: req.method, path }, 'request failed');
    }
    sendProblem(req, res, problem);
  }

  private toProblem(exception: unknown, budget: RequestBudget | undefined): ProblemDetails {
    if (exception instanceof Problem) return exception.toDetails();
    const unreadableBody = problemFromBodyParser(exception);
    if (unreadableBody) return unreadableBody.toDetails();
    const outage = problemFromDependencyOutage(exception, budget);
    if (outage) return outage.toDetails();
    const busy = problemFromBusyTemporal(exception);
    if (busy) return busy.toDetails();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      const title = HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase() ?? 'error';
      return {
        type: Problem.typeFor(status === 429 ? 'rate-limited' : `http-${status}`),
        title: title.charAt(0).toUpperCase() + title.slice(1),
        status,
        detail: Array.isArray(detail) ? detail.join('; ') : detail,
      };
    }
    return { type: Problem.typeFor('internal'), title: 'Internal Server Error', status: 500, detail: 'an unexpected error occurred' };
  }
}
