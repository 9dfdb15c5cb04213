import { Client, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinBillingPolicy } from '../../src/domain/billing/billing-policy';
import { disputeWorkflow, dunningWorkflow, refundWorkflow } from '../../src/workflows';
import {
  addEvidenceUpdate,
  applyRetentionOfferUpdate,
  cancelSubscriptionNowUpdate,
  confirmDunningIdentityUpdate,
  confirmIdentityUpdate,
  disputeClosedSignal,
  DisputeInput,
  disputeStatusQuery,
  DunningInput,
  dunningStatusQuery,
  invoicePaidSignal,
  refundStatusQuery,
  refundUpdatedSignal,
  retentionAnswerUpdate,
} from '../../src/workflows/billing/messages';
import { NotifyWebhookFake, startNotifyWebhookFake } from '../fakes/notify-webhook';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { refundInput } from '../support/refunds';
import { queryOpened } from '../support/sealed-rows';
import { waitFor } from '../support/wait-for';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));
const H48 = 48 * 3_600_000;
const EventType = temporal.api.enums.v1.EventType;

/** The runs of one workflow ID, first to last, following each run's continued-as-new event. */
async function runChain(client: Client, workflowId: string, firstRunId: string): Promise<{ runId: string; events: temporal.api.history.v1.IHistoryEvent[] }[]> {
  const runs: { runId: string; events: temporal.api.history.v1.IHistoryEvent[] }[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const events: temporal.api.history.v1.IHistoryEvent[] = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    runs.push({ runId, events });
    const last = events[events.length - 1];
    runId = last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ? last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId : null;
  }
  return runs;
}

const acceptedUpdates = (events: temporal.api.history.v1.IHistoryEvent[]) => events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;

