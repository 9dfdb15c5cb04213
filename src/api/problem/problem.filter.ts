import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { loggableError } from '../logging/error-log';
import { problemFromBusyTemporal } from '../temporal/temporal-busy';
import { problemFromBodyParser } from './body-parser-problems';
import { Problem, ProblemDetails } from './problem';

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
    const problem = this.toProblem(exception);
    // The path only: a query string may carry what no response or proxy log should repeat.
    problem.instance = (req.originalUrl ?? req.url).split('?')[0];
    if (req.id !== undefined) problem.requestId = String(req.id);
    // Never `{ err: exception }`: an error's own fields (a QueryFailedError's SQL parameters, a
    // client error's request body) would be serialized whole.
    if (problem.status >= 500) this.logger.error({ error: loggableError(exception), method: req.method, path: problem.instance }, 'request failed');
    if (res.headersSent) return;
    if (typeof problem.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof Problem) return exception.toDetails();
    const unreadableBody = problemFromBodyParser(exception);
    if (unreadableBody) return unreadableBody.toDetails();
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
