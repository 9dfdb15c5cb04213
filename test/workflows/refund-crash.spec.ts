import { refundWorkflow } from '../../src/workflows';
import { confirmIdentityUpdate, refundStatusQuery, retentionAnswerUpdate } from '../../src/workflows/billing/messages';
import { refundInput } from '../support/refunds';
import { stripeWorkerEnv } from '../support/stripe-worker-env';
import { waitFor } from '../support/wait-for';

describe('worker killed mid-refund', () => {
  const env = stripeWorkerEnv('refund-crash');

  it('refunds once: the gateway made the refund, the worker died before hearing back and Stripe forgot the key, the retry finds the refund', async () => {
    const { stripe, client, taskQueue } = env;
    const first = await env.spawn();
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd' });
    const sub = stripe.addSubscription();
    const input = refundInput({ chargeId: String(charge.id), subscriptionId: String(sub.id) });
    const h = await client.workflow.start(refundWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await waitFor(async () => (await h.query(refundStatusQuery)).state === 'retention_offered', { what: 'offer' });
    stripe.holdAnswer('/v1/refunds', 120_000, 'POST');
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    await waitFor(() => stripe.refundsFor(String(charge.id)) === 1, { what: 'the refund made at the gateway' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // And the worker stays down past Stripe's idempotency window (~24 h): the key is forgotten.
    stripe.forgetIdempotencyKeys();

    await env.spawn();
    // The attempt times out (15 s); the new worker's retry finds the case's refund on the charge by
    // metadata.caseId instead of sending a second one (the key alone would no longer replay it).
    const settling = await waitFor(async () => {
      const v = await h.query(refundStatusQuery);
      return v.refund?.gatewayRefundId ? v : undefined;
    }, { timeoutMs: 60_000, what: 'the retried request answered' });
    expect(stripe.refundsFor(String(charge.id))).toBe(1);
    expect(stripe.requestCount('POST', '/v1/refunds')).toBe(1);
    expect(settling.state).not.toBe('manual_remediation');
    stripe.settleRefund(settling.refund!.gatewayRefundId!, 'succeeded');
    await waitFor(async () => (await h.query(refundStatusQuery)).state === 'settled', { what: 'settled by polling' });
    expect(stripe.refundsFor(String(charge.id))).toBe(1);
  }, 120_000);
});
