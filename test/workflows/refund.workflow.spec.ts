import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { refundWorkflow } from '../../src/workflows';
import { confirmIdentityUpdate, refundStatusQuery, refundUpdatedSignal, RefundView, retentionAnswerUpdate } from '../../src/workflows/billing/messages';
import { arnFor, StripeFake } from '../fakes/stripe';
import { uniqueTaskQueue } from '../support/harness';
import { stripeWorkflowEnv } from '../support/stripe-worker-env';
import { refundInput } from '../support/refunds';
import { queryOpened, testSealer } from '../support/sealed-rows';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;

describe('refund cases against a Stripe-speaking gateway', () => {
  const taskQueue = uniqueTaskQueue('refund');
  const env = stripeWorkflowEnv(taskQueue);
  let stripe: StripeFake;
  let ds: DataSource;
  let client: Client;
  beforeAll(() => ({ stripe, ds, client } = env.ready()));

  const seed = (amount = 9999) => {
    const charge = stripe.addCharge({ amount, currency: 'usd', authorizationCode: 'A1B2C3', last4: '4242' });
    const sub = stripe.addSubscription();
    return { chargeId: String(charge.id), subscriptionId: String(sub.id) };
  };
  const start = (overrides: Parameters<typeof refundInput>[0]) => {
    const input = refundInput(overrides);
    return client.workflow.start(refundWorkflow, { workflowId: input.caseId, taskQueue, args: [input] }).then((h) => ({ h, input }));
  };
  const until = (h: { query: (q: typeof refundStatusQuery) => Promise<RefundView> }, state: string) =>
    waitFor(async () => {
      const v = await h.query(refundStatusQuery);
      return v.state === state ? v : undefined;
    }, { what: `state ${state}` });
  const eventTypes = async (id: string) => ((await ds.query(`SELECT type FROM billing_case_events WHERE case_id = $1 ORDER BY id`, [id])) as { type: string }[]).map((r) => r.type);

  it('annual plan inside 14 days: identity, offer declined, cancelled, one full refund, settled by the webhook, receipt and CRM', async () => {
    const { chargeId, subscriptionId } = seed();
    const { h, input } = await start({ chargeId, subscriptionId });
    expect((await h.query(refundStatusQuery)).state).toBe('identity_pending');
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    const offered = await until(h, 'retention_offered');
    expect(offered.eligibility).toMatchObject({ kind: 'full', amountMinor: 9999, currency: 'USD' });
    expect(offered.eligibility!.rule).toMatch(/14-day refund window/);
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    const settling = await until(h, 'settling');
    expect(settling.refund).toMatchObject({ idempotencyKey: `refund:${input.caseId}`, amountMinor: 9999, status: 'pending' });
    expect(settling.charge).toEqual({ id: chargeId, paymentIntentId: expect.stringMatching(/^pi_/), authorizationCode: 'A1B2C3', brand: 'visa', last4: '4242', disputed: false });
    expect(settling.refund!.traceNumber).toBeNull(); // the network has not assigned the ARN yet
    expect(stripe.subscription(subscriptionId)?.status).toBe('canceled');

    stripe.settleRefund(settling.refund!.gatewayRefundId!, 'succeeded');
    await h.signal(refundUpdatedSignal, { refundId: settling.refund!.gatewayRefundId!, status: 'succeeded', failureReason: null });
    const settled = await until(h, 'settled');
    expect(settled.refund!.settledAt).not.toBeNull();
    // Settled by the webhook: the trace number is read from the gateway and recorded on the case.
    expect(settled.refund!.traceNumber).toBe(arnFor(settling.refund!.gatewayRefundId!));
    const [row]: { snapshot: RefundView }[] = await waitFor(async () => {
      const rows = await queryOpened<{ snapshot: RefundView }>(ds, `SELECT snapshot FROM billing_cases WHERE id = $1 AND state = 'settled'`, [input.caseId]);
      return rows.length ? rows : undefined;
    }, { what: 'settled snapshot' });
    expect(row.snapshot.refund!.traceNumber).toBe(settled.refund!.traceNumber);
    expect(row.snapshot.charge).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(stripe.refundsFor(chargeId)).toBe(1);
    await waitFor(async () => (await eventTypes(input.caseId)).includes('refund_succeeded'), { what: 'recorded' });
    // The receipt and the CRM follow the settlement record.
    const crm = await waitFor(async () => {
      const rows: { event: string }[] = await ds.query(`SELECT event FROM crm_updates WHERE case_id = $1`, [input.caseId]);
      return rows.length ? rows : undefined;
    }, { what: 'CRM updated' });
    expect(crm.map((c) => c.event)).toEqual(['refunded']);
    const receipt = await queryOpened<{ kind: string; recipient: string }>(ds, `SELECT kind, recipient FROM notifications WHERE ticket_id = $1`, [input.caseId]);
    expect(receipt).toEqual([{ kind: 'refund_receipt', recipient: 'cust_4711' }]);
    const types = await eventTypes(input.caseId);
    expect(types.slice(0, 7)).toEqual(['opened', 'confirm_identity', 'eligibility', 'offer_retention', 'decline_offer', 'subscription_cancelled', 'refund_pending']);
  });

  it('a monthly cancellation is refunded pro rata, rounded down, and settles by polling; the gateway retry makes no second refund', async () => {
    const { chargeId, subscriptionId } = seed(1000);
    const now = Date.now();
    // 10 of 30 days unused, price 1000 minor units → floor(1000 × 10/30) = 333.
    const { h } = await start({ chargeId, subscriptionId, plan: { interval: 'month', priceMinor: 1000, currency: 'USD' }, purchasedAt: now - 20 * DAY, currentPeriod: { start: now - 20 * DAY, end: now + 10 * DAY } });
    stripe.failNext(1, 500); // the first refund request fails at the gateway: retried with the same key
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'sms code' }] });
    await until(h, 'retention_offered');
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    const settling = await waitFor(async () => {
      const v = await h.query(refundStatusQuery);
      return v.refund?.gatewayRefundId ? v : undefined;
    }, { what: 'refund created' });
    expect(settling.eligibility!.kind).toBe('pro_rata');
    expect(settling.refund!.amountMinor).toBe(333);
    stripe.settleRefund(settling.refund!.gatewayRefundId!, 'succeeded'); // no webhook: the workflow polls
    const polled = await until(h, 'settled');
    expect(polled.refund!.traceNumber).toBe(arnFor(settling.refund!.gatewayRefundId!));
    expect(stripe.refundsFor(chargeId)).toBe(1);
  });

  it('identity never confirmed: the case fails and no money moves', async () => {
    const { chargeId, subscriptionId } = seed();
    const { h } = await start({ chargeId, subscriptionId });
    const failed = await until(h, 'failed');
    expect(failed.eligibility).toBeNull();
    expect(stripe.refundsFor(chargeId)).toBe(0);
    expect(stripe.subscription(subscriptionId)?.status).toBe('active');
  });

  it('an accepted retention offer keeps the subscription and refunds nothing', async () => {
    const { chargeId, subscriptionId } = seed();
    const { h, input } = await start({ chargeId, subscriptionId });
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await until(h, 'retention_offered');
    const retained = await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: true }] });
    expect(retained.state).toBe('retained');
    await waitFor(async () => ((await ds.query(`SELECT 1 FROM crm_updates WHERE case_id = $1 AND event = 'retained'`, [input.caseId])) as unknown[]).length === 1, { what: 'CRM told' });
    expect(stripe.refundsFor(chargeId)).toBe(0);
    expect(stripe.subscription(subscriptionId)?.status).toBe('active');
  });

  it('warns at the settlement at-risk point, records the breach, and sends a failed refund to manual remediation with the reason', async () => {
    const { chargeId, subscriptionId } = seed();
    const { h, input } = await start({ chargeId, subscriptionId });
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await until(h, 'retention_offered');
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    const breached = await waitFor(async () => {
      const v = await h.query(refundStatusQuery);
      return v.settlement?.breachedAt ? v : undefined;
    }, { what: 'settlement breach (4 s test window)' });
    expect(Date.parse(breached.settlement!.atRiskSince!)).toBeGreaterThanOrEqual(Date.parse(breached.settlement!.warnAt));
    expect(Date.parse(breached.settlement!.breachedAt!)).toBeGreaterThanOrEqual(Date.parse(breached.settlement!.breachAt));
    stripe.settleRefund(breached.refund!.gatewayRefundId!, 'failed', 'expired_or_canceled_card');
    const remediation = await until(h, 'manual_remediation');
    expect(remediation.remediationReason).toMatch(/expired_or_canceled_card/);
    // The state shows manual_remediation before its 'escalate' event is recorded: wait for it.
    const expected = ['settlement_at_risk', 'settlement_breached', 'refund_failed', 'escalate'];
    const types = await waitFor(async () => {
      const found = await eventTypes(input.caseId);
      return expected.every((t) => found.includes(t)) ? found : undefined;
    }, { what: 'the escalate event' });
    expect(types).toEqual(expect.arrayContaining(expected));
  });

  it('a record the card-data guard refuses moves the case to manual remediation at once, stored with the last four digits only', async () => {
    const { chargeId, subscriptionId } = seed();
    // An agent typed the card number where the customer reference goes (the API refuses it; a direct start does not).
    const { h, input } = await start({ chargeId, subscriptionId, customerRef: 'cust 4242 4242 4242 4242' });
    const v = await until(h, 'manual_remediation');
    expect(v.remediationReason).toMatch(/card data at snapshot\.customerRef/);
    expect(JSON.stringify(v)).not.toContain('4242 4242 4242 4242');
    expect(v.customerRef).toBe('cust •••• 4242');
    const result = await h.result();
    expect(result.state).toBe('manual_remediation');
    // Refused once, not retried: one failed attempt in history.
    const history = await h.fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toHaveLength(1);
    // Opened (the snapshot is sealed): the plaintext itself must hold no card number.
    const [row] = await queryOpened<{ state: string; customer_ref: string; snapshot: RefundView }>(ds, `SELECT state, customer_ref, snapshot FROM billing_cases WHERE id = $1`, [input.caseId]);
    expect(row.state).toBe('manual_remediation');
    expect(row.snapshot.customerRef).toBe('cust •••• 4242');
    expect(row.customer_ref).toBe(testSealer().pseudonym('cust •••• 4242'));
    expect(JSON.stringify(row)).not.toContain('4242 4242 4242 4242');
    expect(await eventTypes(input.caseId)).toEqual(['card_data_refused']);
    const told: { kind: string }[] = await ds.query(`SELECT kind FROM notifications WHERE ticket_id = $1`, [input.caseId]);
    expect(told.map((n) => n.kind)).toEqual(['refund_remediation']);
    expect(stripe.refundsFor(chargeId)).toBe(0);
  });

  it('never refunds a disputed charge', async () => {
    const { chargeId, subscriptionId } = seed();
    stripe.addDispute({ charge: chargeId, dueBy: Date.now() + 7 * DAY });
    const { h } = await start({ chargeId, subscriptionId });
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await until(h, 'retention_offered');
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    const v = await until(h, 'manual_remediation');
    expect(v.remediationReason).toMatch(/disputed/);
    expect(stripe.refundsFor(chargeId)).toBe(0);
  });
});
