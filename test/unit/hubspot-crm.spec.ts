import { inspect } from 'node:util';
import { CrmCase, CrmRefusedError, CrmUnavailableError } from '../../src/integrations/crm/crm-port';
import { HubSpotCrm, retryAfterMs, ticketPipelineStage, ticketPriority, toCrmError } from '../../src/integrations/crm/hubspot-crm';
import { HubSpotFake, startHubSpotFake } from '../fakes/hubspot';

describe('HubSpot mapping helpers', () => {
  it('closes the ticket once the case is finished, whatever its kind calls that', () => {
    expect(['closed', 'resolved', 'paid', 'refunded', 'completed', 'Closed ', 'won'].map(ticketPipelineStage)).toEqual(['4', '4', '4', '4', '4', '4', '4']);
    expect(['new', 'open', 'pending_customer', 'triggered', 'needs_response', ''].map(ticketPipelineStage)).toEqual(['1', '1', '1', '1', '1', '1']);
  });

  it('maps P and S priorities to hs_ticket_priority, anything else to null', () => {
    expect(['P1', 'P2', 'P3', 'P4', 'S1', 'S2', 'S3', 'p3'].map(ticketPriority)).toEqual(['HIGH', 'HIGH', 'MEDIUM', 'LOW', 'HIGH', 'MEDIUM', 'LOW', 'MEDIUM']);
    expect([null, 'P5', 'S4', 'urgent', ''].map(ticketPriority)).toEqual([null, null, null, null, null]);
  });

  it('reads Retry-After as seconds, or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7_000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(30_000);
    expect(retryAfterMs(undefined)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });

  it('maps statuses: 429 and 5xx and no answer are worth retrying, other 4xx are refusals', () => {
    const http = (code: number, headers: Record<string, string> = {}) => ({ code, body: { category: 'X' }, headers });
    expect(toCrmError(http(429, { 'retry-after': '3' }), 'op')).toEqual(expect.objectContaining({ name: 'CrmUnavailableError', retryAfterMs: 3_000 }));
    expect(toCrmError(http(429), 'op')).toEqual(expect.objectContaining({ name: 'CrmUnavailableError', retryAfterMs: null }));
    for (const code of [500, 502, 503, 504]) expect(toCrmError(http(code), 'op')).toBeInstanceOf(CrmUnavailableError);
    for (const code of [400, 401, 403, 404, 409]) expect(toCrmError(http(code), 'op')).toEqual(expect.objectContaining({ name: 'CrmRefusedError', status: code }));
    expect(toCrmError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'op').message).toBe('HubSpot op: not reachable (ECONNRESET)');
  });
});

