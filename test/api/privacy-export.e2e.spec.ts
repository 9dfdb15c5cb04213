import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { refundWorkflow } from '../../src/workflows';
import { createKey, temporalClient, testConfig, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { refundInput } from '../support/refunds';
import { waitFor } from '../support/wait-for';

/**
 * GET /v1/privacy/subjects/{customerRef}/export over HTTP, with the worker recording real cases:
 * the subject's ticket (with a reply) and refund, a chargeback on that refund's charge and a
 * takedown notice they sent are in the export; another customer's ticket is not.
 */
describe('privacy: subject export', () => {
  const config = testConfig();
  const stack = useHttpStack(config);
  const u = randomUUID().slice(0, 8);
  const subject = `cust_export_${u}`;
  const other = `cust_other_${u}`;
  const keys: Record<string, string> = {};
  let temporal: Client;
  let http: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    temporal = await temporalClient(config);
    http = httpClient(stack.api.baseUrl);
    for (const role of ['client', 'agent', 'privacy', 'admin'] as const) keys[role] = await createKey(stack.ds, role, `export-${role}-${u}`);
  });
  afterAll(async () => {
    await temporal?.connection.close();
  });

  const ticket = (customerRef: string, description: string) => ({ brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Playback stops', description, customerRef });
  const exported = (ref: string, key?: string) => http('GET', `/v1/privacy/subjects/${encodeURIComponent(ref)}/export`, { key });
  const exportsLogged = async (actor: string) =>
    (await stack.ds.query(`SELECT case_id, fields, status FROM access_log WHERE operation = 'privacy.export' AND actor = $1`, [actor])) as { case_id: string | null; fields: string[]; status: number }[];

  it('holds every case, event and message about the subject and nothing about anyone else; admin and privacy only; each export logged once', async () => {
    const mine = await http('POST', '/v1/tickets', { key: keys.client, body: ticket(subject, `Subject text ${u}`) });
    expect(mine.status).toBe(201);
    const theirs = await http('POST', '/v1/tickets', { key: keys.client, body: ticket(other, `Other text ${u}`) });
    expect(theirs.status).toBe(201);
    expect((await http('POST', `/v1/tickets/${mine.body.id}/reply`, { key: keys.agent, body: { message: `Agent reply ${u}` } })).status).toBe(200);

    const refund = refundInput({ customerRef: subject, chargeId: `ch_${u}` });
    await temporal.workflow.start(refundWorkflow, { workflowId: refund.caseId, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [refund] });
    // A chargeback names the charge, not the customer: it is theirs through their refund's charge.
    await stack.ds.query(`INSERT INTO billing_cases (id, kind, brand, state, customer_ref, snapshot, updated_at) VALUES ($1, 'dispute', 'uoozee', 'needs_response', $2, '{}', now())`, [`dispute-${u}`, `ch_${u}`]);
    await stack.ds.query(
      `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, notice, snapshot, updated_at)
       VALUES ($1, 'uoozee', 'received', '{dmca}', 'copyright', 'standard', 'public', now(), $2, '{}', now())`,
      [`takedown-${u}`, JSON.stringify({ notifier: { email: subject.toUpperCase() } })],
    );
    await waitFor(
      async () => {
        const events = await stack.ds.query(`SELECT type FROM ticket_events WHERE ticket_id = $1`, [mine.body.id]);
        const refunds = await stack.ds.query(`SELECT 1 FROM billing_cases WHERE id = $1`, [refund.caseId]);
        return events.length >= 2 && refunds.length === 1;
      },
      { what: 'the ticket, its reply and the refund recorded' },
    );

    const res = await exported(subject, keys.privacy);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const doc = res.body;
    expect(doc.subject).toBe(subject);
    expect(doc.tickets.map((t: { id: string }) => t.id)).toEqual([mine.body.id]);
    const text = JSON.stringify(doc.tickets[0]);
    expect(text).toContain(`Subject text ${u}`);
    expect(text).toContain(`Agent reply ${u}`);
    expect(doc.tickets[0].events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['opened', 'first_response']));
    expect(doc.billingCases.map((b: { id: string }) => b.id).sort()).toEqual([`dispute-${u}`, refund.caseId].sort());
    expect(doc.billingCases.find((b: { id: string }) => b.id === refund.caseId).events.length).toBeGreaterThan(0);
    expect(doc.takedowns.map((t: { id: string }) => t.id)).toEqual([`takedown-${u}`]);
    expect(doc.slaCredits).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain(other);
    expect(JSON.stringify(doc)).not.toContain(`Other text ${u}`);

    // One access-log entry per export, naming the sections and no subject.
    const logged = await exportsLogged(`export-privacy-${u}`);
    expect(logged).toHaveLength(1);
    expect(logged[0].case_id).toBeNull();
    expect(logged[0].fields).toEqual(expect.arrayContaining(['tickets', 'ticketEvents', 'billingCases', 'takedowns']));
    expect(JSON.stringify(logged)).not.toContain(subject);

    // Admin too; the other roles and anonymous callers never, and unlogged.
    expect((await exported(subject, keys.admin)).status).toBe(200);
    expect(await exportsLogged(`export-admin-${u}`)).toHaveLength(1);
    for (const role of ['client', 'agent'] as const) {
      expect((await exported(subject, keys[role])).status).toBe(403);
      expect(await exportsLogged(`export-${role}-${u}`)).toEqual([]);
    }
    expect((await exported(subject)).status).toBe(401);

    await temporal.workflow.getHandle(refund.caseId).terminate('test done');
  });

  it('a subject nothing is held about is a 404 problem, logged the same; a malformed reference is a 400 naming the field', async () => {
    const res = await exported(`nobody_${u}`, keys.privacy);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ detail: 'nothing is held about this data subject' });
    expect(await exportsLogged(`export-privacy-${u}`)).toHaveLength(2);

    // Past one page of cases (100 per query): every case once, in order.
    const many = `cust_many_${u}`;
    await stack.ds.query(
      `INSERT INTO tickets (id, brand, channel, priority, status, policy_version, opened_at, snapshot, request_hash, updated_at, customer_ref)
       SELECT 'ticket-many-' || lpad(n::text, 3, '0') || '-${u}', 'uoozee', 'email', 'P4', 'open', 'test-1', now(), '{}', 'h', now(), $1 FROM generate_series(1, 205) n`,
      [many],
    );
    const big = await exported(many, keys.privacy);
    expect(big.status).toBe(200);
    const ids = big.body.tickets.map((t: { id: string }) => t.id);
    expect(ids).toHaveLength(205);
    expect(new Set(ids).size).toBe(205);
    expect(ids).toEqual([...ids].sort());

    // (Control characters never get this far: the input guard refuses them in any path.)
    const bad = await exported('x'.repeat(321), keys.privacy);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'path:customerRef' })]);
    expect(await exportsLogged(`export-privacy-${u}`)).toHaveLength(3);
  });
});
