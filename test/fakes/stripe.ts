import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStripePayload } from '../../src/integrations/billing/stripe-webhook';

/**
 * Stripe's API for exactly the calls StripeGateway makes, answering as Stripe does: form-encoded
 * requests (metadata[case]=…), Bearer sk_test_ keys, `{ error: { type, code, message } }` bodies.
 *
 * State kept like Stripe's: charges (seeded by the test), refunds that start `pending` and move
 * only when the test (or a timer) settles them (with the ARN in destination_details.card once
 * succeeded), pending refunds counting against the charge, disputes with a due_by,
 * subscriptions, invoices and the credit notes against them (never more than was paid). An Idempotency-Key replays the first answer byte for
 * byte; the same key with other parameters is a 400 idempotency_error. Failures injected with
 * failNext stand for a proxy or network fault in front of the API: they are not remembered
 * against the key, so a retry goes through.
 */
export interface StripeJson {
  [key: string]: unknown;
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  idempotencyKey: string | null;
  /** True when the answer was an idempotent replay. */
  replayed: boolean;
  params: StripeJson;
}

export interface SeedCharge {
  id?: string;
  amount: number;
  currency: string;
  authorizationCode?: string | null;
  last4?: string;
  /** The card network, as Stripe names it (visa, mastercard, amex…). */
  brand?: string;
  paymentIntent?: string | null;
  /** Put the code on the charge's top-level authorization_code instead of the card details. */
  topLevelAuthorizationCode?: boolean;
  /**
   * The payment went through 3-D Secure with this result (Stripe's
   * payment_method_details.card.three_d_secure.result); omitted: no 3-D Secure (three_d_secure: null).
   */
  threeDSecure?: 'authenticated' | 'attempt_acknowledged' | 'exempted' | 'failed' | 'not_supported' | 'processing_error';
}

export interface SeedDispute {
  id?: string;
  charge: string;
  amount?: number;
  reason?: string;
  /** Epoch ms. */
  dueBy: number;
}

export interface StripeFake {
  url: string;
  apiKey: string;
  webhookSecret: string;
  requests: FakeRequest[];
  /** Every webhook event the fake emitted, oldest first. */
  events: StripeJson[];
  addCharge(seed: SeedCharge): StripeJson;
  /** Opens a dispute on the charge; returns its charge.dispute.created event. */
  addDispute(seed: SeedDispute): StripeJson;
  addSubscription(id?: string, status?: string): StripeJson;
  /** A finalized invoice of a customer (paid unless said otherwise), newest first in lists. */
  addInvoice(seed: { customer: string; amount: number; currency: string; status?: 'paid' | 'open'; id?: string; subscription?: string }): StripeJson;
  /** A renewal charge failed: the invoice stays open; returns invoice.payment_failed (with hosted_invoice_url, as Stripe sends it). */
  failInvoicePayment(id: string): StripeJson;
  /** The customer paid (e.g. on the hosted page with a new card); returns invoice.paid. */
  payInvoice(id: string): StripeJson;
  invoice(id: string): StripeJson | undefined;
  creditNote(id: string): StripeJson | undefined;
  /** Credit notes created (not replayed) under an idempotency key. */
  creditNotesFor(idempotencyKey: string): number;
  /** Stripe prunes idempotency keys after about 24 hours: forget them all now. */
  forgetIdempotencyKeys(): void;
  charge(id: string): StripeJson | undefined;
  refund(id: string): StripeJson | undefined;
  dispute(id: string): StripeJson | undefined;
  subscription(id: string): StripeJson | undefined;
  /** Refunds created (not replayed) against a charge. */
  refundsFor(chargeId: string): number;
  /**
   * Requests that asked to submit a dispute's evidence (submit=true), replays excluded, whatever
   * the answer: a second submission attempt counts even though Stripe refuses it.
   */
  submissionRequestsFor(disputeId: string): FakeRequest[];
  requestCount(method: string, path: string): number;
  /** Moves a pending refund on; returns its refund.updated event (charge.refund.updated goes to `events` too). */
  settleRefund(id: string, outcome: 'succeeded' | 'failed', failureReason?: string): StripeJson;
  /** The network decided a submitted dispute; returns charge.dispute.closed. */
  resolveDispute(id: string, outcome: 'won' | 'lost'): StripeJson;
  /** Body and Stripe-Signature header as Stripe would POST the event to a webhook endpoint. */
  signedEvent(event: StripeJson, t?: number): { body: string; header: string };
  /** Answer the next n requests (of this method, when given) with this status (500, 429, 502…). */
  failNext(n: number, status?: number, method?: string): void;
  /**
   * Carry out the next request to this path (e.g. '/v1/refunds') but hold the answer for `ms`:
   * Stripe did the work, the caller never heard back (a worker killed mid-request). With a
   * method, only a request of that method is held (GET and POST /v1/credit_notes share a path).
   */
  holdAnswer(path: string, ms: number, method?: string): void;
  close(): Promise<void>;
}

