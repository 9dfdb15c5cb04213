import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import { cardBrand, cardLast4, refundTraceNumber } from '../../domain/billing/card-facts';
import { DisputeEvidence, threeDSecureResult, ThreeDSecureResult } from '../../domain/billing/dispute';

/**
 * What the billing activities ask of a payment provider. Agents see transaction IDs,
 * authorization codes, last four digits and dispute status through it, never a card number.
 * Amounts are integer minor units; currencies are upper-case ISO codes on our side.
 */
export interface BillingGateway {
  createRefund(request: CreateRefundRequest): Promise<GatewayRefund>;
  getRefund(refundId: string): Promise<GatewayRefund>;
  /** The refunds made on a charge, newest first (failed and canceled ones included). */
  listRefunds(chargeId: string): Promise<GatewayRefund[]>;
  getCharge(chargeId: string): Promise<GatewayCharge>;
  getDispute(disputeId: string): Promise<GatewayDispute>;
  /** Stages the evidence; with submit=true also sends it to the card network (no edits after). */
  submitDisputeEvidence(disputeId: string, evidence: DisputeEvidence, submit: boolean): Promise<GatewayDispute>;
  /** Accepts the chargeback: the cardholder keeps the money. */
  closeDispute(disputeId: string): Promise<GatewayDispute>;
  cancelSubscription(subscriptionId: string): Promise<GatewaySubscription>;
  /** A credit to the customer's balance against their latest paid invoice; once per idempotency key. */
  issueCreditNote(request: CreditNoteRequest): Promise<GatewayCreditNote>;
}

export interface CreditNoteRequest {
  /** The customer at the gateway (Stripe: cus_…). */
  customerId: string;
  amountMinor: number;
  currency: string;
  memo: string;
  /** Must hold `sla_credit_key`: how a credit note is found again after the gateway forgot the idempotency key. */
  metadata: Record<string, string> & { sla_credit_key: string };
  idempotencyKey: string;
}

export interface GatewayCreditNote {
  id: string;
  invoiceId: string | null;
  amountMinor: number;
  currency: string;
}

export type RefundTarget = { chargeId: string; paymentIntentId?: never } | { paymentIntentId: string; chargeId?: never };

export type CreateRefundRequest = RefundTarget & {
  amountMinor: number;
  /** When given, the provider refuses a refund in another currency than the charge's. */
  currency?: string;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer';
  /** Must hold `caseId`: how the case's refund is found again after the gateway forgot the idempotency key. */
  metadata: Record<string, string> & { caseId: string };
  /** refundIdempotencyKey(caseId): a retry returns the first refund instead of a second one. */
  idempotencyKey: string;
};

export type GatewayRefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface GatewayRefund {
  id: string;
  chargeId: string | null;
  status: GatewayRefundStatus;
  failureReason: string | null;
  amountMinor: number;
  currency: string;
  /** The acquirer reference number (ARN) once the card network has it; null until then. */
  traceNumber: string | null;
}

export interface GatewayCharge {
  /** The transaction ID agents quote. */
  id: string;
  paymentIntentId: string | null;
  amountMinor: number;
  amountRefundedMinor: number;
  currency: string;
  authorizationCode: string | null;
  /** The card network's brand (visa, mastercard…) and the last four digits: all an agent sees of a card. */
  brand: string | null;
  last4: string | null;
  disputed: boolean;
  /**
   * The 3-D Secure outcome of the payment (Stripe: payment_method_details.card.three_d_secure.result);
   * null when the payment did not use 3-D Secure or the value is one we do not know.
   */
  threeDSecure: ThreeDSecureResult | null;
}

export interface GatewayDispute {
  id: string;
  chargeId: string | null;
  /** Stripe's own status (needs_response, under_review, won, lost, warning_*). */
  status: string;
  amountMinor: number;
  currency: string;
  reason: string;
  /** Epoch ms; null when the network gave no deadline. */
  dueBy: number | null;
  submissionCount: number;
}

export interface GatewaySubscription {
  id: string;
  status: string;
}

