/**
 * Which API calls are accesses to case data, and what to call them. The rule: every authenticated
 * call under /v1/ is logged — new routes are logged by default — except
 *  - configuration without case data (on-call rotations, escalation policies),
 *  - provider webhooks and the public status page (no principal: nothing to log against),
 *  - routes that log themselves with finer detail: /v1/privacy/ (subject export and erasure write
 *    one entry each through AccessLogService), /codec/ (one entry per decoded case).
 * The operation logged is the route's row in the role table (@Operation) when it has one; these
 * derived names, `<area>.<action>` from the route pattern (never the concrete URL, which carries
 * case IDs and customer references), are the fallback and mostly agree with it:
 * `GET /v1/tickets/:id` → `tickets.read`, `POST /v1/tickets/:id/reply` → `tickets.reply`,
 * `GET /v1/tickets` → `tickets.list`, `POST /v1/tickets` → `tickets.open`.
 */
export interface RouteAccess {
  operation: string;
  caseKind: string | null;
  /** The route parameter naming the case (`id`), when the route is about one case. */
  caseParam: string | null;
}

// The customer view logs each case it shows itself (customer-view.service.ts): its path names a customer, not a case.
const NOT_CASE_DATA = ['/v1/oncall/', '/v1/escalation-policies', '/v1/privacy/', '/v1/customers/', '/v1/webhooks/', '/v1/status'];

/** The case kind behind each top-level area; areas not listed span cases or hold none (reports, billing credits). */
const CASE_KIND_OF_AREA: Record<string, string> = {
  tickets: 'ticket',
  incidents: 'incident',
  alerts: 'incident',
  takedowns: 'takedown',
  refunds: 'refund',
  disputes: 'dispute',
  dunning: 'dunning',
  'reports.transparency': 'takedown',
};

/** Names that read better than the derived ones. */
const NAMED: Record<string, string> = {
  'GET /v1/access-log': 'accessLog.list',
  'POST /v1/alerts': 'alerts.ingest',
};

export function routeAccess(method: string, routePath: string): RouteAccess | null {
  const path = routePath.replace(/\/+$/, '');
  if (!path.startsWith('/v1/') || NOT_CASE_DATA.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) return null;
  const segments = path.split('/').slice(2);
  const verb = method.toUpperCase();
  const firstParam = segments.findIndex((s) => s.startsWith(':'));
  const area = (firstParam < 0 ? segments : segments.slice(0, firstParam)).join('.');
  const caseKind = CASE_KIND_OF_AREA[area] ?? CASE_KIND_OF_AREA[segments[0]] ?? null;
  const named = NAMED[`${verb} ${path}`];
  if (named) return { operation: named, caseKind, caseParam: null };

  if (firstParam < 0) {
    // A collection of cases (`tickets`) is listed or opened; anything else (`reports.transparency`,
    // `billing.sla-credits.settle`) is named by its path.
    if (segments.length === 1) return { operation: `${area}.${verb === 'GET' ? 'list' : verb === 'POST' ? 'open' : verb.toLowerCase()}`, caseKind, caseParam: null };
    return { operation: area, caseKind, caseParam: null };
  }
  const action = segments.slice(firstParam + 1).filter((s) => !s.startsWith(':')).join('.');
  const operation = `${area}.${action || (verb === 'GET' ? 'read' : verb.toLowerCase())}`;
  return { operation, caseKind, caseParam: segments[firstParam].slice(1) };
}
