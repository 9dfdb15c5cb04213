import { inspect } from 'node:util';
import { refundIdempotencyKey } from '../../../src/domain/billing/refund';
import { CreateRefundRequest, GatewayRejectedError, GatewayUnavailableError, StripeGateway, toStripeEvidence } from '../../../src/integrations/billing/stripe-gateway';
import { constructStripeEvent } from '../../../src/integrations/billing/stripe-webhook';
import { waitFor } from '../../support/wait-for';
import { arnFor, formDecode, StripeFake, startStripeFake } from '../../fakes/stripe';

describe('StripeGateway against the Stripe fake', () => {
  let fake: StripeFake;
  let gateway: StripeGateway;
  let chargeId: string;

  const refund = (over: Partial<CreateRefundRequest> = {}): CreateRefundRequest =>
    ({
      chargeId,
      amountMinor: 500,
      currency: 'USD',
      reason: 'requested_by_customer',
      metadata: { caseId: 'case-1' },
      idempotencyKey: refundIdempotencyKey('case-1'),
      ...over,
    }) as CreateRefundRequest;

  beforeEach(async () => {
    fake = await startStripeFake();
    gateway = new StripeGateway({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 5_000 });
    chargeId = fake.addCharge({ amount: 1_000, currency: 'usd', authorizationCode: '831000', last4: '4242', paymentIntent: 'pi_1' }).id as string;
  });
  afterEach(() => fake.close());

  it('sends form-encoded bodies with nested metadata and the idempotency key', async () => {
    await gateway.createRefund(refund());
    // First the look-up of this case's refund on the charge, then the refund.
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/refunds', params: { charge: chargeId, limit: '100' } });
    const req = fake.requests[1];
    expect(req).toMatchObject({ method: 'POST', path: '/v1/refunds', status: 200, idempotencyKey: 'refund:case-1' });
    expect(req.params).toEqual({ charge: chargeId, amount: '500', currency: 'usd', reason: 'requested_by_customer', metadata: { caseId: 'case-1' } });
  });

  it('a replayed refund returns the same refund id and Stripe holds one refund', async () => {
    const first = await gateway.createRefund(refund());
    const again = await gateway.createRefund(refund());
    expect(first).toEqual({ id: again.id, chargeId, status: 'pending', failureReason: null, amountMinor: 500, currency: 'USD', traceNumber: null });
    expect(fake.refundsFor(chargeId)).toBe(1);
    // The second call found the case's refund by its metadata; Stripe made one refund.
    expect(fake.requestCount('POST', '/v1/refunds')).toBe(1);
    expect(fake.charge(chargeId)?.amount_refunded).toBe(500);
  });

  it('after Stripe forgot the idempotency key, a retried refund finds the case\'s refund by metadata instead of making a second', async () => {
    const first = await gateway.createRefund(refund());
    fake.forgetIdempotencyKeys(); // ~24 h later
    const again = await gateway.createRefund(refund());
    expect(again.id).toBe(first.id);
    expect(fake.refundsFor(chargeId)).toBe(1);
    expect(fake.charge(chargeId)?.amount_refunded).toBe(500);
    // A full refund retried late is the same refund too, not an over-refund refusal.
    const full = fake.addCharge({ amount: 800, currency: 'usd', paymentIntent: 'pi_full' }).id as string;
    const whole = await gateway.createRefund(refund({ chargeId: full, amountMinor: 800, metadata: { caseId: 'case-full' }, idempotencyKey: 'refund:case-full' }));
    fake.forgetIdempotencyKeys();
    await expect(gateway.createRefund(refund({ chargeId: full, amountMinor: 800, metadata: { caseId: 'case-full' }, idempotencyKey: 'refund:case-full' }))).resolves.toMatchObject({ id: whole.id });
    // By payment intent as well; another case's refund on the charge is not this case's.
    await expect(gateway.createRefund({ paymentIntentId: 'pi_full', amountMinor: 800, reason: 'duplicate', metadata: { caseId: 'case-full' }, idempotencyKey: 'refund:case-full-pi' })).resolves.toMatchObject({ id: whole.id });
    const other = await gateway.createRefund(refund({ metadata: { caseId: 'case-2' }, idempotencyKey: 'refund:case-2' }));
    expect(other.id).not.toBe(first.id);
    expect(fake.refundsFor(chargeId)).toBe(2);
  });

  it('the same key with different parameters is rejected, not executed', async () => {
    await gateway.createRefund(refund());
    const err = await gateway.createRefund(refund({ amountMinor: 600 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRejectedError);
    expect(err).toMatchObject({ name: 'GatewayRejectedError', status: 400, nonRetryable: true });
    expect(String((err as Error).message)).toContain('same parameters');
    expect(err).toMatchObject({ code: 'idempotency_error' });
    expect(fake.refundsFor(chargeId)).toBe(1);
  });

  it('refunds by payment intent too', async () => {
    const r = await gateway.createRefund({ paymentIntentId: 'pi_1', amountMinor: 1_000, reason: 'duplicate', metadata: { caseId: 'case-pi' }, idempotencyKey: 'refund:case-pi' });
    expect(r).toMatchObject({ chargeId, amountMinor: 1_000 });
  });

  it('over-refunding is a GatewayRejectedError, counting pending refunds', async () => {
    await gateway.createRefund(refund({ amountMinor: 700, metadata: { caseId: 'a' }, idempotencyKey: 'refund:a' }));
    const err = await gateway.createRefund(refund({ amountMinor: 400, metadata: { caseId: 'b' }, idempotencyKey: 'refund:b' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRejectedError);
    expect(err).toMatchObject({ status: 400, code: 'amount_too_large' });
    await gateway.createRefund(refund({ amountMinor: 300, metadata: { caseId: 'c' }, idempotencyKey: 'refund:c' }));
    await expect(gateway.createRefund(refund({ amountMinor: 1, metadata: { caseId: 'd' }, idempotencyKey: 'refund:d' }))).rejects.toMatchObject({ name: 'GatewayRejectedError', code: 'charge_already_refunded' });
    expect(fake.refundsFor(chargeId)).toBe(2);
  });

  it('a currency other than the charge’s is rejected', async () => {
    await expect(gateway.createRefund(refund({ currency: 'EUR' }))).rejects.toBeInstanceOf(GatewayRejectedError);
  });

  it('500 and 429 are retryable; the retry with the same key creates one refund', async () => {
    // The refund request itself fails (the look-up by metadata before it goes through).
    fake.failNext(1, 500, 'POST');
    const err = await gateway.createRefund(refund()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayUnavailableError);
    expect(err).not.toBeInstanceOf(GatewayRejectedError);
    expect(err).toMatchObject({ name: 'GatewayUnavailableError', status: 500 });
    fake.failNext(1, 429, 'POST');
    await expect(gateway.createRefund(refund())).rejects.toMatchObject({ name: 'GatewayUnavailableError', status: 429 });
    const ok = await gateway.createRefund(refund());
    expect(ok.status).toBe('pending');
    expect(fake.refundsFor(chargeId)).toBe(1);
    // Three POSTs under the same key: two refused in front of the API, one refund made.
    expect(fake.requestCount('POST', '/v1/refunds')).toBe(3);
  });

  it('a refused connection is retryable', async () => {
    await fake.close();
    await expect(gateway.getCharge(chargeId)).rejects.toBeInstanceOf(GatewayUnavailableError);
    fake = await startStripeFake(); // afterEach closes it
  });

  it('a bad API key is rejected and the key never shows when the gateway is inspected', async () => {
    const wrong = new StripeGateway({ apiKey: 'sk_test_wrong', baseUrl: fake.url });
    await expect(wrong.getCharge(chargeId)).rejects.toMatchObject({ name: 'GatewayRejectedError', status: 401 });
    expect(inspect(gateway, { depth: 5 })).not.toContain(fake.apiKey);
  });

  it('a refund settles: getRefund follows it, and the signed webhook parses', async () => {
    const created = await gateway.createRefund(refund());
    const event = fake.settleRefund(created.id, 'succeeded');
    // The trace number is Stripe's destination_details.card.reference (the ARN), there once settled.
    await expect(gateway.getRefund(created.id)).resolves.toMatchObject({ id: created.id, status: 'succeeded', failureReason: null, traceNumber: arnFor(created.id) });
    expect(arnFor(created.id)).toMatch(/^\d{23}$/);
    const { body, header } = fake.signedEvent(event);
    expect(constructStripeEvent(body, header, fake.webhookSecret)).toMatchObject({ type: 'refund.updated', refund: { id: created.id, status: 'succeeded', metadata: { caseId: 'case-1' } } });
    expect(fake.events.map((e) => e.type)).toEqual(['refund.updated', 'charge.refund.updated']);
  });

  it('a failed refund reports why and frees the amount again', async () => {
    const created = await gateway.createRefund(refund({ amountMinor: 1_000 }));
    fake.settleRefund(created.id, 'failed', 'lost_or_stolen_card');
    await expect(gateway.getRefund(created.id)).resolves.toMatchObject({ status: 'failed', failureReason: 'lost_or_stolen_card', traceNumber: null });
    expect(fake.charge(chargeId)?.amount_refunded).toBe(0);
  });

  it('auto-settles when asked to', async () => {
    await fake.close();
    fake = await startStripeFake({ autoSettleAfterMs: 10 });
    gateway = new StripeGateway({ apiKey: fake.apiKey, baseUrl: fake.url });
    chargeId = fake.addCharge({ amount: 1_000, currency: 'usd' }).id as string;
    const created = await gateway.createRefund(refund());
    expect(created.status).toBe('pending');
    const settled = await waitFor(async () => {
      const r = await gateway.getRefund(created.id);
      return r.status === 'succeeded' ? r : undefined;
    }, { timeoutMs: 5_000, intervalMs: 10, what: 'auto-settled refund' });
    expect(settled.status).toBe('succeeded');
  });

  describe('credit notes for SLA credits', () => {
    const note = (over: Partial<{ customerId: string; amountMinor: number; key: string }> = {}) => ({
      customerId: over.customerId ?? 'cus_ent1',
      amountMinor: over.amountMinor ?? 2_500,
      currency: 'USD',
      memo: 'SLA credit',
      metadata: { sla_credit_key: over.key ?? 't-1:firstResponse:c1:credit', ticket_id: 't-1' },
      idempotencyKey: `sla-credit:${over.key ?? 't-1:firstResponse:c1:credit'}`,
    });

    it('credits the newest paid invoice in the currency with room, once per key, and finds it again after Stripe forgot the key', async () => {
      fake.addInvoice({ customer: 'cus_ent1', amount: 50_000, currency: 'usd' });
      const newest = fake.addInvoice({ customer: 'cus_ent1', amount: 50_000, currency: 'usd' });
      fake.addInvoice({ customer: 'cus_ent1', amount: 50_000, currency: 'eur' });
      const first = await gateway.issueCreditNote(note());
      expect(first).toMatchObject({ invoiceId: newest.id, amountMinor: 2_500, currency: 'USD' });
      const created = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/credit_notes')!;
      expect(created).toMatchObject({ idempotencyKey: 'sla-credit:t-1:firstResponse:c1:credit' });
      expect(created.params).toMatchObject({ amount: '2500', credit_amount: '2500', metadata: { sla_credit_key: 't-1:firstResponse:c1:credit' } });
      expect((await gateway.issueCreditNote(note())).id).toBe(first.id);
      fake.forgetIdempotencyKeys();
      expect((await gateway.issueCreditNote(note())).id).toBe(first.id);
      expect(fake.creditNotesFor('sla-credit:t-1:firstResponse:c1:credit')).toBe(1);
      expect(fake.invoice(String(newest.id))?.post_payment_credit_notes_amount).toBe(2_500);
    });

    it('a customer without a paid invoice that can carry the credit is a rejection, not a retry', async () => {
      fake.addInvoice({ customer: 'cus_ent2', amount: 1_000, currency: 'usd' });
      await expect(gateway.issueCreditNote(note({ customerId: 'cus_ent2', amountMinor: 2_500 }))).rejects.toMatchObject({ name: 'GatewayRejectedError', code: 'no_invoice' });
      await expect(gateway.issueCreditNote(note({ customerId: 'cus_none' }))).rejects.toBeInstanceOf(GatewayRejectedError);
      expect(fake.requestCount('POST', '/v1/credit_notes')).toBe(0);
    });
  });

  it('getCharge shows what agents may see: transaction ID, authorization code, card brand, last four', async () => {
    await expect(gateway.getCharge(chargeId)).resolves.toEqual({
      id: chargeId,
      paymentIntentId: 'pi_1',
      amountMinor: 1_000,
      amountRefundedMinor: 0,
      currency: 'USD',
      authorizationCode: '831000',
      brand: 'visa',
      last4: '4242',
      disputed: false,
      threeDSecure: null,
    });
    const amex = fake.addCharge({ amount: 300, currency: 'usd', brand: 'amex', last4: '0005' }).id as string;
    await expect(gateway.getCharge(amex)).resolves.toMatchObject({ brand: 'amex', last4: '0005' });
    // A gateway that sent more than four digits would show nothing, not the number.
    const broken = fake.addCharge({ amount: 300, currency: 'usd', last4: '4242424242424242' }).id as string;
    await expect(gateway.getCharge(broken)).resolves.toMatchObject({ last4: null });
    // The 3-D Secure outcome as Stripe reports it (payment_method_details.card.three_d_secure.result).
    const secured = fake.addCharge({ amount: 300, currency: 'usd', threeDSecure: 'authenticated' }).id as string;
    await expect(gateway.getCharge(secured)).resolves.toMatchObject({ threeDSecure: 'authenticated' });
    const failed3ds = fake.addCharge({ amount: 300, currency: 'usd', threeDSecure: 'failed' }).id as string;
    await expect(gateway.getCharge(failed3ds)).resolves.toMatchObject({ threeDSecure: 'failed' });
    const old = fake.addCharge({ amount: 200, currency: 'gbp', authorizationCode: '000777', topLevelAuthorizationCode: true }).id as string;
    await expect(gateway.getCharge(old)).resolves.toMatchObject({ authorizationCode: '000777', currency: 'GBP' });
    await expect(gateway.getCharge('ch_missing')).rejects.toMatchObject({ name: 'GatewayRejectedError', status: 404, code: 'resource_missing' });
  });

  describe('disputes', () => {
    const dueBy = () => Math.floor((Date.now() + 7 * 86_400_000) / 1000) * 1000;
    const evidence = {
      transaction_id: 'ch_1',
      authorization_code: '831000',
      access_log: 'Streamed 14 titles from 2 devices after purchase',
      cancellation_policy: 'Cancel any time; annual plans refundable within 14 days',
      customer_communication: 'Chat 2025-06-01: customer confirmed using the service',
    };

    it('a disputed charge cannot be refunded (Stripe refuses it too)', async () => {
      fake.addDispute({ charge: chargeId, dueBy: dueBy() });
      await expect(gateway.getCharge(chargeId)).resolves.toMatchObject({ disputed: true });
      await expect(gateway.createRefund(refund())).rejects.toMatchObject({ name: 'GatewayRejectedError', code: 'charge_disputed' });
    });

    it('stages, then submits evidence; after submitting it cannot be changed', async () => {
      // The deadline the dispute was made with, not one computed again later: a second can pass between.
      const deadline = dueBy();
      const created = fake.addDispute({ id: 'dp_1', charge: chargeId, dueBy: deadline, reason: 'subscription_canceled' });
      expect(created.type).toBe('charge.dispute.created');

      const staged = await gateway.submitDisputeEvidence('dp_1', evidence, false);
      expect(staged).toMatchObject({ id: 'dp_1', chargeId, status: 'needs_response', submissionCount: 0, dueBy: deadline, currency: 'USD' });
      const submitted = await gateway.submitDisputeEvidence('dp_1', evidence, true);
      expect(submitted).toMatchObject({ status: 'under_review', submissionCount: 1 });
      // A retried activity replays instead of failing on the now-closed dispute.
      await expect(gateway.submitDisputeEvidence('dp_1', evidence, true)).resolves.toMatchObject({ status: 'under_review', submissionCount: 1 });

      const stored = fake.dispute('dp_1')?.evidence as Record<string, unknown>;
      expect(stored).toMatchObject({
        access_activity_log: evidence.access_log,
        cancellation_policy_disclosure: evidence.cancellation_policy,
        uncategorized_text: `Transaction ID: ch_1\nAuthorization code: 831000\nCustomer communication: ${evidence.customer_communication}`,
      });
      const post = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/disputes/dp_1');
      expect(post?.params).toMatchObject({ submit: 'false', evidence: { access_activity_log: evidence.access_log } });
      expect(post?.idempotencyKey).toMatch(/^dispute-evidence:dp_1:stage:[0-9a-f]{32}$/);

      await expect(gateway.submitDisputeEvidence('dp_1', { ...evidence, access_log: 'more' }, true)).rejects.toBeInstanceOf(GatewayRejectedError);
      const closed = fake.resolveDispute('dp_1', 'won');
      expect(closed).toMatchObject({ type: 'charge.dispute.closed', data: { object: { status: 'won' } } });
      await expect(gateway.getDispute('dp_1')).resolves.toMatchObject({ status: 'won' });
    });

    it('closing a dispute accepts it (status lost) and emits charge.dispute.closed', async () => {
      fake.addDispute({ id: 'dp_2', charge: chargeId, dueBy: dueBy(), reason: 'fraudulent' });
      await expect(gateway.closeDispute('dp_2')).resolves.toMatchObject({ id: 'dp_2', status: 'lost', reason: 'fraudulent' });
      await expect(gateway.closeDispute('dp_2')).resolves.toMatchObject({ status: 'lost' }); // replayed by key
      expect(fake.events.map((e) => e.type)).toEqual(['charge.dispute.created', 'charge.dispute.closed']);
    });

    it('maps only non-empty checklist items', () => {
      expect(toStripeEvidence({ transaction_id: 'ch_1', access_log: '  ' })).toEqual({ uncategorized_text: 'Transaction ID: ch_1' });
    });
  });

  describe('subscriptions', () => {
    it('cancels, and a repeated cancel counts as done', async () => {
      fake.addSubscription('sub_1');
      await expect(gateway.cancelSubscription('sub_1')).resolves.toEqual({ id: 'sub_1', status: 'canceled' });
      expect(fake.subscription('sub_1')?.status).toBe('canceled');
      await expect(gateway.cancelSubscription('sub_1')).resolves.toEqual({ id: 'sub_1', status: 'canceled' });
      expect(fake.requestCount('DELETE', '/v1/subscriptions/sub_1')).toBe(2);
    });

    it('an unknown subscription is rejected', async () => {
      await expect(gateway.cancelSubscription('sub_missing')).rejects.toMatchObject({ name: 'GatewayRejectedError', status: 404 });
    });
  });

  it('refuses a base URL with a path, and a non-positive amount before calling Stripe', async () => {
    expect(() => new StripeGateway({ apiKey: fake.apiKey, baseUrl: `${fake.url}/v1` })).toThrow(/path/);
    await expect(gateway.createRefund(refund({ amountMinor: 0 }))).rejects.toBeInstanceOf(GatewayRejectedError);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the fake decodes form bodies like Stripe', () => {
  it('nests bracketed keys', () => {
    expect(formDecode('amount=5&metadata[case]=c-1&metadata[brand]=uoozee&evidence[access_activity_log]=a%20b&expand[0]=charge')).toEqual({
      amount: '5',
      metadata: { case: 'c-1', brand: 'uoozee' },
      evidence: { access_activity_log: 'a b' },
      expand: { 0: 'charge' },
    });
  });
});
