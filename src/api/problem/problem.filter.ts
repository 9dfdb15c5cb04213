import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
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
    problem.instance = req.originalUrl ?? req.url;
    if (req.id !== undefined) problem.requestId = String(req.id);
    if (problem.status >= 500) this.logger.error({ err: exception }, 'request failed');
    if (res.headersSent) return;
    if (typeof problem.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof Problem) return exception.toDetails();
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
