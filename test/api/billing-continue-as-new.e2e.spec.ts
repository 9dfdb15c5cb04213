import { Client } from '@temporalio/client';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinBillingPolicy } from '../../src/domain/billing/billing-policy';
import { disputeWorkflow } from '../../src/workflows';
import type { DisputeInput } from '../../src/workflows/billing/messages';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { createKey, openDataSource, RunningApi, RunningWorker, startApi, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait-for';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));
const H48 = 48 * 3_600_000;

/** The API follows a dispute across continue-as-new: GET, its events and its actions keep working. */
describe('billing cases over HTTP after continue-as-new', () => {
  let stripe: StripeFake;
  let ds: DataSource;
  let worker: RunningWorker;
  let api: RunningApi;
  let client: Client;
  let http: ReturnType<typeof httpClient>;
  let agent: string;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    stripe = await startStripeFake();
    config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('billing-can-e2e'), STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, BILLING_WEBHOOK_SECRET: stripe.webhookSecret });
    ds = await openDataSource(config);
    worker = await startWorker(config, ds);
    api = await startApi(config);
    client = await temporalClient(config);
    http = httpClient(api.baseUrl);
    agent = await createKey(ds, 'agent');
  });
  afterAll(async () => {
    await client?.connection.close();
    await api?.stop();
    await worker?.stop();
    await ds?.destroy();
    await stripe?.close();
  });

  it('GET, the paged events and evidence keep working on a dispute that continued as new; the closing webhook reaches its latest run', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH91', last4: '4242' });
    const dueBy = Date.now() + H48 + 10 * 60_000;
    const created = stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy });
    const disputeId = String((created.data as { object: { id: string } }).object.id);
    const caseId = `dispute-${disputeId}`;
    // Started as the webhook would, with a small budget (tests only: the API never sets one).
    const input: DisputeInput = { caseId, disputeId, chargeId: String(charge.id), brand: 'uoozee', amountMinor: 9999, currency: 'USD', reason: 'product_not_received', dueBy, policy: pinBillingPolicy(fixtures.find('uoozee')!), runLimits: { updates: 2 } };
    const h = await client.workflow.start(disputeWorkflow, { workflowId: caseId, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [input] });
    await waitFor(async () => (await http('GET', `/v1/disputes/${caseId}`, { key: agent })).body.status === 'evidence_staged', { what: 'evidence staged' });

    for (let i = 0; i < 6; i++) {
      const res = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: agent, body: { item: 'access_log', value: `https://files.example/log/v${i}` } });
      expect(res.status).toBe(200);
      expect(res.body.evidence.access_log).toBe(`https://files.example/log/v${i}`);
    }
    const latestRun = (await h.describe()).runId;
    expect(latestRun).not.toBe(h.firstExecutionRunId);

    const got = await http('GET', `/v1/disputes/${caseId}`, { key: agent });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'evidence_staged', evidence: { access_log: 'https://files.example/log/v5' }, missingEvidence: ['cancellation_policy', 'customer_communication'] });

    // The whole history, three at a time, in the case's order.
    const items: { seq: number; type: string; data: { value?: string } }[] = await waitFor(async () => {
      const all: { seq: number; type: string; data: { value?: string } }[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { seq: number; type: string; data: { value?: string } }[]; nextCursor: string | null } } = await http('GET', `/v1/disputes/${caseId}/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key: agent });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return all.filter((e) => e.type === 'evidence_added').length >= 6 ? all : undefined;
    }, { what: 'six evidence events' });
    expect(items.filter((e) => e.type === 'evidence_added').map((e) => e.data.value)).toEqual(Array.from({ length: 6 }, (_, i) => `https://files.example/log/v${i}`));
    expect(items.every((e, i) => i === 0 || e.seq > items[i - 1].seq)).toBe(true);
    const badCursor = await http('GET', `/v1/disputes/${caseId}/events?cursor=nonsense`, { key: agent });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([{ field: 'query:cursor', message: expect.any(String) }]);

    // An action on the latest run completes the checklist: submitted once; the webhook closes it.
    for (const [item, value] of [
      ['cancellation_policy', 'https://uoozee.example/terms#cancellation'],
      ['customer_communication', 'ticket-can-1'],
    ]) {
      expect((await http('POST', `/v1/disputes/${caseId}/evidence`, { key: agent, body: { item, value } })).status).toBe(200);
    }
    await waitFor(async () => (await http('GET', `/v1/disputes/${caseId}`, { key: agent })).body.status === 'submitted', { what: 'submitted' });
    const { body, header } = stripe.signedEvent(stripe.resolveDispute(disputeId, 'won'));
    const hook = await fetch(`${api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(((await hook.json()) as { action: string }).action).toBe(`signalled ${caseId}`);
    await waitFor(async () => (await http('GET', `/v1/disputes/${caseId}`, { key: agent })).body.status === 'won', { what: 'won' });
    expect(stripe.submissionRequestsFor(disputeId)).toHaveLength(1);
  }, 120_000);
});