describe('HubSpotCrm against the HubSpot fake', () => {
  let fake: HubSpotFake;
  let crm: HubSpotCrm;

  const aCase = (over: Partial<CrmCase> = {}): CrmCase => ({
    caseId: 'case-2025-000042',
    kind: 'ticket',
    customerRef: 'cust-1001',
    subject: 'Playback stalls on smart TV',
    status: 'open',
    priority: 'P2',
    slaDeadline: '2025-06-02T09:00:00.000Z',
    link: 'https://caseworks.example/api/tickets/case-2025-000042',
    ...over,
  });
  const associationPuts = () => fake.requestCount('PUT', /^\/crm\/v4\/objects\/tickets\/\d+\/associations\/default\/contacts\/\d+$/);

  beforeEach(async () => {
    fake = await startHubSpotFake();
    crm = new HubSpotCrm({ accessToken: fake.accessToken, baseUrl: fake.url, timeoutMs: 5_000 });
  });
  afterEach(() => fake.stop());

  describe('lookupCustomer', () => {
    it('reads the entitlement from the contact, filling its gaps from the primary company', async () => {
      const other = fake.seedCompany({ name: 'Not This One Ltd', properties: { caseworks_plan: 'basic', caseworks_region: 'us' } });
      const company = fake.seedCompany({
        name: 'Acme Streaming GmbH',
        properties: { caseworks_plan: 'enterprise', caseworks_tier: 'gold', caseworks_region: 'eu', caseworks_contract: 'C-2024-17', caseworks_enterprise: 'true', hubspot_owner_id: '7001' },
      });
      fake.seedContact({
        ref: 'cust-1001',
        properties: { email: 'jane@acme.example', firstname: 'Jane', lastname: 'Doe', caseworks_brand: 'vivtone', caseworks_plan: 'pro', caseworks_tier: '', hubspot_owner_id: '9009' },
        // the primary company has the higher ID, so HubSpot lists the other one first
        companyIds: [company, other],
      });

      const profile = await crm.lookupCustomer('cust-1001');

      expect(profile).toEqual({
        customerRef: 'cust-1001',
        brand: 'vivtone',
        plan: 'pro',
        tier: 'gold',
        region: 'eu',
        contract: 'C-2024-17',
        enterprise: true,
        company: 'Acme Streaming GmbH',
        csmOwnerId: '7001',
        source: 'hubspot',
      });
      expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`GET /crm/v3/objects/contacts/cust-1001 200`, `GET /crm/v3/objects/companies/${company} 200`]);
      expect(fake.requests[0].query.get('idProperty')).toBe('caseworks_ref');
    });

    it('never asks for or returns personal data', async () => {
      fake.seedContact({ ref: 'cust-1001', properties: { email: 'jane@acme.example', firstname: 'Jane', lastname: 'Doe' } });
      const profile = await crm.lookupCustomer('cust-1001');
      const asked = fake.requests.flatMap((r) => r.query.getAll('properties').flatMap((p) => p.split(',')));
      expect(asked.length).toBeGreaterThan(0);
      expect(asked).not.toEqual(expect.arrayContaining(['email']));
      expect(asked.filter((p) => ['email', 'firstname', 'lastname'].includes(p))).toEqual([]);
      expect(JSON.stringify(profile)).not.toMatch(/jane|doe/i);
    });

    it('without a company: company null, the contact owner as CSM, enterprise false unless "true"', async () => {
      fake.seedContact({ ref: 'cust-2', properties: { caseworks_enterprise: 'false', hubspot_owner_id: '9009' } });
      await expect(crm.lookupCustomer('cust-2')).resolves.toEqual(
        expect.objectContaining({ company: null, csmOwnerId: '9009', enterprise: false, plan: null, brand: null, source: 'hubspot' }),
      );
      expect(fake.requestCount('GET', /^\/crm\/v3\/objects\/companies\//)).toBe(0);
    });

    it('answers null for a customer HubSpot does not know', async () => {
      await expect(crm.lookupCustomer('cust-unknown')).resolves.toBeNull();
      expect(fake.requests.map((r) => r.status)).toEqual([404]);
    });

    it('a wrong token is a refusal (401) whose message and inspection hold no token', async () => {
      const wrongToken = 'pat-eu1-ffffffff-ffff-4fff-8fff-wrongtoken000';
      const wrong = new HubSpotCrm({ accessToken: wrongToken, baseUrl: fake.url });
      const error = await wrong.lookupCustomer('cust-1001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmRefusedError);
      expect((error as CrmRefusedError).status).toBe(401);
      expect(inspect(error, { depth: 10 })).not.toContain(wrongToken);
      expect(fake.requests.map((r) => r.status)).toEqual([401]);
    });

    it('keeps the access token out of inspection and JSON', () => {
      expect(inspect(crm, { depth: 20, showHidden: true })).not.toContain(fake.accessToken);
      expect(JSON.stringify(crm)).not.toContain(fake.accessToken);
    });

    it('a 429 is unavailability with HubSpot’s Retry-After, and the client does not retry on its own', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      fake.failNext(1, 429, 7);
      const error = await crm.lookupCustomer('cust-1001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmUnavailableError);
      expect((error as CrmUnavailableError).retryAfterMs).toBe(7_000);
      expect(fake.requests.map((r) => r.status)).toEqual([429]);
    });

    it('a 5xx is unavailability, once (no retries inside the adapter)', async () => {
      fake.failNext(3, 503);
      await expect(crm.lookupCustomer('cust-1001')).rejects.toEqual(expect.objectContaining({ name: 'CrmUnavailableError', retryAfterMs: null }));
      expect(fake.requests.map((r) => r.status)).toEqual([503]);
    });

    it('a dropped connection is unavailability', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      fake.down(true);
      await expect(crm.lookupCustomer('cust-1001')).rejects.toBeInstanceOf(CrmUnavailableError);
      expect(fake.requests.map((r) => r.status)).toEqual([0]);
      fake.down(false);
      await expect(crm.lookupCustomer('cust-1001')).resolves.toEqual(expect.objectContaining({ customerRef: 'cust-1001' }));
    });

    it('a slow answer times out quickly as unavailability (timeoutMs)', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      fake.setDelayMs(10_000);
      const quick = new HubSpotCrm({ accessToken: fake.accessToken, baseUrl: fake.url, timeoutMs: 200 });
      const started = Date.now();
      const error = await quick.lookupCustomer('cust-1001').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmUnavailableError);
      expect((error as Error).message).toMatch(/no answer in time/);
      expect(Date.now() - started).toBeLessThan(2_000);
      // the request was cut, not merely left waiting
      await new Promise((r) => setTimeout(r, 50));
      expect(fake.requests.map((r) => r.hungUp)).toEqual([true]);
    });

    it('the caller’s AbortSignal cuts a slow lookup short', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      fake.setDelayMs(10_000);
      const started = Date.now();
      const error = await crm.lookupCustomer('cust-1001', AbortSignal.timeout(150)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_000);
      // an already-aborted signal sends nothing at all
      const before = fake.requests.length;
      await expect(crm.lookupCustomer('cust-1001', AbortSignal.abort())).rejects.toBeInstanceOf(CrmUnavailableError);
      expect(fake.requests).toHaveLength(before);
    });
  });

  describe('upsertCase', () => {
    it('keeps one HubSpot ticket per case: created once, then updated', async () => {
      const contact = fake.seedContact({ ref: 'cust-1001' });

      const first = await crm.upsertCase(aCase());
      const second = await crm.upsertCase(aCase({ status: 'resolved', priority: 'P4', slaDeadline: null }));

      expect(first).toEqual({ crmId: expect.stringMatching(/^\d+$/), created: true });
      expect(second).toEqual({ crmId: first.crmId, created: false });
      const tickets = fake.tickets();
      expect(tickets).toHaveLength(1);
      expect(tickets[0].id).toBe(first.crmId);
      expect(tickets[0].properties).toEqual({
        caseworks_case_id: 'case-2025-000042',
        subject: 'Playback stalls on smart TV',
        hs_pipeline: '0',
        hs_pipeline_stage: '4',
        hs_ticket_priority: 'LOW',
        caseworks_kind: 'ticket',
        caseworks_priority: 'P4',
        caseworks_customer_ref: 'cust-1001',
        caseworks_sla_deadline: '',
        caseworks_link: 'https://caseworks.example/api/tickets/case-2025-000042',
      });
      expect(fake.requestCount('POST', '/crm/v3/objects/tickets/batch/upsert')).toBe(2);
      expect(associationPuts()).toBe(1);
      expect(fake.associations()).toEqual([{ fromType: 'tickets', fromId: first.crmId, toType: 'contacts', toId: contact, typeId: 16 }]);
    });

    it('opens the ticket in the new stage with its priority', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      await crm.upsertCase(aCase({ priority: 'S1' }));
      expect(fake.tickets()[0].properties).toEqual(expect.objectContaining({ hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH', caseworks_sla_deadline: '2025-06-02T09:00:00.000Z' }));
    });

    it('leaves a ticket of an unknown customer unassociated, and associates it once the contact exists', async () => {
      const { crmId } = await crm.upsertCase(aCase());
      expect(fake.tickets()).toHaveLength(1);
      expect(fake.associations()).toEqual([]);

      const contact = fake.seedContact({ ref: 'cust-1001' });
      await crm.upsertCase(aCase({ status: 'pending_customer' }));
      expect(fake.associations()).toEqual([expect.objectContaining({ fromId: crmId, toId: contact })]);
    });

    it('a retry after the association failed still associates the ticket it created', async () => {
      const contact = fake.seedContact({ ref: 'cust-1001' });
      fake.failNext(1, 502, undefined, { method: 'PUT' });
      await expect(crm.upsertCase(aCase())).rejects.toBeInstanceOf(CrmUnavailableError);
      expect(fake.tickets()).toHaveLength(1);
      expect(fake.associations()).toEqual([]);

      await expect(crm.upsertCase(aCase())).resolves.toEqual(expect.objectContaining({ created: false }));
      expect(fake.associations()).toEqual([expect.objectContaining({ fromType: 'tickets', toType: 'contacts', toId: contact })]);
      expect(fake.tickets()).toHaveLength(1);
    });

    it('a refused upsert is a refusal', async () => {
      fake.failNext(1, 400);
      await expect(crm.upsertCase(aCase())).rejects.toEqual(expect.objectContaining({ name: 'CrmRefusedError', status: 400 }));
      expect(fake.tickets()).toEqual([]);
    });
  });

  describe('addNote', () => {
    it('writes one note per key on the case’s ticket, however often it is asked', async () => {
      fake.seedContact({ ref: 'cust-1001' });
      const { crmId } = await crm.upsertCase(aCase());

      await crm.addNote('case-2025-000042', 'case-2025-000042:note:1', 'Customer confirmed the fix.');
      await crm.addNote('case-2025-000042', 'case-2025-000042:note:1', 'Customer confirmed the fix.');

      const notes = fake.notes();
      expect(notes).toHaveLength(1);
      expect(notes[0].properties).toEqual({ hs_note_body: 'Customer confirmed the fix.', hs_timestamp: expect.any(String), caseworks_note_key: 'case-2025-000042:note:1' });
      expect(Number.isNaN(Date.parse(notes[0].properties.hs_timestamp as string))).toBe(false);
      expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/objects/notes').map((r) => r.status)).toEqual([201, 409]);
      expect(fake.associations()).toContainEqual({ fromType: 'notes', fromId: notes[0].id, toType: 'tickets', toId: crmId, typeId: 228 });

      await crm.addNote('case-2025-000042', 'case-2025-000042:note:2', 'Closed.');
      expect(fake.notes()).toHaveLength(2);
    });

    it('refuses a note for a case HubSpot has no ticket for', async () => {
      await expect(crm.addNote('case-unknown', 'k', 'text')).rejects.toEqual(expect.objectContaining({ name: 'CrmRefusedError', status: 404 }));
      expect(fake.notes()).toEqual([]);
    });
  });

  describe('createTask', () => {
    const task = { key: 'churn:cust-1001:2025-06', customerRef: 'cust-1001', ownerId: '7001', subject: 'Churn risk: call the customer', body: 'Three P1s this month.', dueAt: '2025-06-05T09:00:00.000Z' };

    it('creates one task per key for the owner, on the customer’s contact', async () => {
      const contact = fake.seedContact({ ref: 'cust-1001' });

      const first = await crm.createTask(task);
      const second = await crm.createTask(task);

      expect(first).toEqual({ crmId: expect.stringMatching(/^\d+$/), created: true });
      expect(second).toEqual({ crmId: first.crmId, created: false });
      const tasks = fake.tasks();
      expect(tasks).toHaveLength(1);
      expect(tasks[0].properties).toEqual({
        hs_task_subject: 'Churn risk: call the customer',
        hs_task_body: 'Three P1s this month.',
        hs_timestamp: '2025-06-05T09:00:00.000Z',
        hs_task_status: 'NOT_STARTED',
        hubspot_owner_id: '7001',
        caseworks_task_key: 'churn:cust-1001:2025-06',
      });
      expect(fake.associations()).toEqual([{ fromType: 'tasks', fromId: first.crmId, toType: 'contacts', toId: contact, typeId: 204 }]);
    });

    it('without an owner or a known contact: an unassigned, unassociated task', async () => {
      await expect(crm.createTask({ ...task, ownerId: null })).resolves.toEqual(expect.objectContaining({ created: true }));
      expect(fake.tasks()[0].properties).not.toHaveProperty('hubspot_owner_id');
      expect(fake.associations()).toEqual([]);
    });
  });

  describe('the fake itself', () => {
    it('pages tickets with limit and after', async () => {
      for (let i = 1; i <= 5; i++) await crm.upsertCase(aCase({ caseId: `case-${i}` }));
      const page = async (after?: string) => {
        const res = await fetch(`${fake.url}/crm/v3/objects/tickets?limit=2&properties=caseworks_case_id${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${fake.accessToken}` } });
        return (await res.json()) as { results: Array<{ properties: { caseworks_case_id: string } }>; paging?: { next: { after: string } } };
      };
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const body = await page(after);
        seen.push(...body.results.map((r) => r.properties.caseworks_case_id));
        after = body.paging?.next.after;
      } while (after);
      expect(seen).toEqual(['case-1', 'case-2', 'case-3', 'case-4', 'case-5']);
    });

    it('refuses unknown properties and enumeration values as HubSpot does', async () => {
      const res = await fetch(`${fake.url}/crm/v3/objects/tickets/batch/upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fake.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ id: 'c', idProperty: 'caseworks_case_id', properties: { subject: 's', hs_pipeline_stage: '9', caseworks_typo: 'x' } }] }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(expect.objectContaining({ status: 'error', category: 'VALIDATION_ERROR' }));
      expect(fake.tickets()).toEqual([]);
    });
  });
});
