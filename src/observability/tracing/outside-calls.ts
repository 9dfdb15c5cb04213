import { context, isSpanContextValid, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { core } from '@opentelemetry/sdk-node';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { AppConfig } from '../../config/config.schema';
import { OUTSIDE_SYSTEM_ATTRIBUTE } from './span-attributes';

type OutsideConfig = Partial<Pick<AppConfig, 'PAGERDUTY_EVENTS_URL' | 'STRIPE_API_BASE' | 'NOTIFY_WEBHOOK_URL' | 'CRM_WEBHOOK_URL' | 'BACKLOG_WEBHOOK_URL' | 'PLAYBACK_DIAGNOSTICS_URL'>>;

/** What undici (fetch) publishes about a request; only the fields read here. */
interface UndiciRequest {
  origin: string | URL;
  method: string;
  path: string;
}

const tracer = () => trace.getTracer('caseworks-outside-calls');

/**
 * A client span around every HTTP call the adapters make (src/integrations: PagerDuty and the
 * webhooks through fetch, Stripe through node:http), from the diagnostics channels Node and
 * undici publish — so no adapter carries tracing code. Only calls made inside a traced operation
 * (an activity, an API request) get one; the span says which outside system (matched on the
 * configured URLs), the method, host and status, never the path or query (they may carry
 * customer references) nor any header. Returns the unsubscribe.
 */
export function traceOutsideCalls(config: OutsideConfig): () => void {
  const systemOf = outsideSystems(config);
  const spans = new WeakMap<object, Span>();

  const start = (request: object, method: string, url: URL) => {
    const parent = context.active();
    // The exporter's own calls run with tracing suppressed; a call outside any traced operation is not followed.
    const within = trace.getSpan(parent)?.spanContext();
    if (core.isTracingSuppressed(parent) || !within || !isSpanContextValid(within)) return;
    const system = systemOf(url);
    const span = tracer().startSpan(`${method} ${system}`, {
      kind: SpanKind.CLIENT,
      attributes: { [OUTSIDE_SYSTEM_ATTRIBUTE]: system, 'http.request.method': method, 'server.address': url.hostname, 'server.port': portOf(url) },
    }, parent);
    spans.set(request, span);
  };
  const end = (request: object, status: number | undefined, error?: unknown) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (error !== undefined || (status !== undefined && status >= 400)) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error === undefined ? `HTTP ${status}` : errorName(error) });
    }
    span.end();
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    ['undici:request:create', (m) => {
      const { request } = m as { request: UndiciRequest };
      start(request, request.method, new URL(request.path, request.origin));
    }],
    ['undici:request:headers', (m) => {
      const { request, response } = m as { request: object; response: { statusCode: number } };
      end(request, response.statusCode);
    }],
    ['undici:request:error', (m) => {
      const { request, error } = m as { request: object; error: unknown };
      end(request, undefined, error);
    }],
    ['http.client.request.start', (m) => {
      const { request } = m as { request: ClientRequest };
      // The Host header keeps a non-default port (request.host does not).
      const host = request.getHeader('host') ?? request.host;
      start(request, request.method, new URL(request.path, `${request.protocol}//${String(host)}`));
      // A refused connection or a timeout closes the request with no response: that ends the span
      // too. (No 'error' listener here: it would change what an unhandled request error does.)
      request.once('close', () => {
        if (!(request as ClientRequest & { res?: IncomingMessage }).res) end(request, undefined, new Error('no response'));
      });
    }],
    ['http.client.response.finish', (m) => {
      const { request, response } = m as { request: ClientRequest; response: IncomingMessage };
      end(request, response.statusCode);
    }],
  ];
  for (const [name, onMessage] of subscriptions) diagnostics.subscribe(name, onMessage);
  return () => {
    for (const [name, onMessage] of subscriptions) diagnostics.unsubscribe(name, onMessage);
  };
}

/** The configured outside services, longest URL first (two may share a host); anything else is named by its host. */
function outsideSystems(config: OutsideConfig): (url: URL) => string {
  const known = (
    [
      ['pagerduty', config.PAGERDUTY_EVENTS_URL],
      ['stripe', config.STRIPE_API_BASE],
      ['notify-webhook', config.NOTIFY_WEBHOOK_URL],
      ['crm-webhook', config.CRM_WEBHOOK_URL],
      ['backlog-webhook', config.BACKLOG_WEBHOOK_URL],
      ['playback-diagnostics', config.PLAYBACK_DIAGNOSTICS_URL],
    ].filter((entry): entry is [string, string] => entry[1] !== undefined) as [string, string][]
  )
    .map(([name, url]) => [name, withoutQuery(new URL(url))] as const)
    .sort((a, b) => b[1].length - a[1].length);
  return (url) => known.find(([, prefix]) => withoutQuery(url).startsWith(prefix))?.[0] ?? url.hostname;
}

function withoutQuery(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/** The error's class only: messages may quote what was sent. */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
