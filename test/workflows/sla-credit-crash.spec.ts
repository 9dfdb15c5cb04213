import { randomUUID } from 'node:crypto';
import { slaCreditSettlementWorkflowId } from '../../src/domain/billing/sla-credit-settlement';
import { slaCreditSettlementWorkflow } from '../../src/workflows';
import { insertSlaCredit, slaCreditRow } from '../support/sla-credits';
import { stripeWorkerEnv } from '../support/stripe-worker-env';
import { waitFor } from '../support/wait-for';

describe('worker killed between the credit note and the database write', () => {
  const env = stripeWorkerEnv('sla-credit-crash');

  it('settles once: the gateway made the note, the worker died before hearing back, the retry finds the same note', async () => {
    const { stripe, client, ds, taskQueue } = env;
    const customer = `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
    stripe.addInvoice({ customer, amount: 100_000, currency: 'usd' });
    const key = await insertSlaCredit(ds, { customerRef: customer, owedMinor: 7_500 });
    const first = await env.spawn();
    stripe.holdAnswer('/v1/credit_notes', 120_000, 'POST');
    const h = await client.workflow.start(slaCreditSettlementWorkflow, { workflowId: slaCreditSettlementWorkflowId(key), taskQueue, args: [{ key }] });
    await waitFor(() => stripe.creditNotesFor(`sla-credit:${key}`) === 1, { what: 'the credit note made at the gateway' });
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await slaCreditRow(ds, key)).settled_at).toBeNull();

    await env.spawn();
    // The attempt times out (15 s); the new worker's retry gets the note made before the crash.
    const result = await h.result();
    expect(result.outcome).toBe('settled');
    expect(stripe.creditNotesFor(`sla-credit:${key}`)).toBe(1);
    expect(stripe.requestCount('POST', '/v1/credit_notes')).toBe(1);
    expect(await slaCreditRow(ds, key)).toMatchObject({ settled_at: expect.any(Date), settlement_ref: result.settlementRef });
    expect(stripe.creditNote(result.settlementRef!)).toMatchObject({ amount: 7_500, metadata: { sla_credit_key: key } });
  }, 120_000);
});
