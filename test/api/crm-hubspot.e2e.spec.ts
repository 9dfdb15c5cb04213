import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinTicketPolicy } from '../../src/domain/policy/ticket-policy';
import { addBusinessTime, businessTimeBetween } from '../../src/domain/sla/calendar';
import { crmSyncWorkflow, customerSignalsWorkflow } from '../../src/workflows';
import { HubSpotCrm } from '../../src/integrations/crm/hubspot-crm';
import { HubSpotFake, hubSpotSignatureV3, startHubSpotFake } from '../fakes/hubspot';
import { vivtoneTicket } from '../support/crm';
import { uniqueTaskQueue, useApiStack } from '../support/harness';
import { ticketEvents } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

/**
 * The shipped VIVtone pack with business hours cut to half an hour a day: a one-hour first
 * response on Basic's business calendar then always ends on a later day, never the same instant
 * as one hour on Enterprise's 24×7, whatever hour the test runs at.
 */
const PACKS = mkdtempSync(join(tmpdir(), 'caseworks-crm-'));
writeFileSync(join(PACKS, 'vivtone.yaml'), readFileSync(resolve(__dirname, '..', '..', 'policies', 'vivtone.yaml'), 'utf8').replaceAll('{ start: "09:00", end: "17:00" }', '{ start: "09:00", end: "09:30" }'));
const vivtone = PolicyRegistry.fromDirectory(PACKS).find('vivtone')!;
const SECRET = 'hubspot-client-secret-for-tests';

/** A HubSpot contact for a new customer reference, its plan on the contact's company (as B2B portals keep it). */
function seedCustomer(hubspot: HubSpotFake, plan: string, brand = 'vivtone'): string {
  const ref = `cust_${randomUUID().slice(0, 8)}`;
  const company = hubspot.seedCompany({ name: 'Northwind Analytics', properties: { caseworks_plan: plan, caseworks_brand: brand, caseworks_tier: 'strategic', hubspot_owner_id: '7001' } });
  hubspot.seedContact({ ref, properties: { caseworks_region: 'eu-west' }, companyIds: [company] });
  return ref;
}

const ticket = vivtoneTicket;

