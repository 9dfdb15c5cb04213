import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * PagerDuty's Events API v2 as a receiver sees it: POST /v2/enqueue, 202 for a valid event, 400
 * "invalid event" naming what is wrong, and alerts kept by dedup_key. A trigger for an alert that
 * is still open only adds an event to it; after a resolve, the same key opens a new one.
 */
export type FakeAlertState = 'triggered' | 'acknowledged' | 'resolved';

export interface FakeAlert {
  dedupKey: string;
  state: FakeAlertState;
  summary: string;
  severity: string;
  source: string;
  /** Events that reached this alert (triggers, acknowledges, resolves). */
  eventCount: number;
  /** How many times this key opened an alert (a trigger after resolve opens another). */
  openings: number;
}

export interface ReceivedEvent {
  /** The parsed body; null when it was not JSON. */
  body: Record<string, unknown> | null;
  /** What the fake answered. */
  status: number;
}

export interface PagerDutyFake {
  url: string;
  /** A routing key of the right shape (32 characters). */
  routingKey: string;
  /** Every request, failed and invalid ones included, in arrival order. */
  received: ReceivedEvent[];
  incidents(): Map<string, FakeAlert>;
  /** Answer the next n requests with this status (500, 429, …) to test retries. */
  failNext(n: number, status?: number): void;
  /**
   * Process the next n events at once but hold their answers for `ms`: the sender's view of a
   * page cut off mid-flight (PagerDuty has the alert; the sender never heard back).
   */
  delayAnswers(n: number, ms: number): void;
  close(): Promise<void>;
}

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

export async function startPagerDutyFake(): Promise<PagerDutyFake> {
  const received: ReceivedEvent[] = [];
  const alerts = new Map<string, FakeAlert>();
  let generated = 0;
  let failures = 0;
  let failStatus = 500;
  let delayed = 0;
  let delayMs = 0;

  const answer = (raw: Record<string, unknown> | null, status: number, json: Record<string, unknown>) => {
    received.push({ body: raw, status });
    return { status, json };
  };

  const handle = (method: string | undefined, path: string | undefined, text: string) => {
    const body = parseObject(text);
    if (failures > 0) {
      failures--;
      return failStatus === 429
        ? answer(body, 429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' })
        : answer(body, failStatus, { status: 'error', message: 'Internal error' });
    }
    if (method !== 'POST' || path !== '/v2/enqueue') return answer(body, 404, { status: 'not found', message: 'Not Found' });
    if (body === null) return answer(null, 400, invalid(['Event object is not valid JSON']));
    const errors = validate(body);
    if (errors.length > 0) return answer(body, 400, invalid(errors));

    const action = body.event_action as string;
    const dedupKey = typeof body.dedup_key === 'string' && body.dedup_key !== '' ? body.dedup_key : `fake-${++generated}`;
    const alert = alerts.get(dedupKey);
    if (action === 'trigger') {
      const payload = body.payload as Record<string, unknown>;
      if (alert && alert.state !== 'resolved') {
        alert.eventCount++;
      } else {
        alerts.set(dedupKey, {
          dedupKey,
          state: 'triggered',
          summary: String(payload.summary),
          severity: String(payload.severity),
          source: String(payload.source),
          eventCount: 1,
          openings: (alert?.openings ?? 0) + 1,
        });
      }
    } else if (alert) {
      // Like PagerDuty: acknowledging a resolved alert changes nothing; unknown keys are dropped.
      alert.eventCount++;
      if (action === 'resolve') alert.state = 'resolved';
      else if (alert.state === 'triggered') alert.state = 'acknowledged';
    }
    return answer(body, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const { status, json } = handle(req.method, req.url, text);
      const send = () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (delayed > 0) {
        delayed--;
        setTimeout(send, delayMs).unref();
      } else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routingKey: 'R0UT1NGKEYF0RTHEFAKEPAGERDUTY000',
    received,
    incidents: () => new Map([...alerts].map(([k, a]) => [k, { ...a }])),
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    delayAnswers(n, ms) {
      delayed = n;
      delayMs = ms;
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections(); // fetch keeps connections alive; do not wait them out
      }),
  };
}

function invalid(errors: string[]): Record<string, unknown> {
  return { status: 'invalid event', message: 'Event object is invalid', errors };
}

function validate(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (typeof body.event_action !== 'string' || !ACTIONS.includes(body.event_action)) errors.push("'event_action' is invalid (must be one of trigger, acknowledge, resolve)");
  if (body.event_action !== 'trigger') {
    if (ACTIONS.includes(String(body.event_action)) && (typeof body.dedup_key !== 'string' || body.dedup_key === '')) errors.push("'dedup_key' is missing or blank");
    return errors;
  }
  const payload = parseObjectValue(body.payload);
  if (!payload) return [...errors, "'payload' is missing or not an object"];
  for (const field of ['summary', 'source', 'severity']) {
    if (typeof payload[field] !== 'string' || payload[field] === '') errors.push(`'payload.${field}' is missing or blank`);
  }
  if (typeof payload.severity === 'string' && payload.severity !== '' && !SEVERITIES.includes(payload.severity)) {
    errors.push("'payload.severity' is invalid (must be one of critical, error, warning, info)");
  }
  if (typeof payload.summary === 'string' && payload.summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
  return errors;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    return parseObjectValue(JSON.parse(text));
  } catch {
    return null;
  }
}

function parseObjectValue(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
