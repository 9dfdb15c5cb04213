import type { Request, Response } from 'express';
import { ProblemDetails } from './problem';

/** Writes a problem as application/problem+json, with its instance (the path only), request ID and Retry-After. */
export function sendProblem(req: Request & { id?: unknown }, res: Response, problem: ProblemDetails): void {
  // The path only: a query string may carry what no response or proxy log should repeat.
  problem.instance = (req.originalUrl ?? req.url).split('?')[0];
  if (req.id !== undefined) problem.requestId = String(req.id);
  if (res.headersSent) return;
  if (typeof problem.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(problem.retryAfterSeconds));
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
