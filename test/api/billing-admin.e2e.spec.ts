import { randomUUID } from 'node:crypto';
import { startStripeFake } from '../fakes/stripe';
import { useApiStack } from '../support/harness';
import { insertSlaCredit } from '../support/sla-credits';

/** Billing staff settle SLA credits; agents confirm identity before changing a dunning account. */
describe('SLA credit settlement and dunning account changes over HTTP', () => {
  const stack = useApiStack((f) => ({ STRIPE_API_KEY: f.stripe.apiKey, STRIPE_API_BASE: f.stripe.url, BILLING_WEBHOOK_SECRET: f.stripe.webhookSecret }), { label: 'billing-admin-e2e', fakes: { stripe: startStripeFake }, keys: ['agent', 'billing', 'admin'] });
  const http: typeof stack.http = (...args) => stack.http(...args);
  const { keys } = stack;

  it('lists credits with their settlement and settles each once, for billing and admin only', async () => {
    const customer = `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
    stack.fakes.stripe.addInvoice({ customer, amount: 100_000, currency: 'usd' });
    const key = await insertSlaCredit(stack.ds, { customerRef: customer, owedMinor: 4_000 });
    expect((await http('GET', '/v1/billing/sla-credits', { key: keys.agent })).status).toBe(403);
    expect((await http('POST', '/v1/billing/sla-credits/settle', { key: keys.agent, body: { keys: [key] } })).status).toBe(403);

    const owed = await http('GET', `/v1/billing/sla-credits?settled=false&customerRef=${customer}`, { key: keys.billing });
    expect(owed.body.items).toEqual([expect.objectContaining({ key, owedMinor: 4_000, currency: 'USD', settled: false, settlementRef: null })]);
    const bad = await http('POST', '/v1/billing/sla-credits/settle', { key: keys.billing, body: { breachedBefore: 'yesterday' } });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'breachedBefore']);
    expect((await http('GET', '/v1/billing/sla-credits?settled=maybe', { key: keys.billing })).body.errors[0].field).toBe('query:settled');

    const run = await http('POST', '/v1/billing/sla-credits/settle', { key: keys.billing, body: { keys: [key] } });
    expect(run.status).toBe(200);
    expect(run.body.sweep.settled).toEqual([expect.objectContaining({ key, outcome: 'settled', amountMinor: 4_000, settlementRef: expect.stringMatching(/^cn_/) })]);
    const again = await http('POST', '/v1/billing/sla-credits/settle', { key: keys.admin, body: { keys: [key] } });
    expect([again.status, again.body.sweep.settled, again.body.sweep.inProgress]).toEqual([200, [], [key]]);
    expect(stack.fakes.stripe.creditNotesFor(`sla-credit:${key}`)).toBe(1);

    const settled = await http('GET', `/v1/billing/sla-credits?settled=true&customerRef=${customer}`, { key: keys.admin });
    expect(settled.body.items).toEqual([expect.objectContaining({ key, settled: true, settlementKind: 'credit_note', settlementRef: run.body.sweep.settled[0].settlementRef })]);
  });

  it('a dunning account change before identity confirmation is a 409 naming the missing confirmation', async () => {
    const sub = stack.fakes.stripe.addSubscription();
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const event = {
      id: `evt_${invoiceId}`,
      object: 'event',
      type: 'invoice.payment_failed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: invoiceId, object: 'invoice', customer: 'cus_9', subscription: sub.id, amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1 } },
    };
    const { body, header } = stack.fakes.stripe.signedEvent(event);
    const delivered = await fetch(`${stack.api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(delivered.status).toBe(200);
    const id = `dunning-${invoiceId}`;

    const refused = await http('POST', `/v1/dunning/${id}/cancel`, { key: keys.agent, body: { reason: 'customer asked' } });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ type: expect.stringMatching(/identity-not-confirmed$/), missing: 'identityConfirmation', action: 'cancel_subscription', errors: [{ field: 'identityConfirmation' }] });
    expect((await http('POST', `/v1/dunning/${id}/retention-offer`, { key: keys.agent, body: { offer: '1 month free' } })).body.missing).toBe('identityConfirmation');
    expect(stack.fakes.stripe.subscription(String(sub.id))?.status).toBe('active');

    expect((await http('POST', `/v1/dunning/${id}/confirm-identity`, { key: keys.agent, body: { method: 'sms code' } })).status).toBe(200);
    const cancelled = await http('POST', `/v1/dunning/${id}/cancel`, { key: keys.agent, body: { reason: 'customer asked' } });
    expect([cancelled.status, cancelled.body.status, cancelled.body.identity.confirmedBy]).toEqual([200, 'cancelled', 'test-agent']);
    expect(stack.fakes.stripe.subscription(String(sub.id))?.status).toBe('canceled');
    expect((await http('GET', `/v1/dunning/${id}`, { key: keys.agent })).body.status).toBe('cancelled');
  });
});
