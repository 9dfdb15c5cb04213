import { randomUUID } from 'node:crypto';
import { incidentWorkflow } from '../../src/workflows';
import { startStripeFake } from '../fakes/stripe';
import { useApiStack } from '../support/harness';
import { HttpResult } from '../support/http';
import { manualIncidentInput } from '../support/incidents';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

const REASON = 'test: history limit';
const DAY = 86_400_000;

/**
 * Cases whose workflow Temporal terminated (the server's history limits, or an operator's
 * `temporal workflow terminate`), one of each kind: GET says so with the reason and keeps the
 * last recorded details; every action is a 410 naming how the case ended, not a 409 naming the
 * state it was in. Cases that ended normally, or continued as new, are unchanged.
 */
describe('cases terminated by Temporal, over HTTP', () => {
  const stack = useApiStack((f) => ({ STRIPE_API_KEY: f.stripe.apiKey, STRIPE_API_BASE: f.stripe.url, BILLING_WEBHOOK_SECRET: f.stripe.webhookSecret }), { label: 'terminated-e2e', fakes: { stripe: startStripeFake }, keys: { client: 'client', agent: 'agent', sre: 'sre', legal: ['legal', 'legal-ines'] } });
  const http: typeof stack.http = (...args) => stack.http(...args);
  const { keys } = stack;

  /** Terminates the case's workflow as the server (or an operator) would; returns the run that ended. */
  async function terminate(workflowId: string): Promise<string> {
    const handle = stack.client.workflow.getHandle(workflowId);
    const { runId } = await handle.describe();
    await handle.terminate(REASON);
    return runId;
  }
  const recorded = (table: string, id: string) => waitFor(async () => ((await stack.ds.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])) as unknown[]).length > 0, { what: `${id} recorded in ${table}` });

  function expectEndedView(body: Record<string, unknown>, statusField: 'status' | 'state', runId: string, before: number) {
    expect(body[statusField]).toBe('terminated');
    expect(body.ended).toEqual({ how: 'terminated', reason: REASON, at: expect.any(String), runId });
    const at = Date.parse((body.ended as { at: string }).at);
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1_000);
  }
  function expectGone(res: HttpResult, what: string, runId: string) {
    expect([res.status, res.headers.get('content-type')]).toEqual([410, expect.stringContaining('application/problem+json')]);
    expect(res.body).toMatchObject({ type: 'https://caseworks.dev/problems/case-gone', status: 410, state: 'terminated', ended: { how: 'terminated', reason: REASON, runId } });
    expect(res.body.detail).toContain(what);
    expect(res.body.detail).toContain(`was terminated (${REASON})`);
  }
  const webhook = async (event: Record<string, unknown>) => {
    const { body, header } = stack.fakes.stripe.signedEvent(event);
    const res = await fetch(`${stack.api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(res.status).toBe(200);
  };

  it('ticket: GET shows it terminated with the reason and its details; a reply is 410', async () => {
    const open = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'No sound', description: 'Audio is gone on every title', customerRef: 'cust_4801' } });
    expect(open.status).toBe(201);
    const id = open.body.id as string;
    await recorded('tickets', id);
    const before = Date.now();
    const runId = await terminate(id);

    const read = await http('GET', `/v1/tickets/${id}`, { key: keys.agent });
    expect(read.status).toBe(200);
    expectEndedView(read.body, 'status', runId, before);
    expect(read.body).toMatchObject({ id, subject: 'No sound', priority: 'P3' });
    expectGone(await http('POST', `/v1/tickets/${id}/reply`, { key: keys.agent, body: { message: 'Looking into it' } }), `ticket ${id}`, runId);
  });

  it('incident: an acknowledged incident terminated answers a note with 410, not “incident is acknowledged”', async () => {
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P3', title: 'Subtitles missing', services: ['subtitles'] } });
    expect(open.status).toBe(201);
    const id = open.body.id as string;
    expect((await http('POST', `/v1/incidents/${id}/acknowledge`, { key: keys.sre })).status).toBe(200);
    await waitFor(async () => ((await stack.ds.query(`SELECT status FROM incidents WHERE id = $1`, [id])) as { status: string }[])[0]?.status === 'acknowledged', { what: 'acknowledged recorded' });
    const before = Date.now();
    const runId = await terminate(id);

    const read = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
    expectEndedView(read.body, 'status', runId, before);
    expect(read.body).toMatchObject({ id, title: 'Subtitles missing', acknowledgedAt: expect.any(String) });
    expectGone(await http('POST', `/v1/incidents/${id}/note`, { key: keys.sre, body: { text: 'still down' } }), `incident ${id}`, runId);
    expect((await http('POST', `/v1/incidents/${id}/resolve`, { key: keys.sre, body: { summary: 'fixed' } })).status).toBe(410);
  });

  it('takedown and its preservation hold: GET shows each terminated; a note and an extension are 410', async () => {
    const filed = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    const id = filed.body.caseId as string;
    await waitFor(async () => ((await http('GET', `/v1/takedowns/${id}`, { key: keys.legal })).body.state === 'triage' ? true : undefined), { what: 'triage' });

    // The hold first (the test pack releases it after 4 s), then the case.
    const held = await http('POST', `/v1/takedowns/${id}/preservations`, { key: keys.legal, body: { authority: 'Polizei Berlin, LKA 7', reference: `LKA7-${randomUUID().slice(0, 8)}`, items: [{ contentId: 'vid_123' }] } });
    expect(held.status).toBe(201);
    const holdId = held.body.id as string;
    await recorded('takedown_preservations', holdId);
    const before = Date.now();
    const holdRun = await terminate(holdId);
    const caseRun = await terminate(id);

    const read = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expectEndedView(read.body, 'state', caseRun, before);
    expect(read.body).toMatchObject({ id, brand: 'uoozee' });
    expectEndedView(read.body.preservations[0], 'state', holdRun, before);
    const holds = await http('GET', `/v1/takedowns/${id}/preservations`, { key: keys.legal });
    expectEndedView(holds.body.items[0], 'state', holdRun, before);
    expect(holds.body.items[0]).toMatchObject({ id: holdId, authority: 'Polizei Berlin, LKA 7' });

    expectGone(await http('POST', `/v1/takedowns/${id}/note`, { key: keys.legal, body: { text: 'court ruled' } }), `takedown ${id}`, caseRun);
    // The hold is gone too; and the gone case takes no new hold.
    expectGone(await http('POST', `/v1/takedowns/${id}/preservations/${holdId}/extend`, { key: keys.legal, body: { reference: 'renewed' } }), `preservation hold ${holdId}`, holdRun);
    const another = await http('POST', `/v1/takedowns/${id}/preservations`, { key: keys.legal, body: { authority: 'Court', reference: `ref-${randomUUID().slice(0, 8)}`, items: [{ contentId: 'vid_9' }] } });
    expectGone(another, `takedown ${id}`, caseRun);
    expect(another.body.action).toBe('preserve');
  });

  it('preservation hold alone: terminated on a running case, its extension is 410 naming the hold; one released at expiry stays 409', async () => {
    const filed = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    const id = filed.body.caseId as string;
    await waitFor(async () => ((await http('GET', `/v1/takedowns/${id}`, { key: keys.legal })).body.state === 'triage' ? true : undefined), { what: 'triage' });
    const hold = (reference: string) => http('POST', `/v1/takedowns/${id}/preservations`, { key: keys.legal, body: { authority: 'Court', reference, items: [{ contentId: 'vid_7' }] } });
    const stopped = (await hold(`ref-${randomUUID().slice(0, 8)}`)).body.id as string;
    await recorded('takedown_preservations', stopped);
    const runId = await terminate(stopped);
    expectGone(await http('POST', `/v1/takedowns/${id}/preservations/${stopped}/extend`, { key: keys.legal, body: {} }), `preservation hold ${stopped}`, runId);

    const released = (await hold(`ref-${randomUUID().slice(0, 8)}`)).body.id as string;
    await waitFor(async () => ((await stack.client.workflow.getHandle(released).describe()).status.name === 'COMPLETED' ? true : undefined), { what: 'the hold released at expiry' });
    const late = await http('POST', `/v1/takedowns/${id}/preservations/${released}/extend`, { key: keys.legal, body: {} });
    expect([late.status, late.body.state]).toEqual([409, 'released']);
    const items = (await http('GET', `/v1/takedowns/${id}/preservations`, { key: keys.legal })).body.items as { id: string; state: string; ended?: unknown }[];
    expect(items.find((h) => h.id === released)).toMatchObject({ state: 'released' });
    expect(items.find((h) => h.id === released)!.ended).toBeUndefined();
    await terminate(id);
  });

  it('refund: GET shows it terminated; confirming identity is 410', async () => {
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1B2C3', last4: '4444', brand: 'mastercard' });
    const sub = stack.fakes.stripe.addSubscription();
    const now = Date.now();
    const open = await http('POST', '/v1/refunds', {
      key: keys.agent,
      body: {
        brand: 'uoozee',
        customerRef: 'cust_9',
        subscriptionId: sub.id,
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: new Date(now - 2 * DAY).toISOString(),
        currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
        paymentReference: charge.id,
        reason: 'cancellation',
      },
    });
    expect(open.status).toBe(201);
    const id = open.body.id as string;
    await recorded('billing_cases', id);
    const before = Date.now();
    const runId = await terminate(id);

    const read = await http('GET', `/v1/refunds/${id}`, { key: keys.agent });
    expectEndedView(read.body, 'state', runId, before);
    expect(read.body).toMatchObject({ id, brand: 'uoozee' });
    expectGone(await http('POST', `/v1/refunds/${id}/confirm-identity`, { key: keys.agent, body: { method: 'sms code' } }), `refund ${id}`, runId);
  });

  it('dispute: GET shows it terminated; adding evidence is 410', async () => {
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH77', last4: '4242' });
    const event = stack.fakes.stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy: Date.now() + 48 * 3_600_000 + 600_000 });
    const id = `dispute-${String((event.data as { object: { id: string } }).object.id)}`;
    await webhook(event);
    await waitFor(async () => ((await http('GET', `/v1/disputes/${id}`, { key: keys.agent })).body.status === 'evidence_staged' ? true : undefined), { what: 'evidence staged' });
    await recorded('billing_cases', id);
    const before = Date.now();
    const runId = await terminate(id);

    const read = await http('GET', `/v1/disputes/${id}`, { key: keys.agent });
    expectEndedView(read.body, 'status', runId, before);
    expect(read.body).toMatchObject({ id, chargeId: String(charge.id) });
    expectGone(await http('POST', `/v1/disputes/${id}/evidence`, { key: keys.agent, body: { item: 'access_log', value: 'https://files.example/access-log.csv' } }), `dispute ${id}`, runId);
  });

  it('dunning: GET shows it terminated; confirming identity is 410', async () => {
    const sub = stack.fakes.stripe.addSubscription();
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    await webhook({
      id: `evt_${invoiceId}`,
      object: 'event',
      type: 'invoice.payment_failed',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: invoiceId, object: 'invoice', customer: 'cus_9', subscription: sub.id, amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1 } },
    });
    const id = `dunning-${invoiceId}`;
    await recorded('billing_cases', id);
    const before = Date.now();
    const runId = await terminate(id);

    const read = await http('GET', `/v1/dunning/${id}`, { key: keys.agent });
    expectEndedView(read.body, 'status', runId, before);
    expect(read.body).toMatchObject({ id, invoiceId });
    expectGone(await http('POST', `/v1/dunning/${id}/confirm-identity`, { key: keys.agent, body: { method: 'sms code' } }), `dunning ${id}`, runId);
  });

  it('a case that continued as new is not ended: GET shows its state, actions go on', async () => {
    const id = `incident-${randomUUID().replace(/-/g, '').slice(0, 26)}`;
    const handle = await stack.client.workflow.start(incidentWorkflow, { workflowId: id, taskQueue: stack.taskQueue, args: [manualIncidentInput(id, { runLimits: { updates: 2 } })] });
    await recorded('incidents', id);
    for (const text of ['first look', 'second look']) expect((await http('POST', `/v1/incidents/${id}/note`, { key: keys.sre, body: { text } })).status).toBe(200);
    await waitFor(async () => {
      const d = await handle.describe();
      return d.runId !== handle.firstExecutionRunId && d.status.name === 'RUNNING' ? true : undefined;
    }, { what: 'the incident to continue as new' });

    const read = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('triggered');
    expect(read.body.ended).toBeUndefined();
    expect((await http('POST', `/v1/incidents/${id}/acknowledge`, { key: keys.sre })).status).toBe(200);
    await handle.terminate('test done');
  });
});
