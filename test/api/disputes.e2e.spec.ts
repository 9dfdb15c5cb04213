import { StripeGateway } from '../../src/integrations/billing/stripe-gateway';
import { SeedCharge, startStripeFake } from '../fakes/stripe';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addEvidenceUpdate } from '../../src/workflows/billing/messages';
import { temporalClient, useApiStack } from '../support/harness';
import { queryOpened } from '../support/sealed-rows';
import { waitFor } from '../support/wait-for';

const H48 = 48 * 3_600_000;

/** Chargebacks as the gateway reports them (signed webhooks) and agents work them. */
describe('chargebacks over HTTP', () => {
  const stack = useApiStack((f) => ({ STRIPE_API_KEY: f.stripe.apiKey, STRIPE_API_BASE: f.stripe.url, BILLING_WEBHOOK_SECRET: f.stripe.webhookSecret }), { label: 'disputes-e2e', fakes: { stripe: startStripeFake }, keys: ['agent'] });
  const http: typeof stack.http = (...args) => stack.http(...args);

  const deliver = async (event: Record<string, unknown>) => {
    const { body, header } = stack.fakes.stripe.signedEvent(event);
    const res = await fetch(`${stack.api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    return (await res.json()) as { action: string; duplicate: boolean };
  };
  const dispute = (reason: string, dueInMs: number, charged: Partial<SeedCharge> = {}) => {
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH77', last4: '4242', ...charged });
    const event = stack.fakes.stripe.addDispute({ charge: String(charge.id), reason, dueBy: Date.now() + H48 + dueInMs });
    return { event, disputeId: String((event.data as { object: { id: string } }).object.id) };
  };
  const read = (id: string) => http('GET', `/v1/disputes/${id}`, { key: stack.keys.agent }).then((r) => r.body);
  /** The dispute view once it shows this status (waits on the workflow, as an agent's screen would refresh). */
  const readWhen = (id: string, status: string, what: string, timeoutMs?: number) =>
    waitFor(async () => {
      const d = await read(id);
      return d.status === status ? d : undefined;
    }, { what, timeoutMs });

  it('collects the evidence, submits it exactly once when complete, and records the outcome', async () => {
    const { event, disputeId } = dispute('product_not_received', 60_000);
    const caseId = `dispute-${disputeId}`;
    expect((await deliver(event)).action).toBe(`started ${caseId}`);
    expect((await deliver(event)).duplicate).toBe(true);
    const staged = await readWhen(caseId, 'evidence_staged', 'evidence staged');
    expect(staged.decision.decision).toBe('contest');
    expect(staged.evidence).toMatchObject({ transaction_id: expect.stringMatching(/^ch_/), authorization_code: 'AUTH77' });
    expect(staged.card).toEqual({ brand: 'visa', last4: '4242', threeDSecure: null });
    expect(staged.paymentIntentId).toBe((stack.fakes.stripe.dispute(disputeId) as { payment_intent: string }).payment_intent);
    expect(staged.paymentIntentId).toMatch(/^pi_/);
    expect(staged.missingEvidence).toEqual(['access_log', 'cancellation_policy', 'customer_communication']);
    expect(Date.parse(staged.internalDeadline)).toBe(Date.parse(staged.dueBy) - H48);
    // The read model follows the move on its own (no later action needed): its state and the event.
    await waitFor(async () => {
      const [row]: { state: string }[] = await stack.ds.query(`SELECT state FROM billing_cases WHERE id = $1`, [caseId]);
      const events: { type: string }[] = await stack.ds.query(`SELECT type FROM billing_case_events WHERE case_id = $1`, [caseId]);
      return row?.state === 'evidence_staged' && events.some((e) => e.type === 'evidence_staged');
    }, { what: 'the read model at evidence_staged' });

    for (const [item, value] of [
      ['access_log', 'https://files.example/access-log.csv'],
      ['cancellation_policy', 'https://uoozee.example/terms#cancellation'],
      ['customer_communication', 'ticket-abcdefghijklmnopqrstuvwxyz'],
    ]) {
      expect((await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item, value } })).status).toBe(200);
    }
    const submitted = await readWhen(caseId, 'submitted', 'submitted');
    // Early, on the complete checklist: before our own deadline, not at it.
    expect(Date.parse(submitted.submittedAt)).toBeLessThanOrEqual(Date.parse(submitted.internalDeadline));
    expect(submitted.missingEvidence).toEqual([]);
    const atGateway = stack.fakes.stripe.dispute(disputeId) as { status: string; evidence_details: { submission_count: number } };
    expect(atGateway.status).toBe('under_review');
    expect(atGateway.evidence_details.submission_count).toBe(1);
    const submissions = stack.fakes.stripe.submissionRequestsFor(disputeId);
    expect(submissions.map((r) => r.status)).toEqual([200]);
    expect(submissions[0].idempotencyKey).toMatch(new RegExp(`^dispute-evidence:${disputeId}:submit:`));
    const recorded = await waitFor(async () => {
      const rows = await queryOpened<{ data: Record<string, unknown> }>(stack.ds, `SELECT data FROM billing_case_events WHERE event_key = $1`, [`${caseId}:submitted`]);
      return rows[0];
    }, { what: 'the submitted event row' });
    expect(recorded.data).toMatchObject({ trigger: 'checklist_complete', missing: [], beforeInternalDeadline: true });
    const late = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item: 'access_log', value: 'x' } });
    expect([late.status, late.body.state]).toEqual([409, 'submitted']);

    expect((await deliver(stack.fakes.stripe.resolveDispute(disputeId, 'won'))).action).toBe(`signalled ${caseId}`);
    await waitFor(async () => (await read(caseId)).status === 'won', { what: 'won' });
  });

  it('refuses evidence holding a card number, at the API and in the workflow, so it never reaches history', async () => {
    const { event, disputeId } = dispute('product_not_received', 60_000);
    const caseId = `dispute-${disputeId}`;
    await deliver(event);
    await waitFor(async () => (await read(caseId)).status === 'evidence_staged', { what: 'evidence staged' });
    const pasted = 'customer wrote: my card is 4242 4242 4242 4242, exp 12/30';
    const refused = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item: 'customer_communication', value: pasted } });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.errors).toEqual([{ field: 'value', message: expect.stringMatching(/card number/) }]); // the card-data pipe's refusal
    expect(JSON.stringify(refused.body)).not.toContain('4242 4242');
    // The workflow's own validator refuses it too (a client that bypasses the API).
    const client = await temporalClient(stack.config);
    try {
      const h = client.workflow.getHandle(caseId);
      const err = await h.executeUpdate(addEvidenceUpdate, { args: [{ actor: 'agent-x', item: 'customer_communication', value: pasted }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('InvalidValue');
      const history = await h.fetchHistory();
      expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(0);
    } finally {
      await client.connection.close();
    }
    const after = await read(caseId);
    expect(after.evidence.customer_communication).toBeUndefined();
    // Opened (event data is stored sealed): no stored event holds the card number in its plaintext.
    const stored = await queryOpened<{ data: unknown }>(stack.ds, `SELECT data FROM billing_case_events WHERE case_id = $1`, [caseId]);
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toContain('4242 4242');
  });

  it('a gateway answer holding a card number stops the case in manual remediation, not in a retry loop', async () => {
    // A gateway bug puts a card number where the authorization code goes: the record guard refuses it.
    const { event, disputeId } = dispute('product_not_received', 60_000, { authorizationCode: '4000 0566 5566 5556' });
    const caseId = `dispute-${disputeId}`;
    await deliver(event);
    const stopped = await readWhen(caseId, 'manual_remediation', 'manual remediation');
    expect(stopped.remediationReason).toMatch(/card data at snapshot\.evidence\.authorization_code/);
    expect(stopped.evidence.authorization_code).toBe('•••• 5556');
    const row = await waitFor(async () => {
      const rows = await queryOpened<{ state: string; snapshot: { evidence: Record<string, unknown> } }>(stack.ds, `SELECT state, snapshot FROM billing_cases WHERE id = $1 AND state = 'manual_remediation'`, [caseId]);
      return rows[0];
    }, { what: 'remediation recorded' });
    expect(row.snapshot.evidence.authorization_code).toBe('•••• 5556');
    expect(JSON.stringify(row.snapshot)).not.toContain('4000 0566');
    const told = await waitFor(async () => {
      const rows: { kind: string }[] = await stack.ds.query(`SELECT kind FROM notifications WHERE ticket_id = $1`, [caseId]);
      return rows.length ? rows : undefined;
    }, { what: 'a person told' });
    expect(told.map((n) => n.kind)).toEqual(['refund_remediation']);
    const late = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item: 'access_log', value: 'https://files.example/log.csv' } });
    expect(late.status).toBe(409);
  });

  it('submits what is staged at the internal deadline, exactly once, when the checklist is incomplete', async () => {
    // The test policy's margin is 48 h (reminder 1 s before): the internal deadline falls ~15 s after
    // opening — time for the webhook, the staging and the agent's evidence on a loaded machine.
    const { event, disputeId } = dispute('subscription_canceled', 15_000);
    await deliver(event);
    const caseId = `dispute-${disputeId}`;
    await waitFor(async () => (await read(caseId)).status === 'evidence_staged', { what: 'evidence staged' });
    expect((await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item: 'access_log', value: 'https://files.example/access-log.csv' } })).status).toBe(200);

    const submitted = await readWhen(caseId, 'submitted', 'submitted at the internal deadline', 60_000);
    // At the internal deadline (not before: the checklist was incomplete), well ahead of the network's due_by.
    expect(Date.parse(submitted.submittedAt)).toBeGreaterThanOrEqual(Date.parse(submitted.internalDeadline));
    expect(Date.parse(submitted.submittedAt)).toBeLessThan(Date.parse(submitted.dueBy));
    expect(submitted.missingEvidence).toEqual(['cancellation_policy', 'customer_communication']);
    expect(submitted.history.map((h: { type: string }) => h.type)).not.toContain('internal_deadline_missed');
    const recorded = await waitFor(async () => {
      const rows = await queryOpened<{ data: Record<string, unknown> }>(stack.ds, `SELECT data FROM billing_case_events WHERE event_key = $1`, [`${caseId}:submitted`]);
      return rows[0];
    }, { what: 'the submitted event row' });
    expect(recorded.data).toMatchObject({ trigger: 'internal_deadline', missing: ['cancellation_policy', 'customer_communication'], beforeInternalDeadline: false, beforeDueBy: true });

    // What was staged went to the network, under the same kind of key as the complete-checklist path.
    const atGateway = stack.fakes.stripe.dispute(disputeId) as { status: string; evidence: { access_activity_log: string | null; uncategorized_text: string | null }; evidence_details: { submission_count: number } };
    expect(atGateway.status).toBe('under_review');
    expect(atGateway.evidence_details.submission_count).toBe(1);
    expect(atGateway.evidence.access_activity_log).toBe('https://files.example/access-log.csv');
    expect(atGateway.evidence.uncategorized_text).toContain('Authorization code: AUTH77');
    expect(stack.fakes.stripe.submissionRequestsFor(disputeId).map((r) => [r.status, r.idempotencyKey?.startsWith(`dispute-evidence:${disputeId}:submit:`)])).toEqual([[200, true]]);

    // An agent's evidence after it is refused, naming the state.
    const late = await http('POST', `/v1/disputes/${caseId}/evidence`, { key: stack.keys.agent, body: { item: 'customer_communication', value: 'ticket-late' } });
    expect([late.status, late.body.state]).toEqual([409, 'submitted']);

    // The reminder before, and a person told what was missing when it went.
    const sent = await waitFor(async () => {
      const rows = await queryOpened<{ kind: string; summary: string }>(stack.ds, `SELECT kind, summary FROM notifications WHERE ticket_id = $1 ORDER BY created_at`, [caseId]);
      return rows.length >= 2 ? rows : undefined;
    }, { what: 'notifications' });
    expect(sent.map((n) => n.kind)).toEqual(['dispute_reminder', 'dispute_deadline_missed']);
    expect(sent[1].summary).toMatch(/cancellation_policy, customer_communication.*submitted/);

    // Exactly once, also once the case has run to its end.
    expect((await deliver(stack.fakes.stripe.resolveDispute(disputeId, 'lost'))).action).toBe(`signalled ${caseId}`);
    await waitFor(async () => (await read(caseId)).status === 'lost', { what: 'lost' });
    const client = await temporalClient(stack.config);
    try {
      await client.workflow.getHandle(caseId).result();
    } finally {
      await client.connection.close();
    }
    expect(stack.fakes.stripe.submissionRequestsFor(disputeId)).toHaveLength(1);
    expect((stack.fakes.stripe.dispute(disputeId) as { evidence_details: { submission_count: number } }).evidence_details.submission_count).toBe(1);
  }, 120_000); // a 15 s internal deadline, then the outcome

  it('concedes when policy says so: an unprotected fraud claim is accepted, not contested', async () => {
    const { event, disputeId } = dispute('fraudulent', 60_000);
    await deliver(event);
    const accepted = await readWhen(`dispute-${disputeId}`, 'accepted', 'accepted');
    expect(accepted.decision.rule).toMatch(/3-D Secure/);
    expect(accepted.card.threeDSecure).toBeNull();
    expect((stack.fakes.stripe.dispute(disputeId) as { status: string }).status).toBe('lost');
  });

  it('contests a fraud claim on a payment authenticated with 3-D Secure (the charge says so)', async () => {
    const { event, disputeId } = dispute('fraudulent', 60_000, { threeDSecure: 'authenticated' });
    await deliver(event);
    const staged = await readWhen(`dispute-${disputeId}`, 'evidence_staged', 'evidence staged');
    expect(staged.decision).toEqual({ decision: 'contest', rule: expect.stringMatching(/authenticated with 3-D Secure/) });
    expect(staged.card.threeDSecure).toBe('authenticated');
    expect(stack.fakes.stripe.requestCount('POST', `/v1/disputes/${disputeId}/close`)).toBe(0);
    expect((stack.fakes.stripe.dispute(disputeId) as { status: string }).status).toBe('needs_response');
  });

  it('still concedes a fraud claim whose 3-D Secure attempt failed (no liability shift)', async () => {
    const { event, disputeId } = dispute('fraudulent', 60_000, { threeDSecure: 'failed' });
    await deliver(event);
    const accepted = await readWhen(`dispute-${disputeId}`, 'accepted', 'accepted');
    expect(accepted.card.threeDSecure).toBe('failed');
    expect((stack.fakes.stripe.dispute(disputeId) as { status: string }).status).toBe('lost');
  });

  it('never refunds and also loses: a fraud claim on a refunded charge is contested with the refund as evidence, not conceded', async () => {
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH78', last4: '4444', brand: 'mastercard' });
    const chargeId = String(charge.id);
    const gateway = new StripeGateway({ apiKey: stack.fakes.stripe.apiKey, baseUrl: stack.fakes.stripe.url });
    const refund = await gateway.createRefund({ chargeId, amountMinor: 9999, currency: 'USD', reason: 'requested_by_customer', metadata: { caseId: 'refund-earlier' }, idempotencyKey: 'refund:refund-earlier' });
    const event = stack.fakes.stripe.addDispute({ charge: chargeId, reason: 'fraudulent', dueBy: Date.now() + H48 + 60_000 });
    const disputeId = String((event.data as { object: { id: string } }).object.id);
    await deliver(event);
    const staged = await readWhen(`dispute-${disputeId}`, 'evidence_staged', 'evidence staged');
    expect(staged.decision).toEqual({ decision: 'contest', rule: expect.stringMatching(/already refunded \(9999 USD/) });
    expect(staged.evidence.refund_issued).toContain(refund.id);
    expect(stack.fakes.stripe.requestCount('POST', `/v1/disputes/${disputeId}/close`)).toBe(0);
    const atGateway = stack.fakes.stripe.dispute(disputeId) as { status: string; evidence: { uncategorized_text: string } };
    expect(atGateway.status).toBe('needs_response');
    expect(atGateway.evidence.uncategorized_text).toContain(`Refund issued: Refunded 9999 USD (minor units) before the dispute: ${refund.id}`);
    // Why, on the record.
    const [decided] = await queryOpened<{ data: { rule: string; amountRefundedMinor: number } }>(stack.ds, `SELECT data FROM billing_case_events WHERE event_key = $1`, [`dispute-${disputeId}:decided`]);
    expect(decided.data).toMatchObject({ decision: 'contest', amountRefundedMinor: 9999 });
  });

  it('dunning after a failed renewal: reminders on schedule with the hosted invoice link, then the cancellation; a paid invoice recovers', async () => {
    const lost = stack.fakes.stripe.addSubscription();
    const kept = stack.fakes.stripe.addSubscription();
    const lostInvoice = String(stack.fakes.stripe.addInvoice({ customer: 'cus_9', amount: 999, currency: 'usd', subscription: String(lost.id) }).id);
    const keptInvoice = String(stack.fakes.stripe.addInvoice({ customer: 'cus_9', amount: 999, currency: 'usd', subscription: String(kept.id) }).id);
    const lostCase = `dunning-${lostInvoice}`;
    const keptCase = `dunning-${keptInvoice}`;
    expect((await deliver(stack.fakes.stripe.failInvoicePayment(lostInvoice))).action).toBe(`started ${lostCase}`);
    expect((await deliver(stack.fakes.stripe.failInvoicePayment(keptInvoice))).action).toBe(`started ${keptCase}`);
    await waitFor(async () => ((await stack.ds.query(`SELECT 1 FROM notifications WHERE ticket_id = $1`, [keptCase])) as unknown[]).length >= 1, { what: 'first dunning message' });
    expect((await deliver(stack.fakes.stripe.payInvoice(keptInvoice))).action).toBe(`signalled ${keptCase}`);
    await waitFor(() => stack.fakes.stripe.subscription(String(lost.id))?.status === 'canceled', { what: 'cancelled at the end of dunning' });
    // The cancellation and the last notice are separate steps: wait for the third message.
    const steps = await waitFor(async () => {
      const found = await queryOpened<{ kind: string; summary: string }>(stack.ds, `SELECT kind, summary FROM notifications WHERE ticket_id = $1 ORDER BY created_at`, [lostCase]);
      return found.length >= 3 ? found : undefined;
    }, { what: 'three dunning messages' });
    expect(steps).toHaveLength(3);
    // The update-card message carries the link where the customer pays with a new card.
    const link = String(stack.fakes.stripe.invoice(lostInvoice)?.hosted_invoice_url);
    expect(link).toMatch(/^https:\/\/invoice\.stripe\.com\//);
    expect(steps[0].summary).toContain(`please update your card and pay the invoice: ${link}`);
    // Both outcomes are written by the workflows after the signal / the last step: wait for them.
    const stateOf = async (id: string) => ((await stack.ds.query(`SELECT state FROM billing_cases WHERE id = $1`, [id])) as { state: string }[])[0]?.state;
    await waitFor(async () => (await stateOf(lostCase)) === 'exhausted', { what: 'exhausted recorded' });
    await waitFor(async () => (await stateOf(keptCase)) === 'recovered', { what: 'recovered recorded' });
    expect(stack.fakes.stripe.subscription(String(kept.id))?.status).toBe('active');
  });
});