describe('HubSpot as the CRM (issue 16)', () => {
  const stack = useApiStack(
    (f: { hubspot: HubSpotFake }) => ({
      POLICY_DIR: PACKS,
      CRM_PROVIDER: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: f.hubspot.accessToken,
      HUBSPOT_API_BASE: f.hubspot.url,
      HUBSPOT_WEBHOOK_SECRET: SECRET,
      CRM_LOOKUP_BUDGET_MS: '300',
    }),
    { label: 'crm-hubspot', fakes: { hubspot: () => startHubSpotFake() }, keys: ['agent'] },
  );
  const post = (body: unknown) => stack.http('POST', '/v1/tickets', { key: stack.keys.agent, body });
  const get = (id: string) => stack.http('GET', `/v1/tickets/${id}`, { key: stack.keys.agent });
  afterEach(() => {
    stack.fakes.hubspot.setDelayMs(0);
    stack.fakes.hubspot.down(false);
  });

  describe('lookup at intake', () => {
    it("takes the plan from the contact's company and corrects the claim", async () => {
      const ref = seedCustomer(stack.fakes.hubspot, 'enterprise');
      const res = await post(ticket(ref, { plan: 'basic' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ plan: 'enterprise', entitlement: { status: 'corrected', claimedPlan: 'basic', source: 'hubspot', tier: 'strategic', region: 'eu-west' } });
    });

    it('answers within its budget while HubSpot is slow, then moves the ticket to the plan HubSpot gives, its SLA deadlines with it', async () => {
      const ref = seedCustomer(stack.fakes.hubspot, 'enterprise');
      const basic = pinTicketPolicy(vivtone, 'email', 'basic').priorities.S3;
      const target = basic.targets.firstResponse!;
      stack.fakes.hubspot.setDelayMs(2_000);
      const res = await post(ticket(ref, { priority: 'S3' }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ plan: 'basic', entitlement: { status: 'unverified', claimedPlan: null, source: null } });
      const start = Date.parse(res.body.sla.firstResponse.startedAt);
      const onBasic = addBusinessTime(basic.calendar, start, target);
      expect(onBasic).not.toBe(start + target);
      expect(res.body.sla.firstResponse.deadlineAt).toBe(new Date(onBasic).toISOString());

      const settled = await waitFor(async () => {
        const r = await get(res.body.id);
        return r.body.entitlement?.status === 'verified' ? r.body : undefined;
      }, { what: 'the plan settled by HubSpot', timeoutMs: 30_000 });
      expect(settled.plan).toBe('enterprise');
      expect(settled.entitlement.source).toBe('hubspot');
      // The priority-change rule: the time spent so far counts as Basic counted it (business
      // hours, none or seconds of it here), the rest runs on Enterprise's 24×7 from the change.
      const events = await waitFor(async () => {
        const all = await ticketEvents(stack.ds, res.body.id);
        return all.some((e) => e.type === 'entitlement_settled') ? all : undefined;
      }, { what: 'the settlement recorded' });
      const settledEvents = events.filter((e) => e.type === 'entitlement_settled');
      expect(settledEvents).toEqual([expect.objectContaining({ actor: 'crm', data: expect.objectContaining({ status: 'verified', from: 'basic', to: 'enterprise' }) })]);
      const at = new Date(settledEvents[0].occurredAt).getTime();
      expect(settled.sla.firstResponse.startedAt).toBe(res.body.sla.firstResponse.startedAt);
      expect(settled.sla.firstResponse.deadlineAt).toBe(new Date(at + target - businessTimeBetween(basic.calendar, start, at)).toISOString());
      expect(Date.parse(settled.sla.firstResponse.deadlineAt)).toBeLessThan(onBasic);
    });

    it('opens unverified while HubSpot is down and settles once it is back', async () => {
      const ref = seedCustomer(stack.fakes.hubspot, 'pro');
      stack.fakes.hubspot.down(true);
      const res = await post(ticket(ref, { plan: 'enterprise', channel: 'phone' }));
      expect(res.status).toBe(201);
      // Phone is not in Basic: the entry plan for phone is Pro.
      expect(res.body).toMatchObject({ plan: 'pro', entitlement: { status: 'unverified', claimedPlan: 'enterprise' } });
      const lookups = () => stack.fakes.hubspot.requests.filter((r) => r.method === 'GET' && r.path === `/crm/v3/objects/contacts/${ref}`).length;
      await waitFor(() => lookups() >= 2, { what: 'the worker asking again while HubSpot is down' });
      // Agents find the tickets still waiting for the CRM.
      const listed = await waitFor(async () => {
        const page = await stack.http('GET', '/v1/tickets?entitlement=unverified&limit=100', { key: stack.keys.agent });
        return (page.body.items as { id: string; entitlement: string }[]).find((t) => t.id === res.body.id);
      }, { what: 'the unverified ticket listed' });
      expect(listed.entitlement).toBe('unverified');
      stack.fakes.hubspot.down(false);
      const settled = await waitFor(async () => {
        const r = await get(res.body.id);
        return r.body.entitlement?.status !== 'unverified' ? r.body : undefined;
      }, { what: 'the plan settled', timeoutMs: 30_000 });
      expect(settled).toMatchObject({ plan: 'pro', entitlement: { status: 'corrected', claimedPlan: 'enterprise', source: 'hubspot' } });
    });
  });

  describe('cases mirrored into HubSpot, and changes made there', () => {
    const syncQueue = uniqueTaskQueue('crm-sync');
    const workers: WorkerProcess[] = [];
    const workerEnv = () => ({
      TEMPORAL_TASK_QUEUE: syncQueue,
      POLICY_DIR: PACKS,
      CRM_PROVIDER: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: stack.fakes.hubspot.accessToken,
      HUBSPOT_API_BASE: stack.fakes.hubspot.url,
    });
    afterAll(() => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    });
    const since = new Date().toISOString();
    const opened: { id: string; ref: string }[] = [];
    /** Events a test writes itself, signed as HubSpot signs a delivery. */
    const signedPost = (events: object[]) => {
      const url = `${stack.api.baseUrl}/v1/webhooks/crm`;
      const body = JSON.stringify(events);
      const at = Date.now();
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(at), 'x-hubspot-signature-v3': hubSpotSignatureV3(SECRET, 'POST', url, body, at) }, body });
    };
    const crmTicketOf = (caseId: string) => stack.fakes.hubspot.tickets().filter((t) => t.properties.caseworks_case_id === caseId);

    it('mirrors each case once, through a worker SIGKILLed mid-sync', async () => {
      for (let i = 0; i < 6; i++) {
        const ref = seedCustomer(stack.fakes.hubspot, 'enterprise');
        const res = await post(ticket(ref, { priority: i % 2 ? 'S2' : 'S3', subject: `Export fails #${i}` }));
        expect(res.status).toBe(201);
        opened.push({ id: res.body.id, ref });
      }
      // Slow answers, so the kill lands between two cases of one run.
      stack.fakes.hubspot.setDelayMs(250);
      const upserts = () => stack.fakes.hubspot.requestCount('POST', '/crm/v3/objects/tickets/batch/upsert');
      const before = upserts();
      workers.push(await spawnWorkerProcess(workerEnv()));
      const run = await stack.client.workflow.start(crmSyncWorkflow, { workflowId: `crm-sync-${randomUUID()}`, taskQueue: syncQueue, args: [{ name: `test-${randomUUID()}`, since }] });
      await waitFor(() => upserts() >= before + 2, { what: 'the sync under way' });
      workers[0].child.kill('SIGKILL');
      await workers[0].exited;
      stack.fakes.hubspot.setDelayMs(0);
      workers.push(await spawnWorkerProcess(workerEnv()));
      const result = await run.result();
      expect(result.refused).toBe(0);

      for (const { id, ref } of opened) {
        const copies = crmTicketOf(id);
        expect(copies).toHaveLength(1);
        expect(copies[0].properties).toMatchObject({ caseworks_kind: 'ticket', caseworks_customer_ref: ref, hs_pipeline_stage: '1', caseworks_priority: expect.stringMatching(/^S[23]$/) });
        expect(copies[0].properties.caseworks_link).toMatch(new RegExp(`/v1/tickets/${id}$`));
        const [link] = (await stack.ds.query(`SELECT crm_id FROM crm_links WHERE case_id = $1`, [id])) as { crm_id: string }[];
        expect(link.crm_id).toBe(copies[0].id);
        // Associated with the customer's contact once.
        expect(stack.fakes.hubspot.associations().filter((a) => a.fromType === 'tickets' && a.fromId === copies[0].id && a.toType === 'contacts')).toHaveLength(1);
      }
    });

    it('applies a priority changed in HubSpot, once, with the HubSpot user as actor; a redelivery is a duplicate', async () => {
      stack.fakes.hubspot.subscribeWebhooks(`${stack.api.baseUrl}/v1/webhooks/crm`, SECRET);
      const { id } = opened[0];
      const [copy] = crmTicketOf(id);
      const delivery = await stack.fakes.hubspot.changeAsUser(copy.id, { caseworks_priority: 'S1' }, 4211);
      expect(delivery.status).toBe(200);
      expect(delivery.answer).toMatchObject({ received: true, events: [{ outcome: 'applied', caseId: id, detail: 'priority S1' }] });
      expect((await get(id)).body.priority).toBe('S1');
      const again = await stack.fakes.hubspot.redeliver(delivery);
      expect(again).toMatchObject({ status: 200, body: { events: [{ outcome: 'duplicate' }] } });
      const changes = await waitFor(async () => {
        const found = (await ticketEvents(stack.ds, id)).filter((e) => e.type === 'priority_changed');
        return found.length ? found : undefined;
      }, { what: 'the priority change recorded' });
      expect(changes).toEqual([expect.objectContaining({ actor: 'crm:hubspot-user-4211', data: expect.objectContaining({ from: 'S3', to: 'S1' }) })]);
    });

    it("keeps a note a HubSpot user wrote on the ticket's record, once, cards masked; the notes Caseworks writes are not taken back", async () => {
      const { id } = opened[2];
      const [copy] = crmTicketOf(id);
      const delivery = await stack.fakes.hubspot.noteAsUser(copy.id, '<p>Called the customer &amp; agreed a fix by Friday.</p><p>Card 4242 4242 4242 4242 on file.</p>', 6120);
      expect(delivery.answer).toMatchObject({ events: [{ outcome: 'applied', caseId: id, detail: 'note' }] });
      expect((await stack.fakes.hubspot.redeliver(delivery)).body).toMatchObject({ events: [{ outcome: 'duplicate' }] });
      const notes = await waitFor(async () => {
        const found = (await ticketEvents(stack.ds, id)).filter((e) => e.type === 'crm_note');
        return found.length ? found : undefined;
      }, { what: 'the note on the record' });
      expect(notes).toEqual([expect.objectContaining({ actor: 'crm:hubspot-user-6120', data: { text: 'Called the customer & agreed a fix by Friday.\nCard •••• 4242 on file.' } })]);
      // A note Caseworks itself wrote to HubSpot comes back as an event too: it is recognised by its key and left alone.
      const crm = new HubSpotCrm({ accessToken: stack.fakes.hubspot.accessToken, baseUrl: stack.fakes.hubspot.url });
      await crm.addNote(id, `note-${randomUUID()}`, 'SLA breach escalated to level 2');
      const ours = stack.fakes.hubspot.notes().find((n) => n.properties.hs_note_body === 'SLA breach escalated to level 2')!;
      const echo = await signedPost([{ eventId: 77_000_001, subscriptionType: 'object.creation', objectTypeId: '0-46', objectId: Number(ours.id) }]);
      expect(await echo.json()).toMatchObject({ events: [{ outcome: 'no-change', detail: 'a note Caseworks wrote' }] });
      expect((await ticketEvents(stack.ds, id)).filter((e) => e.type === 'crm_note')).toHaveLength(1);
    });

    it("keeps the case's state when HubSpot's change is refused, and puts HubSpot's copy back", async () => {
      const { id } = opened[1];
      const [copy] = crmTicketOf(id);
      const refused = await stack.fakes.hubspot.changeAsUser(copy.id, { caseworks_priority: 'S9' }, 4211);
      expect(refused.answer).toMatchObject({ events: [{ outcome: 'refused', caseId: id }] });
      expect((await get(id)).body.priority).toBe('S2');
      expect(crmTicketOf(id)[0].properties.caseworks_priority).toBe('S2');

      const closed = await stack.fakes.hubspot.changeAsUser(copy.id, { hs_pipeline_stage: '4' }, 5150);
      expect(closed.answer).toMatchObject({ events: [{ outcome: 'applied', detail: 'resolve' }] });
      expect((await get(id)).body.status).toBe('resolved');
      const reopened = await stack.fakes.hubspot.changeAsUser(copy.id, { hs_pipeline_stage: '1' }, 5150);
      expect(reopened.answer).toMatchObject({ events: [{ outcome: 'refused' }] });
      expect(crmTicketOf(id)[0].properties.hs_pipeline_stage).toBe('4');
      expect((await get(id)).body.status).toBe('resolved');
    });

    it("gives the account's CSM one HubSpot task when a customer's tickets breach twice in 30 days, once per window", async () => {
      const ref = seedCustomer(stack.fakes.hubspot, 'pro');
      // Received 20 days ago: a one-hour first response on half-hour business days is long past, so each breaches at once.
      const receivedAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
      const ids: string[] = [];
      for (const subject of ['Webhook retries pile up', 'Webhooks stopped again']) {
        const res = await post(ticket(ref, { subject, receivedAt }));
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
      await waitFor(async () => {
        const rows = (await stack.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1) AND sla_breached`, [ids])) as { n: number }[];
        return rows[0].n === 2;
      }, { what: 'both breaches in the read model' });
      const tasksFor = () => stack.fakes.hubspot.tasks().filter((task) => task.properties.hs_task_body?.includes(ids[0]));
      for (let run = 0; run < 2; run++) {
        await stack.client.workflow.execute(customerSignalsWorkflow, { workflowId: `customer-signals-${randomUUID()}`, taskQueue: stack.taskQueue, args: [{}] });
      }
      const tasks = tasksFor();
      expect(tasks).toHaveLength(1);
      expect(tasks[0].properties).toMatchObject({ hs_task_subject: 'Two SLA breaches in 30 days · vivtone', hubspot_owner_id: '7001', hs_task_status: 'NOT_STARTED' });
      expect(tasks[0].properties.hs_task_body).toBe(`2 SLA breach(es) within 30d. Cases: ${[...ids].sort().join(', ')}.`);
      const signals = (await stack.ds.query(`SELECT rule_id, crm_task_id FROM customer_signals WHERE $1 = ANY(evidence)`, [ids[0]])) as { rule_id: string; crm_task_id: string }[];
      expect(signals).toEqual([{ rule_id: 'repeated-sla-breaches', crm_task_id: tasks[0].id }]);
    });

    it('refuses deliveries whose signature does not verify, or that are older than 5 minutes', async () => {
      const url = `${stack.api.baseUrl}/v1/webhooks/crm`;
      const body = JSON.stringify([{ eventId: 1, subscriptionType: 'ticket.propertyChange', objectId: 1, propertyName: 'caseworks_priority', propertyValue: 'S1' }]);
      const send = (headers: Record<string, string>, text = body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text }).then(async (r) => ({ status: r.status, body: (await r.json()) as { type: string; errors: { field: string }[] } }));
      const now = Date.now();
      const signed = { 'x-hubspot-request-timestamp': String(now), 'x-hubspot-signature-v3': hubSpotSignatureV3(SECRET, 'POST', url, body, now) };
      const tampered = await send(signed, body.replace('S1', 'S2'));
      expect(tampered.status).toBe(400);
      expect(tampered.body.type).toMatch(/bad-signature$/);
      const old = now - 6 * 60_000;
      const stale = await send({ 'x-hubspot-request-timestamp': String(old), 'x-hubspot-signature-v3': hubSpotSignatureV3(SECRET, 'POST', url, body, old) });
      expect(stale.status).toBe(400);
      expect(stale.body.errors[0].field).toBe('header:X-HubSpot-Request-Timestamp');
      const wrongSecret = await send({ ...signed, 'x-hubspot-signature-v3': hubSpotSignatureV3('another-secret-entirely', 'POST', url, body, now) });
      expect(wrongSecret.status).toBe(400);
      // The genuine delivery goes through (its object is unknown here), and was recorded once.
      const genuine = await send(signed);
      expect(genuine).toMatchObject({ status: 200, body: { events: [{ outcome: 'unknown-object' }] } });
    });
  });
});
