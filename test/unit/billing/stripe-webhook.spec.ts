import { createHmac } from 'node:crypto';
import {
  constructStripeEvent,
  parseStripeEvent,
  signStripePayload,
  verifyStripeSignature,
  WebhookPayloadError,
  WebhookSignatureError,
  hostedInvoiceUrl,
} from '../../../src/integrations/billing/stripe-webhook';

const secret = 'whsec_test_secret';
const t = 1_750_000_000;
const now = t * 1000;
const event = (type: string, object: Record<string, unknown>) => JSON.stringify({ id: 'evt_1', object: 'event', type, created: t, livemode: false, data: { object } });
const refundBody = event('refund.updated', { id: 're_1', object: 'refund', amount: 999, currency: 'usd', status: 'succeeded', charge: 'ch_1', metadata: { caseId: 'case-1' } });

describe('Stripe-Signature', () => {
  it('signs like Stripe: t=…,v1=hex HMAC-SHA256 of "t.body"', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${refundBody}`).digest('hex');
    expect(signStripePayload(secret, refundBody, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts a valid signature, from a string or the raw bytes', () => {
    const header = signStripePayload(secret, refundBody, t);
    expect(() => verifyStripeSignature(refundBody, header, secret, { now })).not.toThrow();
    expect(() => verifyStripeSignature(Buffer.from(refundBody), header, secret, { now: now + 299_000 })).not.toThrow();
  });

  it('accepts when any v1 matches (secret being rolled)', () => {
    const good = signStripePayload(secret, refundBody, t).split('v1=')[1];
    expect(() => verifyStripeSignature(refundBody, `t=${t},v1=${'0'.repeat(64)},v1=${good},v0=abc`, secret, { now })).not.toThrow();
  });

  it('rejects a tampered body, a wrong secret and a tampered timestamp', () => {
    const header = signStripePayload(secret, refundBody, t);
    expect(() => verifyStripeSignature(refundBody.replace('999', '9999'), header, secret, { now })).toThrow('no v1 signature matches');
    expect(() => verifyStripeSignature(refundBody, header, 'whsec_other', { now })).toThrow(WebhookSignatureError);
    expect(() => verifyStripeSignature(refundBody, header.replace(`t=${t}`, `t=${t + 1}`), secret, { now })).toThrow('no v1 signature matches');
  });

  it('rejects a stale (or future) timestamp beyond 300 s', () => {
    const header = signStripePayload(secret, refundBody, t);
    expect(() => verifyStripeSignature(refundBody, header, secret, { now: now + 301_000 })).toThrow('outside the 300 s tolerance');
    expect(() => verifyStripeSignature(refundBody, header, secret, { now: now - 301_000 })).toThrow(WebhookSignatureError);
    expect(() => verifyStripeSignature(refundBody, header, secret, { now: now + 301_000, toleranceSeconds: 600 })).not.toThrow();
  });

  it('rejects missing and malformed headers', () => {
    expect(() => verifyStripeSignature(refundBody, undefined, secret, { now })).toThrow('missing Stripe-Signature');
    expect(() => verifyStripeSignature(refundBody, 'v1=abc', secret, { now })).toThrow('no timestamp');
    expect(() => verifyStripeSignature(refundBody, `t=${t}`, secret, { now })).toThrow('no v1 signature');
    expect(() => verifyStripeSignature(refundBody, `t=${t},v1=zz`, secret, { now })).toThrow('no v1 signature matches');
  });
});

describe('parsing events', () => {
  it('refund.updated and charge.refund.updated', () => {
    const parsed = constructStripeEvent(refundBody, signStripePayload(secret, refundBody, t), secret, { now });
    expect(parsed).toEqual({
      type: 'refund.updated',
      eventId: 'evt_1',
      created: now,
      refund: { id: 're_1', chargeId: 'ch_1', amountMinor: 999, currency: 'USD', status: 'succeeded', failureReason: null, metadata: { caseId: 'case-1' } },
    });
    const failed = parseStripeEvent(event('charge.refund.updated', { id: 're_2', object: 'refund', amount: 5, currency: 'gbp', status: 'failed', failure_reason: 'lost_or_stolen_card', charge: { id: 'ch_2' } }));
    expect(failed).toMatchObject({ type: 'charge.refund.updated', refund: { chargeId: 'ch_2', status: 'failed', failureReason: 'lost_or_stolen_card' } });
  });

  it('charge.dispute.created / closed, with due_by in ms', () => {
    const dispute = { id: 'dp_1', object: 'dispute', charge: 'ch_1', amount: 11988, currency: 'usd', reason: 'fraudulent', status: 'needs_response', evidence_details: { due_by: t + 86_400 } };
    expect(parseStripeEvent(event('charge.dispute.created', dispute))).toMatchObject({
      type: 'charge.dispute.created',
      dispute: { id: 'dp_1', chargeId: 'ch_1', amountMinor: 11988, currency: 'USD', reason: 'fraudulent', status: 'needs_response', dueBy: now + 86_400_000 },
    });
    expect(parseStripeEvent(event('charge.dispute.closed', { ...dispute, status: 'won' }))).toMatchObject({ type: 'charge.dispute.closed', dispute: { status: 'won' } });
  });

  it('invoice.payment_failed and invoice.paid, old and new subscription placement', () => {
    const invoice = { id: 'in_1', object: 'invoice', customer: 'cus_1', subscription: 'sub_1', amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1, next_payment_attempt: t + 3600 };
    expect(parseStripeEvent(event('invoice.payment_failed', invoice))).toMatchObject({
      type: 'invoice.payment_failed',
      invoice: { id: 'in_1', customerId: 'cus_1', subscriptionId: 'sub_1', amountDueMinor: 999, attemptCount: 1, nextPaymentAttemptAt: now + 3_600_000 },
    });
    const basil = { ...invoice, subscription: undefined, parent: { subscription_details: { subscription: 'sub_2' } }, amount_paid: 999 };
    expect(parseStripeEvent(event('invoice.paid', basil))).toMatchObject({ type: 'invoice.paid', invoice: { subscriptionId: 'sub_2', amountPaidMinor: 999 } });
  });

  it('acknowledges other event types without parsing them', () => {
    expect(parseStripeEvent(event('customer.updated', { id: 'cus_1' }))).toEqual({ type: 'ignored', eventType: 'customer.updated', eventId: 'evt_1', created: now });
  });

  it('names the field that is wrong', () => {
    expect(() => parseStripeEvent('not json')).toThrow(WebhookPayloadError);
    expect(() => parseStripeEvent(event('refund.updated', { id: 're_1', object: 'refund', amount: -1, currency: 'usd', status: 'pending' }))).toThrow(/^data\.object\.amount/);
    expect(() => parseStripeEvent({ object: 'event', type: 'refund.updated' })).toThrow(/^id/);
  });
});

describe('hosted invoice link', () => {
  it('keeps an http(s) URL for the customer message, drops anything else', () => {
    expect(hostedInvoiceUrl('https://invoice.stripe.com/i/acct_1/test_x')).toBe('https://invoice.stripe.com/i/acct_1/test_x');
    expect(hostedInvoiceUrl('javascript:alert(1)')).toBeNull();
    expect(hostedInvoiceUrl('not a url')).toBeNull();
    expect(hostedInvoiceUrl(null)).toBeNull();
    expect(hostedInvoiceUrl(`https://x.example/${'a'.repeat(2001)}`)).toBeNull();
  });
});
