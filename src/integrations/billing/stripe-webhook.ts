import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Stripe webhooks: signature check and the few events the billing workflows wait for. Done with
 * node:crypto rather than the stripe package so the check is small enough to read: the header is
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several v1 while a secret
 * is being rolled). The body must be the raw bytes as received: re-serialized JSON will not match.
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

export class WebhookPayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'WebhookPayloadError';
  }
}

/** The header value Stripe would send for this body at time t (unix seconds). For tests and fakes. */
export function signStripePayload(secret: string, body: string | Buffer, t: number): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** Epoch ms; defaults to the system clock. */
  now?: number;
}

/**
 * Throws WebhookSignatureError unless one v1 signature matches and t is within the tolerance of
 * now (either way: a timestamp from the future is as suspect as a stale one).
 */
export function verifyStripeSignature(rawBody: string | Buffer, header: string | undefined, secret: string, options: VerifyOptions = {}): void {
  if (!header) throw new WebhookSignatureError('missing Stripe-Signature header');
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value ?? '')) t = Number(value);
    if (key === 'v1' && value) signatures.push(value);
  }
  if (t === null) throw new WebhookSignatureError('Stripe-Signature has no timestamp');
  if (signatures.length === 0) throw new WebhookSignatureError('Stripe-Signature has no v1 signature');

  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - t) > tolerance) throw new WebhookSignatureError(`timestamp ${t} is outside the ${tolerance} s tolerance`);

  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  // Compare every candidate in full: stopping at the first match would leak timing about the others.
  let matched = false;
  for (const sig of signatures) {
    const given = Buffer.from(sig, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new WebhookSignatureError('no v1 signature matches the payload');
}

function hmac(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret)
    .update(`${t}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('hex');
}

// ── Events ─────────────────────────────────────────────────────────────────────────────────────

const id = z.string().min(1);
// Expandable references arrive as an ID or, when expanded, as the object.
const ref = z.union([id, z.object({ id }).passthrough()]).transform((r) => (typeof r === 'string' ? r : r.id));
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((c) => c.toUpperCase());
const minor = z.number().int().nonnegative();

const disputeObject = z
  .object({
    id,
    object: z.literal('dispute'),
    charge: ref.nullable(),
    amount: minor,
    currency,
    reason: z.string(),
    status: z.string(),
    evidence_details: z.object({ due_by: z.number().int().nullable().optional() }).passthrough().optional(),
  })
  .passthrough()
  .transform((d) => ({
    id: d.id,
    chargeId: d.charge,
    amountMinor: d.amount,
    currency: d.currency,
    reason: d.reason,
    status: d.status,
    dueBy: typeof d.evidence_details?.due_by === 'number' ? d.evidence_details.due_by * 1000 : null,
  }));

const refundObject = z
  .object({
    id,
    object: z.literal('refund'),
    charge: ref.nullable().optional(),
    amount: minor,
    currency,
    status: z.string().nullable(),
    failure_reason: z.string().nullable().optional(),
    metadata: z.record(z.string()).nullable().optional(),
  })
  .passthrough()
  .transform((r) => ({
    id: r.id,
    chargeId: r.charge ?? null,
    amountMinor: r.amount,
    currency: r.currency,
    status: r.status ?? 'pending',
    failureReason: r.failure_reason ?? null,
    metadata: r.metadata ?? {},
  }));

const invoiceObject = z
  .object({
    id,
    object: z.literal('invoice'),
    customer: ref.nullable().optional(),
    // Before API 2025-03-31 the subscription is top level; from then on under parent.
    subscription: ref.nullable().optional(),
    parent: z
      .object({ subscription_details: z.object({ subscription: ref.nullable().optional() }).passthrough().nullable().optional() })
      .passthrough()
      .nullable()
      .optional(),
    amount_due: minor,
    amount_paid: minor,
    currency,
    attempt_count: z.number().int().nonnegative().optional(),
    next_payment_attempt: z.number().int().nullable().optional(),
    // Stripe's hosted page where the customer pays the invoice with a new card.
    hosted_invoice_url: z.string().nullable().optional(),
  })
  .passthrough()
  .transform((i) => ({
    id: i.id,
    customerId: i.customer ?? null,
    subscriptionId: i.subscription ?? i.parent?.subscription_details?.subscription ?? null,
    amountDueMinor: i.amount_due,
    amountPaidMinor: i.amount_paid,
    currency: i.currency,
    attemptCount: i.attempt_count ?? 0,
    nextPaymentAttemptAt: typeof i.next_payment_attempt === 'number' ? i.next_payment_attempt * 1000 : null,
    hostedInvoiceUrl: hostedInvoiceUrl(i.hosted_invoice_url),
  }));

/** Only an http(s) URL of sane length goes into a customer message; anything else is dropped. */
export function hostedInvoiceUrl(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length > 2000) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

const envelope = z
  .object({
    id,
    object: z.literal('event'),
    type: z.string().min(1),
    created: z.number().int(),
    livemode: z.boolean().optional(),
    data: z.object({ object: z.unknown() }).passthrough(),
  })
  .passthrough();

export type WebhookDispute = z.output<typeof disputeObject>;
export type WebhookRefund = z.output<typeof refundObject>;
export type WebhookInvoice = z.output<typeof invoiceObject>;

interface EventBase {
  /** Stripe's event ID (evt_…): deliveries repeat, so handlers de-duplicate on it. */
  eventId: string;
  /** Epoch ms. */
  created: number;
}

export type StripeWebhookEvent =
  | (EventBase & { type: 'charge.dispute.created' | 'charge.dispute.closed'; dispute: WebhookDispute })
  | (EventBase & { type: 'refund.updated' | 'charge.refund.updated'; refund: WebhookRefund })
  | (EventBase & { type: 'invoice.payment_failed' | 'invoice.paid'; invoice: WebhookInvoice })
  /** Any other type: acknowledge with 2xx so Stripe stops retrying, and do nothing. */
  | (EventBase & { type: 'ignored'; eventType: string });

/** Parses an already verified event body: the raw string or Buffer, or JSON parsed already. */
export function parseStripeEvent(body: unknown): StripeWebhookEvent {
  const json = typeof body === 'string' ? parseJson(body) : Buffer.isBuffer(body) ? parseJson(body.toString('utf8')) : body;
  const event = parse(envelope, json, '');
  const base: EventBase = { eventId: event.id, created: event.created * 1000 };
  switch (event.type) {
    case 'charge.dispute.created':
    case 'charge.dispute.closed':
      return { ...base, type: event.type, dispute: parse(disputeObject, event.data.object, 'data.object') };
    case 'refund.updated':
    case 'charge.refund.updated':
      return { ...base, type: event.type, refund: parse(refundObject, event.data.object, 'data.object') };
    case 'invoice.payment_failed':
    case 'invoice.paid':
      return { ...base, type: event.type, invoice: parse(invoiceObject, event.data.object, 'data.object') };
    default:
      return { ...base, type: 'ignored', eventType: event.type };
  }
}

/** Verify, then parse: what a webhook controller calls with the raw body and the header. */
export function constructStripeEvent(rawBody: string | Buffer, header: string | undefined, secret: string, options: VerifyOptions = {}): StripeWebhookEvent {
  verifyStripeSignature(rawBody, header, secret, options);
  return parseStripeEvent(rawBody);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookPayloadError('(body)', 'not JSON');
  }
}

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown, prefix: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as z.output<T>;
  const issue = parsed.error.issues[0];
  const field = [prefix, ...issue.path].filter((p) => p !== '').join('.') || '(body)';
  throw new WebhookPayloadError(field, issue.message);
}
