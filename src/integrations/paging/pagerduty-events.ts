import { z } from 'zod';

/** What the incident workflow asks a pager to do; one implementation per paging provider. */
export interface PagingAdapter {
  trigger(page: Page): Promise<PageResult>;
  acknowledge(dedupKey: string): Promise<PageResult>;
  resolve(dedupKey: string): Promise<PageResult>;
}

export interface Page {
  /** pageDedupKey(incidentId, step): a retried activity reuses it, so no second alert opens. */
  dedupKey: string;
  summary: string;
  /** The affected system, e.g. the service host or monitor name. */
  source: string;
  /** Incident priority (P1…P4, S1…S4); mapped to a PagerDuty severity. */
  priority: string;
  component?: string;
  group?: string;
  class?: string;
  details?: Record<string, unknown>;
  /** Link back to the incident in Caseworks, shown to the responder. */
  clientUrl?: string;
}

export interface PageResult {
  status: string;
  dedupKey: string;
  message: string;
}

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export function pagerDutySeverity(priority: string): PagerDutySeverity {
  switch (priority) {
    case 'P1':
    case 'S1':
      return 'critical';
    case 'P2':
    case 'S2':
      return 'error';
    case 'P3':
      return 'warning';
    default:
      return 'info';
  }
}

export function pageDedupKey(incidentId: string, step: number): string {
  return `${incidentId}:page:${step}`;
}

/**
 * PagerDuty refused the event as malformed; sending it again cannot succeed. Temporal turns a
 * thrown Error into a retryable failure whatever its properties, so the activity's retry policy
 * must list this class in `nonRetryableErrorTypes` (or wrap it in ApplicationFailure.nonRetryable).
 */
export class PagingRejectedError extends Error {
  readonly nonRetryable = true;
  constructor(
    readonly status: number,
    message: string,
    readonly errors: string[] = [],
  ) {
    super(message);
    this.name = 'PagingRejectedError';
  }
}

/** Throttled, down or unreachable: worth retrying with the same dedup key. */
export class PagingUnavailableError extends Error {
  constructor(
    readonly status: number | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PagingUnavailableError';
  }
}

const accepted = z.object({ status: z.string(), message: z.string(), dedup_key: z.string().min(1) });
const refused = z.object({ message: z.string().optional(), errors: z.array(z.string()).optional() });

const SUMMARY_MAX = 1024; // PagerDuty rejects longer summaries with a 400

export interface PagerDutyEventsOptions {
  /** https://events.pagerduty.com, or a fake in tests. */
  baseUrl: string;
  routingKey: string;
  timeoutMs?: number;
  /** Shown in PagerDuty as the sender. */
  client?: string;
}

/** PagerDuty Events API v2: POST {baseUrl}/v2/enqueue; success is 202. */
export class PagerDutyEventsAdapter implements PagingAdapter {
  // A private field: logging or inspecting the adapter never shows the routing key.
  readonly #routingKey: string;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly client: string;

  constructor(options: PagerDutyEventsOptions) {
    this.#routingKey = options.routingKey;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/v2/enqueue`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.client = options.client ?? 'Caseworks';
  }

  trigger(page: Page): Promise<PageResult> {
    return this.send({
      event_action: 'trigger',
      dedup_key: page.dedupKey,
      payload: {
        summary: page.summary.length > SUMMARY_MAX ? `${page.summary.slice(0, SUMMARY_MAX - 1)}…` : page.summary,
        source: page.source,
        severity: pagerDutySeverity(page.priority),
        component: page.component,
        group: page.group,
        class: page.class,
        custom_details: page.details,
      },
      client: this.client,
      client_url: page.clientUrl,
    });
  }

  acknowledge(dedupKey: string): Promise<PageResult> {
    return this.send({ event_action: 'acknowledge', dedup_key: dedupKey });
  }

  resolve(dedupKey: string): Promise<PageResult> {
    return this.send({ event_action: 'resolve', dedup_key: dedupKey });
  }

  private async send(event: Record<string, unknown>): Promise<PageResult> {
    const action = String(event.event_action);
    const body = JSON.stringify({ routing_key: this.#routingKey, ...event });
    let res: Response;
    try {
      res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new PagingUnavailableError(null, `PagerDuty ${action} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await res.text();
    if (res.status === 202) {
      const ok = accepted.safeParse(safeJson(text));
      // Accepted but unreadable: retrying with the same dedup key is harmless.
      if (!ok.success) throw new PagingUnavailableError(res.status, `PagerDuty ${action}: 202 with an unexpected body`);
      return { status: ok.data.status, dedupKey: ok.data.dedup_key, message: ok.data.message };
    }
    const why = refused.safeParse(safeJson(text));
    const detail = why.success ? [why.data.message, ...(why.data.errors ?? [])].filter(Boolean).join('; ') : '';
    const message = `PagerDuty ${action} answered ${res.status}${detail ? `: ${detail}` : ''}`;
    if (res.status === 429 || res.status === 408 || res.status >= 500) throw new PagingUnavailableError(res.status, message);
    // 400 and the other 4xx (bad URL, forbidden): the same request will be refused again.
    if (res.status >= 400) throw new PagingRejectedError(res.status, message, why.success ? (why.data.errors ?? []) : []);
    throw new PagingUnavailableError(res.status, message);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
