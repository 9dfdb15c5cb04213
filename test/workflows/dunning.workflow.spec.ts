import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinBillingPolicy } from '../../src/domain/billing/billing-policy';
import { utcTime } from '../../src/domain/ui-details';
import { dunningWorkflow } from '../../src/workflows';
import { applyRetentionOfferUpdate, cancelSubscriptionNowUpdate, confirmDunningIdentityUpdate, DunningInput, dunningStatusQuery } from '../../src/workflows/billing/messages';
import type { StripeFake } from '../fakes/stripe';
import { uniqueTaskQueue } from '../support/harness';
import { stripeWorkflowEnv } from '../support/stripe-worker-env';
import { waitFor } from '../support/wait-for';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));

describe('dunning: identity before any account change', () => {
  const taskQueue = uniqueTaskQueue('dunning');
  const env = stripeWorkflowEnv(taskQueue);
  let stripe: StripeFake;
  let ds: DataSource;
  let client: Client;
  beforeAll(() => ({ stripe, ds, client } = env.ready()));

  /** The fixture's brand policy with a schedule long enough for an agent to act: the first message at 1 s, the cancellation at 2 min. */
  const start = async () => {
    const sub = String(stripe.addSubscription().id);
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const policy = pinBillingPolicy(fixtures.find('uoozee')!);
    const input: DunningInput = {
      caseId: `dunning-${invoiceId}`,
      invoiceId,
      subscriptionId: sub,
      customerId: 'cus_dun1',
      brand: 'uoozee',
      amountDueMinor: 999,
      currency: 'USD',
      failedAt: Date.now(),
      policy: {
        ...policy,
        dunning: {
          steps: [
            { afterMs: 1_000, kind: 'notify_update_card' },
            { afterMs: 60_000, kind: 'retention_offer' },
            { afterMs: 90_000, kind: 'final_notice' },
            { afterMs: 120_000, kind: 'cancel' },
          ],
        },
      },
    };
    const h = await client.workflow.start(dunningWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    return { h, input, sub };
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: unknown) => {
        expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
        return { type: cause.type, details: cause.details?.[0], message: cause.message };
      },
    );
  const eventTypes = async (id: string) => ((await ds.query(`SELECT type FROM billing_case_events WHERE case_id = $1 ORDER BY id`, [id])) as { type: string }[]).map((r) => r.type);

  it('refuses cancelling and applying an offer until the agent confirmed identity; then both go through, once', async () => {
    const { h, input, sub } = await start();
    const early = await refusal(h.executeUpdate(cancelSubscriptionNowUpdate, { args: [{ actor: 'agent-bo', reason: 'customer asked' }] }));
    expect(early).toMatchObject({ type: 'IdentityNotConfirmed', details: { missing: 'identityConfirmation', action: 'cancel_subscription' } });
    expect(early!.message).toMatch(/confirm the customer's identity/);
    expect(await refusal(h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: '3 months at 50 %' }] }))).toMatchObject({ type: 'IdentityNotConfirmed' });
    expect(stripe.subscription(sub)?.status).toBe('active');
    expect((await h.query(dunningStatusQuery)).identity).toBeNull();

    expect(await refusal(h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'card 4242424242424242' }] }))).toMatchObject({ type: 'InvalidValue', details: { field: 'method' } });
    const confirmed = await h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'one-time code to the account e-mail' }] });
    expect(confirmed.identity).toMatchObject({ confirmedBy: 'agent-bo', method: 'one-time code to the account e-mail' });
    expect(await refusal(h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-cy', method: 'sms' }] }))).toMatchObject({ type: 'InvalidTransition' });

    const offered = await h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: '3 months at 50 %' }] });
    expect(offered.retentionOffer).toMatchObject({ offer: '3 months at 50 %', appliedBy: 'agent-bo' });
    expect(await refusal(h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: 'again' }] }))).toMatchObject({ type: 'InvalidTransition' });

    const cancelled = await h.executeUpdate(cancelSubscriptionNowUpdate, { args: [{ actor: 'agent-bo', reason: 'customer asked to cancel' }] });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellation: { by: 'agent-bo', reason: 'customer asked to cancel' } });
    expect(stripe.subscription(sub)?.status).toBe('canceled');
    const result = await h.result();
    expect(result.status).toBe('cancelled');
    expect(await eventTypes(input.caseId)).toEqual(expect.arrayContaining(['opened', 'confirm_identity', 'retention_offer_applied', 'cancelled_by_agent']));
    const crm: { event: string }[] = await ds.query(`SELECT event FROM crm_updates WHERE case_id = $1 ORDER BY created_at`, [input.caseId]);
    expect(crm.map((c) => c.event)).toEqual(['dunning_offer_applied', 'dunning_cancelled_by_customer']);
    expect(stripe.requestCount('DELETE', `/v1/subscriptions/${sub}`)).toBe(1);
  });

  it('the schedule goes on while identity is pending: nothing on the account changes', async () => {
    const { h, input } = await start();
    await waitFor(async () => (await eventTypes(input.caseId)).includes('notify_update_card'), { what: 'the first dunning message recorded' });
    const v = await h.query(dunningStatusQuery);
    expect(v).toMatchObject({ status: 'dunning', identity: null, retentionOffer: null, cancellation: null });
    expect(v.steps.map((s) => s.done)).toEqual([true, false, false, false]);
    expect(await eventTypes(input.caseId)).toEqual(['opened', 'notify_update_card']);
    // The Temporal UI's details: what is next and when (UTC to the second), every step, the last actions.
    const { currentDetails } = await h.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(currentDetails).toContain(`**dunning** · dunning ${input.caseId} · invoice ${input.invoiceId}`);
    expect(currentDetails).toContain(`**Next:** dunning step 2: retention offer — ${utcTime(Date.parse(v.steps[1].at))}`);
    expect(currentDetails).toContain(`| step 1: notify update card | — | ${utcTime(Date.parse(v.steps[0].at))} | — | done |`);
    expect(currentDetails).toMatch(/- \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC · notify update card · system/);
    expect(currentDetails).not.toMatch(/\.\d{3}Z/);
    await h.terminate('test done');
  });
});
