import { randomBytes } from 'node:crypto';
import { startStripeFake } from '../fakes/stripe';
import { startApi, useApiStack } from '../support/harness';
import { httpClient } from '../support/http';
import { queryOpened, rawRowsText, testSealer } from '../support/sealed-rows';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;
const H48 = 48 * 3_600_000;

/**
 * Billing cases' personal data (references, identity methods, evidence, offers, reasons) reaches
 * PostgreSQL only sealed under each case's key, while the API answers it in clear — from the
 * workflow and, when the workflow cannot answer, from the read model — and lookups by reference,
 * by charge and by state still find the cases.
 */
describe('billing read model sealing, over HTTP', () => {
  const marker = `mk${randomBytes(6).toString('hex')}`;
  const customerRef = `cust-${marker}`;
  const gatewayCustomer = `cus_${marker}`;
  const sealer = testSealer();
  /** The cases the first test opens; the second reads them back from the read model. */
  const cases = { refund: '', dispute: '', dunning: '', chargeId: '' };

  const stack = useApiStack((f) => ({ STRIPE_API_KEY: f.stripe.apiKey, STRIPE_API_BASE: f.stripe.url, BILLING_WEBHOOK_SECRET: f.stripe.webhookSecret }), { label: 'billing-sealing-e2e', fakes: { stripe: startStripeFake }, keys: ['agent'] });
  const http: typeof stack.http = (...args) => stack.http(...args);

  const deliver = async (event: Record<string, unknown>) => {
    const { body, header } = stack.fakes.stripe.signedEvent(event);
    const res = await fetch(`${stack.api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(res.status).toBe(200);
    return (await res.json()) as { action: string };
  };
  const eventsOf = async (path: string) => {
    const r = await http('GET', `${path}/events`, { key: stack.keys.agent });
    return (r.body.items ?? []) as { type: string; actor: string; data: Record<string, unknown> }[];
  };
  const ids = () => [cases.refund, cases.dispute, cases.dunning];

  it('every personal field written through the API reads back in clear, is nowhere in clear in the billing tables, and the cases are still found and counted', async () => {
    // A refund: the customer's reference, how identity was confirmed; the retention offer taken (a CRM update).
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1B2C3', last4: '4444', brand: 'mastercard' });
    cases.chargeId = String(charge.id);
    const now = Date.now();
    const opened = await http('POST', '/v1/refunds', {
      key: stack.keys.agent,
      body: {
        brand: 'uoozee',
        customerRef,
        subscriptionId: stack.fakes.stripe.addSubscription().id,
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: new Date(now - 2 * DAY).toISOString(),
        currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
        paymentReference: charge.id,
        reason: 'cancellation',
      },
    });
    expect(opened.status).toBe(201);
    cases.refund = opened.body.id as string;
    const refundPath = `/v1/refunds/${cases.refund}`;
    expect((await http('POST', `${refundPath}/confirm-identity`, { key: stack.keys.agent, body: { method: `code sent to ${marker}@example.com` } })).status).toBe(200);
    await waitFor(async () => (await http('GET', refundPath, { key: stack.keys.agent })).body.state === 'retention_offered', { what: 'the retention offer' });
    expect((await http('POST', `${refundPath}/retention`, { key: stack.keys.agent, body: { accepted: true } })).status).toBe(200);

    // A chargeback on the refund's charge, with the customer's own words as evidence.
    const disputeEvent = stack.fakes.stripe.addDispute({ charge: cases.chargeId, reason: 'product_not_received', dueBy: Date.now() + H48 + 10 * 60_000 });
    cases.dispute = `dispute-${String((disputeEvent.data as { object: { id: string } }).object.id)}`;
    expect((await deliver(disputeEvent)).action).toBe(`started ${cases.dispute}`);
    const disputePath = `/v1/disputes/${cases.dispute}`;
    await waitFor(async () => (await http('GET', disputePath, { key: stack.keys.agent })).body.status === 'evidence_staged', { what: 'evidence staged' });
    const words = `Customer ${marker} wrote: I never received it`;
    expect((await http('POST', `${disputePath}/evidence`, { key: stack.keys.agent, body: { item: 'customer_communication', value: words } })).status).toBe(200);

    // A failed renewal of the gateway customer: identity, the offer taken, then cancelled at their request (two CRM updates).
    const invoiceId = String(stack.fakes.stripe.addInvoice({ customer: gatewayCustomer, amount: 999, currency: 'usd', status: 'open', subscription: String(stack.fakes.stripe.addSubscription().id) }).id);
    cases.dunning = `dunning-${invoiceId}`;
    expect((await deliver(stack.fakes.stripe.failInvoicePayment(invoiceId))).action).toBe(`started ${cases.dunning}`);
    const dunningPath = `/v1/dunning/${cases.dunning}`;
    expect((await http('POST', `${dunningPath}/confirm-identity`, { key: stack.keys.agent, body: { method: `sms to ${marker}` } })).status).toBe(200);
    expect((await http('POST', `${dunningPath}/retention-offer`, { key: stack.keys.agent, body: { offer: `3 months at 50 % for ${marker}` } })).status).toBe(200);
    const cancelled = await http('POST', `${dunningPath}/cancel`, { key: stack.keys.agent, body: { reason: `${marker} moves abroad` } });
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);

    // (a) The API answers every field in clear.
    const refund = await waitFor(async () => {
      const r = await http('GET', refundPath, { key: stack.keys.agent });
      return r.body.state === 'retained' ? r.body : undefined;
    }, { what: 'the refund retained' });
    expect(refund).toMatchObject({ customerRef, chargeId: cases.chargeId, identity: { method: `code sent to ${marker}@example.com` } });
    const refundEvents = await waitFor(async () => {
      const items = await eventsOf(refundPath);
      return items.some((e) => e.type === 'accept_offer') ? items : undefined;
    }, { what: 'the refund history' });
    expect(refundEvents.find((e) => e.type === 'confirm_identity')?.data).toEqual({ method: `code sent to ${marker}@example.com` });
    expect(refundEvents.map((e) => e.actor)).not.toContain(sealer.pseudonym(customerRef));
    const dispute = (await http('GET', disputePath, { key: stack.keys.agent })).body;
    expect(dispute.evidence.customer_communication).toBe(words);
    const disputeEvents = await waitFor(async () => {
      const items = await eventsOf(disputePath);
      return items.some((e) => e.type === 'evidence_added') ? items : undefined;
    }, { what: 'the evidence event' });
    expect(disputeEvents.find((e) => e.type === 'evidence_added')?.data).toEqual({ item: 'customer_communication', value: words });
    const dunning = (await http('GET', dunningPath, { key: stack.keys.agent })).body;
    expect(dunning).toMatchObject({
      status: 'cancelled',
      identity: { method: `sms to ${marker}` },
      retentionOffer: { offer: `3 months at 50 % for ${marker}` },
      cancellation: { reason: `${marker} moves abroad` },
    });

    // Everything recorded: the three cases' last snapshots, their events and the CRM updates.
    const crm = await waitFor(async () => {
      const rows = await queryOpened<{ case_id: string; customer_ref: string; event: string; data: Record<string, unknown> }>(
        stack.ds,
        `SELECT case_id, customer_ref, event, data FROM crm_updates WHERE case_id = ANY($1) ORDER BY case_id, event`,
        [ids()],
      );
      return rows.length >= 3 ? rows : undefined;
    }, { what: 'three CRM updates' });
    expect(crm).toEqual([
      { case_id: cases.dunning, customer_ref: sealer.pseudonym(gatewayCustomer), event: 'dunning_cancelled_by_customer', data: { invoiceId } },
      { case_id: cases.dunning, customer_ref: sealer.pseudonym(gatewayCustomer), event: 'dunning_offer_applied', data: { invoiceId, offer: `3 months at 50 % for ${marker}` } },
      { case_id: cases.refund, customer_ref: sealer.pseudonym(customerRef), event: 'retained', data: { offerAccepted: true } },
    ]);
    const snapshots = await waitFor(async () => {
      const rows = await queryOpened<{ id: string; state: string; snapshot: Record<string, unknown> }>(stack.ds, `SELECT id, state, snapshot FROM billing_cases WHERE id = ANY($1) ORDER BY id`, [ids()]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const done = byId.get(cases.refund)?.state === 'retained' && byId.get(cases.dunning)?.state === 'cancelled' && JSON.stringify(byId.get(cases.dispute)?.snapshot ?? {}).includes(words);
      return done ? byId : undefined;
    }, { what: 'the last snapshots recorded' });
    expect(snapshots.get(cases.refund)?.snapshot).toMatchObject({ customerRef, identity: { method: `code sent to ${marker}@example.com` } });

    // (b) As a dump of the tables holds them: neither the marker nor the references in clear.
    for (const [table, caseColumn] of [['billing_cases', 'id'], ['billing_case_events', 'case_id'], ['crm_updates', 'case_id']] as const) {
      const text = await rawRowsText(stack.ds, table, caseColumn, ids());
      expect(text).toContain('sealed:v1:'); // the rows are there, their personal data sealed
      expect(text).not.toContain(marker);
      expect(text).not.toContain(customerRef);
      expect(text).not.toContain(gatewayCustomer);
    }
    // customer_ref: the pseudonym of a refund's and a dunning case's customer; a dispute's, the disputed charge (a payment, kept).
    const refs: { id: string; customer_ref: string }[] = await stack.ds.query(`SELECT id, customer_ref FROM billing_cases WHERE id = ANY($1) ORDER BY id`, [ids()]);
    expect(new Map(refs.map((r) => [r.id, r.customer_ref]))).toEqual(
      new Map([
        [cases.refund, sealer.pseudonym(customerRef)],
        [cases.dispute, cases.chargeId],
        [cases.dunning, sealer.pseudonym(gatewayCustomer)],
      ]),
    );

    // (c) Counted by kind, brand and state (in clear), found by the subject's reference and, for
    // the chargeback, through the charge of their refund — as the privacy export finds it.
    const counts: { kind: string; state: string; n: number }[] = await stack.ds.query(
      `SELECT kind, state, count(*)::int AS n FROM billing_cases WHERE id = ANY($1) AND brand = 'uoozee' GROUP BY kind, state ORDER BY kind`,
      [ids()],
    );
    expect(counts).toEqual([
      { kind: 'dispute', state: 'evidence_staged', n: 1 },
      { kind: 'dunning', state: 'cancelled', n: 1 },
      { kind: 'refund', state: 'retained', n: 1 },
    ]);
    const bySubject: { id: string }[] = await stack.ds.query(
      `SELECT b.id FROM billing_cases b
        WHERE b.customer_ref = ANY($1)
           OR (b.kind = 'dispute' AND b.customer_ref IN (SELECT r.snapshot->>'chargeId' FROM billing_cases r WHERE r.kind = 'refund' AND r.customer_ref = ANY($1)))
        ORDER BY b.id`,
      [sealer.refMatches(customerRef)],
    );
    expect(bySubject.map((r) => r.id)).toEqual([cases.dispute, cases.refund].sort());
    const dunningBySubject: { id: string }[] = await stack.ds.query(`SELECT id FROM billing_cases WHERE customer_ref = ANY($1)`, [sealer.refMatches(gatewayCustomer)]);
    expect(dunningBySubject.map((r) => r.id)).toEqual([cases.dunning]);
  });

  it('when the workflow does not answer in time, the API reads the sealed snapshots from the read model and opens them', async () => {
    expect(cases.refund).not.toBe(''); // the first test opened the cases
    // An API whose workflow queries give up at once (no Temporal round trip takes 1 ms): every view
    // below is the read model's snapshot. The worker keeps running, so the abandoned queries end.
    const readModelApi = await startApi({ ...stack.config, QUERY_TIMEOUT_MS: 1 });
    try {
      const get = (path: string) => httpClient(readModelApi.baseUrl)('GET', path, { key: stack.keys.agent });
      const refund = await get(`/v1/refunds/${cases.refund}`);
      expect([refund.status, refund.body.state]).toEqual([200, 'retained']);
      expect(refund.body).toMatchObject({ customerRef, chargeId: cases.chargeId, identity: { method: `code sent to ${marker}@example.com` } });
      const dispute = await get(`/v1/disputes/${cases.dispute}`);
      expect([dispute.status, dispute.body.status]).toEqual([200, 'evidence_staged']);
      expect(dispute.body.evidence.customer_communication).toBe(`Customer ${marker} wrote: I never received it`);
      const dunning = await get(`/v1/dunning/${cases.dunning}`);
      expect(dunning.status).toBe(200);
      expect(dunning.body).toMatchObject({ status: 'cancelled', identity: { method: `sms to ${marker}` }, retentionOffer: { offer: `3 months at 50 % for ${marker}` }, cancellation: { reason: `${marker} moves abroad` } });
      expect(JSON.stringify([refund.body, dispute.body, dunning.body])).not.toContain('sealed:v1:');
    } finally {
      await readModelApi.stop();
    }
  });
});