/**
 * The provider refused the request as it stands (declined, invalid, over-refund, reused
 * idempotency key, bad credentials); sending it again cannot succeed. Temporal retries any thrown
 * Error, so the activity's retry policy lists this class in `nonRetryableErrorTypes`.
 */
export class GatewayRejectedError extends Error {
  readonly nonRetryable = true;
  constructor(
    readonly status: number | null,
    readonly code: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayRejectedError';
  }
}

/** Down, throttled, conflicting with a concurrent request or unreachable: retry with the same key. */
export class GatewayUnavailableError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayUnavailableError';
  }
}

export interface StripeGatewayOptions {
  apiKey: string;
  /** https://api.stripe.com, or a local fake (http://127.0.0.1:port). */
  baseUrl?: string;
  timeoutMs?: number;
}

/** Pinned so a library upgrade never changes response shapes underneath us. */
const API_VERSION = '2025-02-24.acacia';

export class StripeGateway implements BillingGateway {
  // A private field: logging or inspecting the gateway never shows the client and its key.
  readonly #stripe: Stripe;

  constructor(options: StripeGatewayOptions) {
    const url = new URL(options.baseUrl ?? 'https://api.stripe.com');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Stripe base URL must be http(s), got ${url.protocol}`);
    if (url.pathname !== '/' || url.search) throw new Error('Stripe base URL must not carry a path or query: the client adds /v1/…');
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    this.#stripe = new Stripe(options.apiKey, {
      apiVersion: API_VERSION,
      host: url.hostname,
      port: url.port || (protocol === 'https' ? 443 : 80),
      protocol,
      // Temporal owns retries (with backoff, visible in history); the client must not add its own.
      maxNetworkRetries: 0,
      timeout: options.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: 'caseworks' },
    });
  }

  async createRefund(request: CreateRefundRequest): Promise<GatewayRefund> {
    if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) {
      throw new GatewayRejectedError(null, 'amount_invalid', `refund amount must be a positive whole number of minor units, got ${request.amountMinor}`);
    }
    // Stripe keeps idempotency keys about 24 h. A refund retried later (a worker down that long
    // after Stripe acted) would be a second refund, or an over-refund refused although the money
    // moved; so the charge's refunds are searched for this case's first. Whatever its status, it is
    // the answer the key would have replayed. Within the 24 h the key alone also covers a lost answer.
    const target = request.chargeId !== undefined ? { charge: request.chargeId } : { payment_intent: request.paymentIntentId };
    const existing = await this.call('list refunds', () => this.#stripe.refunds.list({ ...target, limit: 100 }).autoPagingToArray({ limit: 10_000 }));
    const found = existing.find((r) => r.metadata?.caseId === request.metadata.caseId);
    if (found) {
      // As Stripe answers a reused key: the same case asking for a different refund is refused.
      if (found.amount !== request.amountMinor || (request.currency !== undefined && found.currency !== request.currency.toLowerCase())) {
        throw new GatewayRejectedError(400, 'idempotency_error', `refund ${found.id} of case ${request.metadata.caseId} was made with other parameters (${found.amount} ${found.currency}); requests for a case can only be repeated with the same parameters`);
      }
      return toRefund(found);
    }
    const params: Stripe.RefundCreateParams = {
      ...target,
      amount: request.amountMinor,
      ...(request.currency !== undefined ? { currency: request.currency.toLowerCase() } : {}),
      reason: request.reason,
      metadata: request.metadata,
    };
    const refund = await this.call('create refund', () => this.#stripe.refunds.create(params, { idempotencyKey: request.idempotencyKey }));
    return toRefund(refund);
  }

  async getRefund(refundId: string): Promise<GatewayRefund> {
    return toRefund(await this.call('get refund', () => this.#stripe.refunds.retrieve(refundId)));
  }

  async listRefunds(chargeId: string): Promise<GatewayRefund[]> {
    const refunds = await this.call('list refunds', () => this.#stripe.refunds.list({ charge: chargeId, limit: 100 }).autoPagingToArray({ limit: 10_000 }));
    return refunds.map(toRefund);
  }

  async getCharge(chargeId: string): Promise<GatewayCharge> {
    const charge = await this.call('get charge', () => this.#stripe.charges.retrieve(chargeId));
    const card = charge.payment_method_details?.card;
    return {
      id: charge.id,
      paymentIntentId: idOf(charge.payment_intent),
      amountMinor: charge.amount,
      amountRefundedMinor: charge.amount_refunded,
      currency: charge.currency.toUpperCase(),
      // The card's code is the network's; the top-level field is kept by older charges.
      authorizationCode: card?.authorization_code ?? charge.authorization_code ?? null,
      brand: cardBrand(card?.brand),
      last4: cardLast4(card?.last4),
      disputed: charge.disputed,
      threeDSecure: threeDSecureResult(card?.three_d_secure?.result),
    };
  }

  async getDispute(disputeId: string): Promise<GatewayDispute> {
    return toDispute(await this.call('get dispute', () => this.#stripe.disputes.retrieve(disputeId)));
  }

  async submitDisputeEvidence(disputeId: string, evidence: DisputeEvidence, submit: boolean): Promise<GatewayDispute> {
    const params: Stripe.DisputeUpdateParams = { evidence: toStripeEvidence(evidence), submit };
    // Derived from the request itself: a retried activity sends the same key and gets the first answer.
    const key = `dispute-evidence:${disputeId}:${submit ? 'submit' : 'stage'}:${fingerprint(params)}`;
    return toDispute(await this.call('submit dispute evidence', () => this.#stripe.disputes.update(disputeId, params, { idempotencyKey: key })));
  }

  async closeDispute(disputeId: string): Promise<GatewayDispute> {
    return toDispute(await this.call('close dispute', () => this.#stripe.disputes.close(disputeId, {}, { idempotencyKey: `dispute-close:${disputeId}` })));
  }

  /**
   * DELETE carries no idempotency key at Stripe, so a retry after a lost answer finds the
   * subscription already canceled; that counts as done.
   */
  async cancelSubscription(subscriptionId: string): Promise<GatewaySubscription> {
    try {
      const sub = await this.call('cancel subscription', () => this.#stripe.subscriptions.cancel(subscriptionId));
      return { id: sub.id, status: sub.status };
    } catch (err) {
      if (!(err instanceof GatewayRejectedError)) throw err;
      const current = await this.call('get subscription', () => this.#stripe.subscriptions.retrieve(subscriptionId)).catch(() => null);
      if (current?.status === 'canceled') return { id: current.id, status: current.status };
      throw err;
    }
  }

  /**
   * Stripe keeps idempotency keys about 24 h. A credit retried later (a worker down over a weekend)
   * would make a second note, so the customer's notes are searched for this credit first; within
   * the 24 h the key alone also covers a request whose answer was lost.
   */
  async issueCreditNote(request: CreditNoteRequest): Promise<GatewayCreditNote> {
    if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0) {
      throw new GatewayRejectedError(null, 'amount_invalid', `credit amount must be a positive whole number of minor units, got ${request.amountMinor}`);
    }
    const currency = request.currency.toLowerCase();
    const existing = await this.call('list credit notes', () =>
      this.#stripe.creditNotes.list({ customer: request.customerId, limit: 100 }).autoPagingToArray({ limit: 10_000 }),
    );
    const found = existing.find((n) => n.metadata?.sla_credit_key === request.metadata.sla_credit_key && n.status !== 'void');
    if (found) return toCreditNote(found);
    const invoices = await this.call('list invoices', () => this.#stripe.invoices.list({ customer: request.customerId, status: 'paid', limit: 24 }));
    // The newest paid invoice in the credit's currency that still has room for it.
    const invoice = invoices.data.find((i) => i.currency === currency && i.amount_paid - i.post_payment_credit_notes_amount >= request.amountMinor);
    if (!invoice?.id) throw new GatewayRejectedError(null, 'no_invoice', `no paid ${request.currency} invoice of ${request.customerId} can carry a credit of ${request.amountMinor}`);
    const params: Stripe.CreditNoteCreateParams = {
      invoice: invoice.id,
      amount: request.amountMinor,
      // Paid invoice: the credit goes to the customer's balance and reduces their next invoice.
      credit_amount: request.amountMinor,
      memo: request.memo,
      metadata: request.metadata,
    };
    return toCreditNote(await this.call('create credit note', () => this.#stripe.creditNotes.create(params, { idempotencyKey: request.idempotencyKey })));
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      throw gatewayError(operation, err);
    }
  }
}

/**
 * 4xx means "this request, as sent, will not succeed" (card declined, invalid request, over-refund,
 * idempotency key reused with other parameters, bad key) — except 409 (a concurrent request with
 * the same key is still running) and 429 (rate limited), which pass with time, like 5xx and
 * network failures.
 */
export function gatewayError(operation: string, err: unknown): GatewayRejectedError | GatewayUnavailableError {
  if (err instanceof Stripe.errors.StripeError) {
    const status = typeof err.statusCode === 'number' ? err.statusCode : null;
    const code = err.code ?? err.rawType ?? null;
    const message = `Stripe ${operation} failed${status ? ` (${status})` : ''}: ${err.message}`;
    if (status !== null && status >= 400 && status < 500 && status !== 409 && status !== 429) return new GatewayRejectedError(status, code, message, { cause: err });
    return new GatewayUnavailableError(status, code, message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new GatewayUnavailableError(null, null, `Stripe ${operation} failed: ${message}`, { cause: err });
}

const REFUND_STATUSES: Record<string, GatewayRefundStatus> = {
  pending: 'pending',
  // The customer has to do something (e.g. give bank details); not settled yet.
  requires_action: 'pending',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
};

function toRefund(refund: Stripe.Refund): GatewayRefund {
  return {
    id: refund.id,
    chargeId: idOf(refund.charge),
    status: REFUND_STATUSES[refund.status ?? 'pending'] ?? 'pending',
    failureReason: refund.failure_reason ?? null,
    amountMinor: refund.amount,
    currency: refund.currency.toUpperCase(),
    // Stripe puts the ARN on the card destination once the network assigned it (reference_status: available).
    traceNumber: refundTraceNumber(refund.destination_details?.card?.reference),
  };
}

function toCreditNote(note: Stripe.CreditNote): GatewayCreditNote {
  return { id: note.id, invoiceId: idOf(note.invoice), amountMinor: note.amount, currency: note.currency.toUpperCase() };
}

function toDispute(dispute: Stripe.Dispute): GatewayDispute {
  const due = dispute.evidence_details?.due_by;
  return {
    id: dispute.id,
    chargeId: idOf(dispute.charge),
    status: dispute.status,
    amountMinor: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    reason: dispute.reason,
    dueBy: typeof due === 'number' ? due * 1000 : null,
    submissionCount: dispute.evidence_details?.submission_count ?? 0,
  };
}

/**
 * Our checklist onto Stripe's text fields. Stripe's customer_communication and
 * cancellation_policy fields take uploaded file IDs, so the text goes to the *_disclosure and
 * uncategorized_text fields; the transaction and authorization code lead the latter.
 */
export function toStripeEvidence(evidence: DisputeEvidence): Stripe.DisputeUpdateParams.Evidence {
  const text = (v: string | null | undefined) => (v ?? '').trim();
  const summary = [
    ['Transaction ID', text(evidence.transaction_id)],
    ['Authorization code', text(evidence.authorization_code)],
    ['Customer communication', text(evidence.customer_communication)],
    ['Refund issued', text(evidence.refund_issued)],
  ]
    .filter(([, v]) => v !== '')
    .map(([label, v]) => `${label}: ${v}`)
    .join('\n');
  const out: Stripe.DisputeUpdateParams.Evidence = {};
  if (text(evidence.access_log)) out.access_activity_log = text(evidence.access_log);
  if (text(evidence.cancellation_policy)) out.cancellation_policy_disclosure = text(evidence.cancellation_policy);
  if (summary) out.uncategorized_text = summary;
  return out;
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (ref === null || ref === undefined) return null;
  return typeof ref === 'string' ? ref : ref.id;
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