export interface StripeFakeOptions {
  apiKey?: string;
  /** Settle every new refund as succeeded after this long (otherwise only settleRefund moves it). */
  autoSettleAfterMs?: number;
}

const API_VERSION = '2025-02-24.acacia';

interface Answer {
  status: number;
  json: StripeJson;
}

class StripeApiError {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly message: string,
    readonly code?: string,
    readonly param?: string,
  ) {}

  body(): StripeJson {
    return { error: { type: this.type, message: this.message, ...(this.code ? { code: this.code } : {}), ...(this.param ? { param: this.param } : {}) } };
  }
}

const missing = (kind: string, id: string, param: string) => new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);
const invalid = (message: string, code?: string, param?: string) => new StripeApiError(400, 'invalid_request_error', message, code, param);

export async function startStripeFake(options: StripeFakeOptions = {}): Promise<StripeFake> {
  const apiKey = options.apiKey ?? 'sk_test_caseworks_fake_0000000000';
  const webhookSecret = 'whsec_caseworks_fake_secret';
  const charges = new Map<string, StripeJson>();
  const refunds = new Map<string, StripeJson>();
  const disputes = new Map<string, StripeJson>();
  const subscriptions = new Map<string, StripeJson>();
  const refundCounts = new Map<string, number>();
  const invoices = new Map<string, StripeJson>();
  const creditNotes = new Map<string, StripeJson>();
  const creditNoteCounts = new Map<string, number>();
  const idempotent = new Map<string, { method: string; path: string; params: string; answer: Answer }>();
  const requests: FakeRequest[] = [];
  const events: StripeJson[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const seq = new Map<string, number>();
  const instance = Math.random().toString(36).slice(2, 8);
  let failures = 0;
  let failMethod: string | undefined;
  const holds = new Map<string, { ms: number; method?: string }>();
  let failStatus = 500;

  const nextId = (prefix: string) => {
    const n = (seq.get(prefix) ?? 0) + 1;
    seq.set(prefix, n);
    // Like Stripe's, IDs are unique across instances: test files share one database per run.
    return `${prefix}_fake${instance}_${String(n).padStart(6, '0')}`;
  };
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const clone = (o: StripeJson | undefined) => (o ? (JSON.parse(JSON.stringify(o)) as StripeJson) : undefined);

  const emit = (type: string, object: StripeJson, previous?: StripeJson): StripeJson => {
    const event: StripeJson = {
      id: nextId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: nowSeconds(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: clone(object), ...(previous ? { previous_attributes: previous } : {}) },
    };
    events.push(event);
    return clone(event) as StripeJson;
  };

  // ── resources ──────────────────────────────────────────────────────────────────────────────

  const createRefund = (params: StripeJson): Answer => {
    const chargeId = str(params.charge);
    const intentId = str(params.payment_intent);
    if ((chargeId === undefined) === (intentId === undefined)) throw invalid('You must pass either charge or payment_intent, but not both.', 'parameter_missing', 'charge');
    const charge = chargeId !== undefined ? charges.get(chargeId) : [...charges.values()].find((c) => c.payment_intent === intentId);
    if (!charge) throw chargeId !== undefined ? missing('charge', chargeId, 'charge') : missing('payment_intent', intentId as string, 'payment_intent');
    const id = charge.id as string;
    const open = [...disputes.values()].find((d) => d.charge === id && d.status !== 'won');
    if (open) throw invalid(`Charge ${id} has been charged back; cannot issue a refund.`, 'charge_disputed', 'charge');
    const currency = str(params.currency);
    if (currency !== undefined && currency !== charge.currency) throw invalid(`Currency ${currency} does not match the charge's currency ${String(charge.currency)}.`, 'parameter_invalid_string', 'currency');
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    if (remaining <= 0) throw invalid(`Charge ${id} has already been refunded.`, 'charge_already_refunded', 'charge');
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0) throw invalid('Invalid positive integer', 'parameter_invalid_integer', 'amount');
    if (amount > remaining) {
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, 'amount_too_large', 'amount');
    }
    const reason = str(params.reason) ?? null;
    if (reason !== null && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'parameter_invalid_string', 'reason');

    const refund: StripeJson = {
      id: nextId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: id,
      created: nowSeconds(),
      currency: charge.currency,
      // As Stripe shows a card refund: the ARN comes later, when the network has the refund.
      destination_details: { type: 'card', card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' } },
      metadata: isObject(params.metadata) ? params.metadata : {},
      payment_intent: charge.payment_intent,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'pending',
      transfer_reversal: null,
    };
    refunds.set(refund.id as string, refund);
    // Like Stripe: a pending refund already counts against what is left to refund.
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    refundCounts.set(id, (refundCounts.get(id) ?? 0) + 1);
    if (options.autoSettleAfterMs !== undefined) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (refund.status === 'pending') settleRefund(refund.id as string, 'succeeded');
      }, options.autoSettleAfterMs);
      timers.add(timer);
    }
    return { status: 200, json: refund };
  };

  const settleRefund = (id: string, outcome: 'succeeded' | 'failed', failureReason = 'expired_or_canceled_card'): StripeJson => {
    const refund = refunds.get(id);
    if (!refund) throw new Error(`no refund ${id}`);
    if (refund.status !== 'pending') throw new Error(`refund ${id} is ${String(refund.status)}, not pending`);
    refund.status = outcome;
    const card = (refund.destination_details as { card: StripeJson }).card;
    if (outcome === 'succeeded') Object.assign(card, { reference: arnFor(refund.id as string), reference_status: 'available' });
    else card.reference_status = 'unavailable';
    if (outcome === 'failed') {
      refund.failure_reason = failureReason;
      const charge = charges.get(refund.charge as string);
      if (charge) {
        charge.amount_refunded = (charge.amount_refunded as number) - (refund.amount as number);
        charge.refunded = false;
      }
    }
    const event = emit('refund.updated', refund, { status: 'pending' });
    emit('charge.refund.updated', refund, { status: 'pending' });
    return event;
  };

  const updateDispute = (dispute: StripeJson, params: StripeJson): Answer => {
    if (!['needs_response', 'warning_needs_response'].includes(dispute.status as string)) {
      throw invalid(`This dispute is ${String(dispute.status)} and can no longer be updated.`, 'dispute_already_submitted_or_closed');
    }
    const details = dispute.evidence_details as StripeJson;
    if (nowSeconds() > (details.due_by as number)) throw invalid('The deadline to respond to this dispute has passed.', 'dispute_past_due');
    if (params.evidence !== undefined) {
      if (!isObject(params.evidence)) throw invalid('Invalid hash', 'parameter_invalid_hash', 'evidence');
      for (const [key, value] of Object.entries(params.evidence)) {
        if (!Object.hasOwn(dispute.evidence as StripeJson, key)) throw invalid(`Received unknown parameter: evidence[${key}]`, 'parameter_unknown', `evidence[${key}]`);
        (dispute.evidence as StripeJson)[key] = value === '' ? null : value;
      }
      details.has_evidence = Object.values(dispute.evidence as StripeJson).some((v) => v !== null);
    }
    if (params.submit !== undefined && params.submit !== 'true' && params.submit !== 'false') throw invalid('Invalid boolean', 'parameter_invalid_boolean', 'submit');
    if (params.submit === 'true') {
      dispute.status = dispute.status === 'warning_needs_response' ? 'warning_under_review' : 'under_review';
      details.submission_count = (details.submission_count as number) + 1;
    }
    return { status: 200, json: dispute };
  };

  const closeDispute = (dispute: StripeJson): Answer => {
    if (!['needs_response', 'warning_needs_response'].includes(dispute.status as string)) {
      throw invalid(`This dispute is ${String(dispute.status)} and can no longer be closed.`, 'dispute_already_submitted_or_closed');
    }
    dispute.status = dispute.status === 'warning_needs_response' ? 'warning_closed' : 'lost';
    emit('charge.dispute.closed', dispute);
    return { status: 200, json: dispute };
  };

  const createCreditNote = (params: StripeJson, key: string | null): Answer => {
    const invoiceId = str(params.invoice);
    if (invoiceId === undefined) throw invalid('Missing required param: invoice.', 'parameter_missing', 'invoice');
    const invoice = invoices.get(invoiceId);
    if (!invoice) throw missing('invoice', invoiceId, 'invoice');
    if (params.amount === undefined) throw invalid('You must pass either amount or lines.', 'parameter_missing', 'amount');
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0) throw invalid('Invalid positive integer', 'parameter_invalid_integer', 'amount');
    if (invoice.status === 'paid') {
      const parts = ['credit_amount', 'refund_amount', 'out_of_band_amount'].reduce((sum, f) => sum + Number(params[f] ?? 0), 0);
      if (parts !== amount) {
        throw invalid(`The sum of credit amount, refund amount and out of band amount (${parts}) must equal the credit note amount (${amount}).`, 'parameter_invalid_integer', 'amount');
      }
      const room = (invoice.amount_paid as number) - (invoice.post_payment_credit_notes_amount as number);
      if (amount > room) throw invalid(`The credit note amount (${amount}) exceeds the amount remaining on the invoice (${room}).`, 'parameter_invalid_integer', 'amount');
      invoice.post_payment_credit_notes_amount = (invoice.post_payment_credit_notes_amount as number) + amount;
    } else {
      invoice.pre_payment_credit_notes_amount = (invoice.pre_payment_credit_notes_amount as number) + amount;
    }
    const note: StripeJson = {
      id: nextId('cn'),
      object: 'credit_note',
      amount,
      created: nowSeconds(),
      currency: invoice.currency,
      customer: invoice.customer,
      invoice: invoiceId,
      livemode: false,
      memo: str(params.memo) ?? null,
      metadata: isObject(params.metadata) ? params.metadata : {},
      number: `${String(invoice.number)}-CN-${creditNotes.size + 1}`,
      reason: str(params.reason) ?? null,
      status: 'issued',
      type: invoice.status === 'paid' ? 'post_payment' : 'pre_payment',
      voided_at: null,
    };
    creditNotes.set(note.id as string, note);
    if (key) creditNoteCounts.set(key, (creditNoteCounts.get(key) ?? 0) + 1);
    return { status: 200, json: note };
  };

  /** Stripe's list envelope; newest first, as Stripe lists. */
  const list = (url: string, items: StripeJson[], params: StripeJson): Answer => {
    const limit = Math.min(100, Number(params.limit ?? 10));
    const sorted = [...items].reverse();
    const after = str(params.starting_after);
    const from = after ? sorted.findIndex((i) => i.id === after) + 1 : 0;
    const data = sorted.slice(from, from + limit);
    return { status: 200, json: { object: 'list', url, has_more: from + limit < sorted.length, data } };
  };

  const route = (method: string, path: string, params: StripeJson, key: string | null): Answer => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/v1/invoices') {
      const matches = [...invoices.values()].filter((i) => (params.customer === undefined || i.customer === params.customer) && (params.status === undefined || i.status === params.status));
      return list(path, matches, params);
    }
    if (method === 'POST' && path === '/v1/credit_notes') return createCreditNote(params, key);
    if (method === 'GET' && path === '/v1/credit_notes') {
      const matches = [...creditNotes.values()].filter((n) => (params.customer === undefined || n.customer === params.customer) && (params.invoice === undefined || n.invoice === params.invoice));
      return list(path, matches, params);
    }
    if (method === 'GET' && (m = /^\/v1\/credit_notes\/([^/]+)$/.exec(path))) return found(creditNotes.get(m[1]), 'credit_note', m[1]);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params);
    if (method === 'GET' && path === '/v1/refunds') {
      // As Stripe: filtered by charge or payment_intent, newest first.
      const matches = [...refunds.values()].filter((r) => (params.charge === undefined || r.charge === params.charge) && (params.payment_intent === undefined || r.payment_intent === params.payment_intent));
      return list(path, matches, params);
    }
    if (method === 'GET' && (m = /^\/v1\/refunds\/([^/]+)$/.exec(path))) return found(refunds.get(m[1]), 'refund', m[1]);
    if (method === 'GET' && (m = /^\/v1\/charges\/([^/]+)$/.exec(path))) return found(charges.get(m[1]), 'charge', m[1]);
    if ((m = /^\/v1\/disputes\/([^/]+)$/.exec(path))) {
      const dispute = disputes.get(m[1]);
      if (!dispute) throw missing('dispute', m[1], 'dispute');
      if (method === 'GET') return { status: 200, json: dispute };
      if (method === 'POST') return updateDispute(dispute, params);
    }
    if (method === 'POST' && (m = /^\/v1\/disputes\/([^/]+)\/close$/.exec(path))) {
      const dispute = disputes.get(m[1]);
      if (!dispute) throw missing('dispute', m[1], 'dispute');
      return closeDispute(dispute);
    }
    if ((m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = subscriptions.get(m[1]);
      if (!sub) throw missing('subscription', m[1], 'id');
      if (method === 'GET') return { status: 200, json: sub };
      if (method === 'DELETE') {
        if (sub.status === 'canceled') throw invalid(`Subscription ${m[1]} is already canceled.`, 'resource_already_canceled');
        sub.status = 'canceled';
        sub.canceled_at = nowSeconds();
        sub.ended_at = sub.canceled_at;
        return { status: 200, json: sub };
      }
    }
    throw new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  };

  // ── HTTP ───────────────────────────────────────────────────────────────────────────────────

  const handle = (req: IncomingMessage, text: string): Answer & { headers: Record<string, string> } => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const key = header(req, 'idempotency-key');
    const headers: Record<string, string> = { 'request-id': nextId('req'), 'stripe-version': API_VERSION };
    if (key) headers['idempotency-key'] = key;
    const record = (status: number, params: StripeJson, replayed = false) => requests.push({ method, path, status, idempotencyKey: key, replayed, params });

    if (failures > 0 && (failMethod === undefined || failMethod === method)) {
      failures--;
      const type = failStatus === 429 ? 'rate_limit_error' : failStatus >= 500 ? 'api_error' : 'invalid_request_error';
      record(failStatus, {});
      return { status: failStatus, headers, json: { error: { type, message: `Injected failure (${failStatus}).` } } };
    }
    const auth = header(req, 'authorization');
    if (auth !== `Bearer ${apiKey}` || !apiKey.startsWith('sk_test_')) {
      record(401, {});
      return { status: 401, headers, json: new StripeApiError(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****').body() };
    }
    if (method === 'POST' && text !== '' && !(header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      record(400, {});
      return { status: 400, headers, json: invalid('Invalid request: bodies must be application/x-www-form-urlencoded.').body() };
    }
    const raw = method === 'POST' ? text : url.search.slice(1);
    const params = formDecode(raw);

    const fingerprint = JSON.stringify([...new URLSearchParams(raw)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const stored = key && method === 'POST' ? idempotent.get(key) : undefined;
    if (stored) {
      if (stored.method !== method || stored.path !== path || stored.params !== fingerprint) {
        const answer = new StripeApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
        record(400, params);
        return { status: 400, headers, json: answer.body() };
      }
      record(stored.answer.status, params, true);
      return { ...stored.answer, headers: { ...headers, 'idempotent-replayed': 'true' } };
    }

    let answer: Answer;
    try {
      answer = route(method, path, params, key);
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      answer = { status: err.status, json: err.body() };
    }
    // Snapshot: a replay answers what was true then, not the object as it is now.
    answer = { status: answer.status, json: clone(answer.json) as StripeJson };
    if (key && method === 'POST') idempotent.set(key, { method, path, params: fingerprint, answer });
    record(answer.status, params);
    return { ...answer, headers };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void readBody(req).then((text) => {
      const { status, json, headers } = handle(req, text);
      const send = () => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
      const path = (req.url ?? '').split('?')[0];
      const hold = holds.get(path);
      if (hold === undefined || (hold.method !== undefined && hold.method !== req.method)) return send();
      holds.delete(path);
      setTimeout(send, hold.ms).unref();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    webhookSecret,
    requests,
    events,
    addCharge(seed) {
      const id = seed.id ?? nextId('ch');
      const code = seed.authorizationCode === undefined ? '123456' : seed.authorizationCode;
      const charge: StripeJson = {
        id,
        object: 'charge',
        amount: seed.amount,
        amount_captured: seed.amount,
        amount_refunded: 0,
        ...(seed.topLevelAuthorizationCode ? { authorization_code: code } : {}),
        captured: true,
        created: nowSeconds(),
        currency: seed.currency.toLowerCase(),
        disputed: false,
        livemode: false,
        metadata: {},
        paid: true,
        payment_intent: seed.paymentIntent === undefined ? nextId('pi') : seed.paymentIntent,
        payment_method_details: {
          type: 'card',
          card: {
            brand: seed.brand ?? 'visa',
            last4: seed.last4 ?? '4242',
            exp_month: 12,
            exp_year: 2030,
            network: seed.brand ?? 'visa',
            authorization_code: seed.topLevelAuthorizationCode ? null : code,
            // As Stripe shows it: null without 3-D Secure, otherwise the authentication's outcome.
            three_d_secure:
              seed.threeDSecure === undefined
                ? null
                : {
                    authentication_flow: seed.threeDSecure === 'authenticated' ? 'challenge' : null,
                    electronic_commerce_indicator: seed.threeDSecure === 'authenticated' ? '05' : seed.threeDSecure === 'attempt_acknowledged' ? '06' : '07',
                    exemption_indicator: null,
                    result: seed.threeDSecure,
                    result_reason: seed.threeDSecure === 'failed' ? 'rejected' : null,
                    transaction_id: `3ds_${id}`,
                    version: '2.2.0',
                  },
          },
        },
        refunded: false,
        status: 'succeeded',
      };
      charges.set(id, charge);
      return clone(charge) as StripeJson;
    },
    addDispute(seed) {
      const charge = charges.get(seed.charge);
      if (!charge) throw new Error(`no charge ${seed.charge}`);
      const dispute: StripeJson = {
        id: seed.id ?? nextId('dp'),
        object: 'dispute',
        amount: seed.amount ?? charge.amount,
        charge: seed.charge,
        created: nowSeconds(),
        currency: charge.currency,
        evidence: Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])),
        evidence_details: { due_by: Math.floor(seed.dueBy / 1000), has_evidence: false, past_due: false, submission_count: 0 },
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        payment_intent: charge.payment_intent,
        reason: seed.reason ?? 'subscription_canceled',
        status: 'needs_response',
      };
      disputes.set(dispute.id as string, dispute);
      charge.disputed = true;
      return emit('charge.dispute.created', dispute);
    },
    addSubscription(id = nextId('sub'), status = 'active') {
      const sub: StripeJson = { id, object: 'subscription', status, canceled_at: null, ended_at: null, created: nowSeconds(), livemode: false };
      subscriptions.set(id, sub);
      return clone(sub) as StripeJson;
    },
    charge: (id) => clone(charges.get(id)),
    refund: (id) => clone(refunds.get(id)),
    dispute: (id) => clone(disputes.get(id)),
    subscription: (id) => clone(subscriptions.get(id)),
    refundsFor: (chargeId) => refundCounts.get(chargeId) ?? 0,
    submissionRequestsFor: (disputeId) => requests.filter((r) => r.method === 'POST' && r.path === `/v1/disputes/${disputeId}` && r.params.submit === 'true' && !r.replayed),
    addInvoice({ customer, amount, currency, status = 'paid', id = nextId('in'), subscription }) {
      const invoice: StripeJson = {
        id,
        object: 'invoice',
        amount_due: amount,
        amount_paid: status === 'paid' ? amount : 0,
        amount_remaining: status === 'paid' ? 0 : amount,
        created: nowSeconds(),
        currency: currency.toLowerCase(),
        customer,
        livemode: false,
        number: `FAKE-${id.slice(-6)}`,
        // Stripe's hosted page where the customer pays the invoice (a new card included).
        hosted_invoice_url: `https://invoice.stripe.com/i/acct_fake/test_${id}`,
        attempt_count: 0,
        subscription: subscription ?? null,
        post_payment_credit_notes_amount: 0,
        pre_payment_credit_notes_amount: 0,
        status,
        total: amount,
      };
      invoices.set(id, invoice);
      return clone(invoice) as StripeJson;
    },
    invoice: (id) => clone(invoices.get(id)),
    failInvoicePayment(id) {
      const invoice = invoices.get(id);
      if (!invoice) throw new Error(`no invoice ${id}`);
      Object.assign(invoice, { status: 'open', amount_paid: 0, amount_remaining: invoice.amount_due, attempt_count: (invoice.attempt_count as number) + 1 });
      return emit('invoice.payment_failed', invoice);
    },
    payInvoice(id) {
      const invoice = invoices.get(id);
      if (!invoice) throw new Error(`no invoice ${id}`);
      Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0 });
      return emit('invoice.paid', invoice);
    },
    creditNote: (id) => clone(creditNotes.get(id)),
    creditNotesFor: (key) => creditNoteCounts.get(key) ?? 0,
    forgetIdempotencyKeys: () => idempotent.clear(),
    requestCount: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    settleRefund,
    resolveDispute(id, outcome) {
      const dispute = disputes.get(id);
      if (!dispute) throw new Error(`no dispute ${id}`);
      if (!['under_review', 'warning_under_review'].includes(dispute.status as string)) throw new Error(`dispute ${id} is ${String(dispute.status)}, not under review`);
      dispute.status = outcome;
      return emit('charge.dispute.closed', dispute);
    },
    signedEvent(event, t = nowSeconds()) {
      const body = JSON.stringify(event);
      return { body, header: signStripePayload(webhookSecret, body, t) };
    },
    holdAnswer(path, ms, method) {
      holds.set(path, { ms, method });
    },
    failNext(n, status = 500, method) {
      failures = n;
      failStatus = status;
      failMethod = method;
    },
    close: () =>
      new Promise((r) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => r());
        server.closeAllConnections(); // the stripe client keeps connections alive
      }),
  };
}

/** Stripe's text evidence fields (file fields included, they hold file IDs). */
const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'uncategorized_file',
  'uncategorized_text',
];

/** a=1&metadata[case]=c-1&expand[0]=x → { a: '1', metadata: { case: 'c-1' }, expand: { 0: 'x' } } */
export function formDecode(raw: string): StripeJson {
  const out: StripeJson = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1], ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((p) => p[1])];
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as StripeJson;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}

/** A 23-digit acquirer reference number, the same for the same refund. */
export function arnFor(refundId: string): string {
  let h = 7n;
  for (const c of refundId) h = (h * 131n + BigInt(c.charCodeAt(0))) % 10n ** 22n;
  return `7${h.toString().padStart(22, '0')}`;
}

function found(object: StripeJson | undefined, kind: string, id: string): Answer {
  if (!object) throw missing(kind, id, 'id');
  return { status: 200, json: object };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is StripeJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