describe('billing cases continue as new with their state (issue 20)', () => {
  const taskQueue = uniqueTaskQueue('billing-can');
  let stripe: StripeFake;
  // Counts every delivery per key, duplicates included: a notification sent twice across a boundary shows here.
  let notify: NotifyWebhookFake;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;
  beforeAll(async () => {
    stripe = await startStripeFake();
    notify = await startNotifyWebhookFake();
    const config = testConfig({ STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, NOTIFY_WEBHOOK_URL: notify.url });
    ds = await openDataSource(config);
    client = await temporalClient(config);
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
    await stripe?.close();
    await notify?.close();
  });

  /** A contested dispute (9999 USD, product not received) whose internal deadline is `deadlineInMs` away. */
  const startDispute = async (runLimits: DisputeInput['runLimits'], deadlineInMs = 10 * 60_000) => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH90', last4: '4242' });
    const dueBy = Date.now() + H48 + deadlineInMs;
    const event = stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy });
    const disputeId = String((event.data as { object: { id: string } }).object.id);
    const input: DisputeInput = {
      caseId: `dispute-${disputeId}`,
      disputeId,
      chargeId: String(charge.id),
      brand: 'uoozee',
      amountMinor: 9999,
      currency: 'USD',
      reason: 'product_not_received',
      dueBy,
      policy: pinBillingPolicy(fixtures.find('uoozee')!),
      runLimits,
    };
    const h = await client.workflow.start(disputeWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    await waitFor(async () => (await h.query(disputeStatusQuery)).status === 'evidence_staged', { what: 'evidence staged' });
    return { h, input, disputeId };
  };
  const events = (caseId: string) =>
    // Event data is stored sealed under the case's key: opened as the API opens it.
    queryOpened<{ event_key: string; type: string; seq: number; data: Record<string, unknown> }>(ds, `SELECT event_key, type, seq::int AS seq, data FROM billing_case_events WHERE case_id = $1 ORDER BY seq`, [caseId]);
  const addEvidence = (h: WorkflowHandle, item: 'access_log' | 'cancellation_policy' | 'customer_communication', value: string) =>
    h.executeUpdate(addEvidenceUpdate, { args: [{ actor: 'agent-bo', item, value }] });

  it('a dispute worked through 30 evidence updates continues as new at least 3 times; every action is in the read model once, in order; it still submits once and closes', async () => {
    const { h, input, disputeId } = await startDispute({ updates: 5 });
    const sent: { item: 'access_log' | 'cancellation_policy'; value: string }[] = [];
    for (let i = 0; i < 30; i++) {
      const item = i % 2 === 0 ? 'access_log' : 'cancellation_policy';
      const value = `https://files.example/${item}/v${i}`;
      sent.push({ item, value });
      const view = await addEvidence(h, item, value);
      expect(view.evidence[item]).toBe(value);
    }
    const runs = await runChain(client, input.caseId, h.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const run of runs) expect(acceptedUpdates(run.events)).toBeLessThanOrEqual(5 + 5); // the budget, plus what came in while draining
    expect((await h.describe()).runId).toBe(runs[runs.length - 1].runId);

    // The state the actions imply, across the boundaries: the latest value per item, a bounded view.
    const view = await h.query(disputeStatusQuery);
    expect(view.status).toBe('evidence_staged');
    expect(view.evidence).toMatchObject({ access_log: sent[28].value, cancellation_policy: sent[29].value, authorization_code: 'AUTH90' });
    expect(view.missingEvidence).toEqual(['customer_communication']);
    expect(view.history.length).toBeLessThanOrEqual(20);
    expect(view.historyTruncated).toBe(true);

    // Every action exactly once, with its value, in the order sent; change numbers strictly increase.
    const rows = await waitFor(async () => {
      const r = await events(input.caseId);
      return r.filter((e) => e.type === 'evidence_added').length >= 30 ? r : undefined;
    }, { what: '30 evidence events' });
    const added = rows.filter((e) => e.type === 'evidence_added');
    expect(added.map((e) => e.data)).toEqual(sent);
    const seqs = rows.map((e) => e.seq);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
    expect(rows[0].type).toBe('opened');
    expect(view.historyTotal).toBe(rows.length);
    const [snap]: { version: number; state: string }[] = await ds.query(`SELECT version::int AS version, state FROM billing_cases WHERE id = $1`, [input.caseId]);
    expect(snap).toEqual({ version: seqs[seqs.length - 1], state: 'evidence_staged' });

    // The gateway: staged once per change (a continued run does not stage the same evidence again).
    const stage = stripe.requests.filter((r) => r.method === 'POST' && r.path === `/v1/disputes/${disputeId}` && r.params.submit !== 'true');
    expect(stage.filter((r) => r.replayed)).toEqual([]);
    expect(new Set(stage.map((r) => r.idempotencyKey)).size).toBe(stage.length);

    // The last item completes the checklist: submitted once, then won.
    await addEvidence(h, 'customer_communication', 'ticket-abc');
    await waitFor(async () => (await h.query(disputeStatusQuery)).status === 'submitted', { what: 'submitted' });
    await h.signal(disputeClosedSignal, { status: 'won' });
    const result = await h.result();
    expect(result.status).toBe('won');
    expect(stripe.submissionRequestsFor(disputeId)).toHaveLength(1);
  }, 120_000);

  it('20 concurrent evidence updates across a boundary: all accepted, none lost, none recorded twice', async () => {
    const { h, input } = await startDispute({ updates: 5 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => addEvidence(h, i % 2 ? 'access_log' : 'cancellation_policy', `https://files.example/concurrent/${i}`)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Failing cleanly would be a WorkflowUpdateFailedError; none is expected, none may be anything else.
    for (const f of failed) expect(f.reason).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(failed).toHaveLength(0);
    const rows = await waitFor(async () => {
      const r = await events(input.caseId);
      return r.filter((e) => e.type === 'evidence_added').length >= 20 ? r : undefined;
    }, { what: '20 evidence events' });
    const values = rows.filter((e) => e.type === 'evidence_added').map((e) => e.data.value as string);
    expect([...values].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `https://files.example/concurrent/${i}`).sort());
    expect(new Set(rows.map((e) => e.seq)).size).toBe(rows.length);
    const runs = await runChain(client, input.caseId, h.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    await h.terminate('test done');
  }, 120_000);

  it('a reminder and the internal deadline that fall after boundaries fire exactly once: one reminder, one submission, one missed-deadline notice', async () => {
    // Internal deadline 25 s away, its reminder 1 s before (test policy); the evidence updates end runs well before both.
    const { h, input, disputeId } = await startDispute({ updates: 2 }, 25_000);
    for (let i = 0; i < 6; i++) await addEvidence(h, 'access_log', `https://files.example/log/v${i}`);
    const notifications = async () => ((await ds.query(`SELECT kind FROM notifications WHERE ticket_id = $1 ORDER BY created_at`, [input.caseId])) as { kind: string }[]).map((n) => n.kind);
    expect(await notifications()).toEqual([]); // both timers are still pending when the runs have ended
    const before = await runChain(client, input.caseId, h.firstExecutionRunId);
    expect(before.length).toBeGreaterThanOrEqual(3);

    await waitFor(async () => (await h.query(disputeStatusQuery)).status === 'submitted', { what: 'submitted at the internal deadline', timeoutMs: 60_000 });
    const sent = await waitFor(async () => {
      const kinds = await notifications();
      return kinds.length >= 2 ? kinds : undefined;
    }, { what: 'the reminder and the missed-deadline notice' });
    await h.signal(disputeClosedSignal, { status: 'lost' });
    expect((await h.result()).status).toBe('lost');
    expect(await notifications()).toEqual(sent);
    expect(sent).toEqual(['dispute_reminder', 'dispute_deadline_missed']);
    expect([notify.deliveries.get(`${input.caseId}:dispute_reminder:0`), notify.deliveries.get(`${input.caseId}:dispute_deadline_missed:0`)]).toEqual([1, 1]);
    expect(stripe.submissionRequestsFor(disputeId)).toHaveLength(1);
    const types = (await events(input.caseId)).map((e) => e.type);
    expect(types.filter((t) => t === 'reminder')).toHaveLength(1);
    expect(types.filter((t) => t === 'submitted')).toHaveLength(1);
  }, 120_000);

  it('a refund left pending for long continues as new while settling: requested once, at-risk and breach told once each, settled by the webhook on a later run', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1', last4: '4242' });
    const chargeId = String(charge.id);
    // Polling every second (test policy) fills a small event budget within a few turns.
    const input = refundInput({ chargeId, subscriptionId: String(stripe.addSubscription().id), runLimits: { historyEvents: 40 } });
    const h = await client.workflow.start(refundWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await waitFor(async () => (await h.query(refundStatusQuery)).state === 'retention_offered', { what: 'retention offered' });
    await h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: false }] });
    // Breached (4 s after the request, test policy) and handed over at least twice.
    const settling = await waitFor(async () => {
      const v = await h.query(refundStatusQuery);
      const runs = await runChain(client, input.caseId, h.firstExecutionRunId);
      return v.state === 'settling' && v.settlement?.breachedAt && runs.length >= 3 ? v : undefined;
    }, { what: 'a breached refund settling in its third run', timeoutMs: 60_000 });
    expect(settling.refund).toMatchObject({ idempotencyKey: `refund:${input.caseId}`, status: 'pending', amountMinor: 9999 });
    const refundId = settling.refund!.gatewayRefundId!;

    stripe.settleRefund(refundId, 'succeeded');
    await h.signal(refundUpdatedSignal, { refundId, status: 'succeeded', failureReason: null });
    const result = await h.result();
    expect(result).toMatchObject({ state: 'settled', refund: { gatewayRefundId: refundId, status: 'succeeded' } });
    expect(result.settlement).toMatchObject({ atRiskSince: settling.settlement!.atRiskSince, breachedAt: settling.settlement!.breachedAt });

    // The money moved once: one refund request at the gateway, none replayed, whatever the runs.
    expect(stripe.refundsFor(chargeId)).toBe(1);
    expect(stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds')).toHaveLength(1);
    for (const kind of ['refund_settlement_at_risk', 'refund_settlement_breached', 'refund_receipt']) expect([kind, notify.deliveries.get(`${input.caseId}:${kind}`)]).toEqual([kind, 1]);
    const rows = await waitFor(async () => {
      const r = await events(input.caseId);
      return r.some((e) => e.type === 'refund_succeeded') ? r : undefined;
    }, { what: 'refund_succeeded recorded' });
    expect(rows.map((e) => e.type)).toEqual(['opened', 'confirm_identity', 'eligibility', 'offer_retention', 'decline_offer', 'subscription_cancelled', 'refund_pending', 'settlement_at_risk', 'settlement_breached', 'refund_succeeded']);
    expect(rows.every((e, i) => i === 0 || e.seq > rows[i - 1].seq)).toBe(true);
    const [snap]: { version: number; state: string }[] = await ds.query(`SELECT version::int AS version, state FROM billing_cases WHERE id = $1`, [input.caseId]);
    expect(snap).toEqual({ version: rows[rows.length - 1].seq, state: 'settled' });
  }, 120_000);

  it('a dunning case continues as new between its steps: each step once, the agent\'s offer carried (its scheduled message skipped), recovered on the latest run', async () => {
    const sub = String(stripe.addSubscription().id);
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const policy = pinBillingPolicy(fixtures.find('uoozee')!);
    const input: DunningInput = {
      caseId: `dunning-${invoiceId}`,
      invoiceId,
      subscriptionId: sub,
      customerId: 'cus_can2',
      brand: 'uoozee',
      amountDueMinor: 999,
      currency: 'USD',
      failedAt: Date.now(),
      policy: {
        ...policy,
        dunning: {
          steps: [
            { afterMs: 2_000, kind: 'notify_update_card' },
            { afterMs: 8_000, kind: 'retention_offer' },
            { afterMs: 12_000, kind: 'final_notice' },
            { afterMs: 120_000, kind: 'cancel' },
          ],
        },
      },
      // One accepted update spends a run: it hands over at the next step.
      runLimits: { updates: 1 },
    };
    const h = await client.workflow.start(dunningWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    const types = async () => (await events(input.caseId)).map((e) => e.type);
    // After the opening (an update sent with the start would be applied before it, and spend the run at once).
    await waitFor(async () => (await types()).includes('opened'), { what: 'opened recorded' });
    await h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    await waitFor(async () => (await h.describe()).runId !== h.firstExecutionRunId, { what: 'the second run' });
    const offered = await h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: '3 months at 50 %' }] });
    expect(offered.identity).toMatchObject({ confirmedBy: 'agent-bo' }); // carried from the first run
    await waitFor(async () => (await types()).includes('final_notice'), { what: 'the final notice', timeoutMs: 30_000 });
    const runs = await runChain(client, input.caseId, h.firstExecutionRunId);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    await h.signal(invoicePaidSignal, { at: Date.now() });
    const result = await h.result();
    expect(result).toMatchObject({ status: 'recovered', retentionOffer: { offer: '3 months at 50 %' } });
    expect(result.steps.map((s) => s.done)).toEqual([true, true, true, false]);
    const rows = await waitFor(async () => {
      const r = await events(input.caseId);
      return r.some((e) => e.type === 'recovered') ? r : undefined;
    }, { what: 'recovered recorded' });
    expect(rows.map((e) => e.type)).toEqual(['opened', 'confirm_identity', 'notify_update_card', 'retention_offer_applied', 'retention_offer_skipped', 'final_notice', 'recovered']);
    expect(rows.every((e, i) => i === 0 || e.seq > rows[i - 1].seq)).toBe(true);
    expect([notify.deliveries.get(`${input.caseId}:step:1`), notify.deliveries.get(`${input.caseId}:step:2`), notify.deliveries.get(`${input.caseId}:step:3`)]).toEqual([1, undefined, 1]);
    expect(stripe.subscription(sub)?.status).toBe('active');
  }, 120_000);

  // Refunds and dunning: every update is accepted at most once per case (its validator refuses a
  // repeat: the state moved on synchronously in the first one's handler), so their accepted updates
  // cannot pile up. Fifty attempts of each, concurrent, leave one accepted update each in history.
  const attempts = <T>(n: number, send: () => Promise<T>) => Promise.allSettled(Array.from({ length: n }, send));
  const fulfilled = (r: PromiseSettledResult<unknown>[]) => r.filter((x) => x.status === 'fulfilled').length;

  it('refund: 50 attempts of each update leave exactly one accepted update of each in history', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1', last4: '4242' });
    const sub = stripe.addSubscription();
    const input = refundInput({ chargeId: String(charge.id), subscriptionId: String(sub.id) });
    // A retention window long enough for all the attempts to arrive while it is open.
    input.policy = { ...input.policy, refunds: { ...input.policy.refunds, retentionOfferWindowMs: 60_000, identityTimeoutMs: 60_000 } };
    const h = await client.workflow.start(refundWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    expect(fulfilled(await attempts(50, () => h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] })))).toBe(1);
    await waitFor(async () => (await h.query(refundStatusQuery)).state === 'retention_offered', { what: 'retention offered' });
    expect(fulfilled(await attempts(50, () => h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: 'agent-bo', accepted: true }] })))).toBe(1);
    expect((await h.result()).state).toBe('retained');
    const history = (await h.fetchHistory()).events ?? [];
    expect(acceptedUpdates(history)).toBe(2);
    expect(history.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)).toBe(false);
  }, 120_000);

  it('dunning: 50 attempts of each update leave exactly one accepted update of each in history', async () => {
    const sub = String(stripe.addSubscription().id);
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const policy = pinBillingPolicy(fixtures.find('uoozee')!);
    const input: DunningInput = {
      caseId: `dunning-${invoiceId}`,
      invoiceId,
      subscriptionId: sub,
      customerId: 'cus_can1',
      brand: 'uoozee',
      amountDueMinor: 999,
      currency: 'USD',
      failedAt: Date.now(),
      policy: { ...policy, dunning: { steps: [{ afterMs: 60_000, kind: 'notify_update_card' }, { afterMs: 120_000, kind: 'cancel' }] } },
    };
    const h = await client.workflow.start(dunningWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    expect(fulfilled(await attempts(50, () => h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] })))).toBe(1);
    expect(fulfilled(await attempts(50, () => h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: '3 months at 50 %' }] })))).toBe(1);
    expect(fulfilled(await attempts(50, () => h.executeUpdate(cancelSubscriptionNowUpdate, { args: [{ actor: 'agent-bo', reason: 'customer asked' }] })))).toBe(1);
    expect((await h.result()).status).toBe('cancelled');
    expect(acceptedUpdates((await h.fetchHistory()).events ?? [])).toBe(3);
    expect(stripe.requestCount('DELETE', `/v1/subscriptions/${sub}`)).toBe(1);
    expect((await h.query(dunningStatusQuery)).retentionOffer).toMatchObject({ offer: '3 months at 50 %' });
  }, 120_000);
});
