import { Injectable, NestMiddleware } from '@nestjs/common';
import { context, createContextKey, propagation, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { CASE_ID_ATTRIBUTE, caseIdOf } from './span-attributes';

/** The request's server span, kept in the context so a Temporal call deep inside can name the case on it. */
const REQUEST_SPAN = createContextKey('caseworks.request-span');

/**
 * A server span per API request, from the first middleware to the response: `<METHOD> <route
 * pattern>` (`POST /v1/tickets`, `GET /v1/tickets/:id`), the status, and the case ID where the
 * request names or opens one. Never the raw path or query (customer references), a header or the
 * body. A caller's `traceparent` header is honoured, so a trace can start upstream.
 */
@Injectable()
export class HttpServerSpanMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const parent = propagation.extract(context.active(), req.headers);
    const span = trace.getTracer('caseworks-api').startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    if (!span.isRecording()) return next();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      finishRequestSpan(span, req, res);
    };
    res.once('finish', end);
    // A client that hangs up before the answer: the span still ends.
    res.once('close', end);
    context.with(trace.setSpan(parent, span).setValue(REQUEST_SPAN, span), next);
  }
}

function finishRequestSpan(span: Span, req: Request, res: Response): void {
  // Express sets req.route once a route matched; its path is the pattern, not the request's path.
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') {
    const pattern = `${req.baseUrl}${route}`;
    span.updateName(`${req.method} ${pattern}`);
    span.setAttribute('http.route', pattern);
  }
  const caseId = caseIdOf(typeof req.params?.id === 'string' ? req.params.id : undefined);
  if (caseId) span.setAttribute(CASE_ID_ATTRIBUTE, caseId);
  span.setAttribute('http.response.status_code', res.statusCode);
  if (!res.writableFinished) span.setAttribute('caseworks.client_aborted', true);
  if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${res.statusCode}` });
  span.end();
}

/** Names the case on the request being handled (a create learns its case ID only when it starts the workflow). */
export function markRequestCase(caseId: string): void {
  (context.active().getValue(REQUEST_SPAN) as Span | undefined)?.setAttribute(CASE_ID_ATTRIBUTE, caseId);
}
