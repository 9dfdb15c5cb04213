import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { ROLES } from '../../src/persistence/entities/api-key.entity';
import { createKey, useApiStack } from '../support/harness';

const SHIPPED = join(__dirname, '../../policies');
const packs = PolicyRegistry.fromDirectory(SHIPPED);
const DAY = 86_400_000;

/**
 * The published SLAs: 000 "publish these SLAs internally and to enterprise customers"; 001 "Severity
 * definitions, response windows, escalation timelines, and credit calculation—documented in the
 * contract with transparent measurement on the customer portal".
 */
describe('published SLAs', () => {
  // The shipped packs (not the test fixtures' short windows): what is published is what ships.
  const stack = useApiStack({ RATE_LIMIT_PER_MINUTE: '10000', POLICY_DIR: SHIPPED }, { label: 'published-slas', keys: [...ROLES] });

  describe('GET /v1/policies/{brand}', () => {
    it('"publish these SLAs internally and to enterprise customers": every role reads the current version, targets, calendars, plans and credit schedule', async () => {
      const pack = packs.find('vivtone')!;
      for (const role of ROLES) {
        const res = await stack.http('GET', '/v1/policies/vivtone?year=2027', { key: stack.keys[role] });
        expect({ role, status: res.status }).toEqual({ role, status: 200 });
        expect(res.body).toMatchObject({ brand: 'vivtone', version: pack.version, displayName: pack.displayName });
      }
      const { body } = await stack.http('GET', '/v1/policies/vivtone?year=2027', { key: stack.keys.client });
      // 001: "Severity 1 … initial response ≤30 minutes"; "credits … (e.g., 5–25%)".
      expect(body.priorities).toEqual(expect.arrayContaining([expect.objectContaining({ priority: 'S1', firstResponse: pack.priorities.S1.firstResponse, coverage: pack.priorities.S1.coverage })]));
      expect(body.channels).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'chat', firstResponse: pack.channels.chat!.firstResponse })]));
      expect(body.plans).toEqual(expect.arrayContaining([expect.objectContaining({ plan: 'enterprise', coverage: '24x7', monthlyFee: { amountMinor: 120000, currency: 'USD' } })]));
      expect(body.credits).toEqual(pack.credits);
      // The root-cause vocabulary agents tag with (001: "product bug, documentation gap, usability").
      expect(body.rootCauses).toEqual(pack.rootCauses);
      expect(body.rootCauses).toEqual(expect.arrayContaining([{ id: 'documentation-gap', label: expect.any(String), preventable: true }]));
      // Calendars with the closed dates of the year asked for (New Year's Day 2027 is a Friday: closed on any reading).
      const business = body.calendars.find((c: { name: string }) => c.name === 'business');
      expect(business).toMatchObject({ alwaysOpen: false, timeZone: 'America/Chicago' });
      expect(business.weekly.mon).toEqual([{ start: '09:00', end: '17:00' }]);
      expect(business.holidays).toContain('2027-01-01');
      expect(business.holidays.every((d: string) => d.startsWith('2027-'))).toBe(true);
      expect(body.calendars).toEqual(expect.arrayContaining([{ name: '24x7', alwaysOpen: true, holidays: [] }]));
      // Incident paging, takedown and billing internals are not published.
      expect(body).not.toHaveProperty('incidents');
      expect(body).not.toHaveProperty('takedowns');
    });

    it('answers 404 problem+json for a brand no pack knows, 400 for a bad year, 401 without a key', async () => {
      const unknown = await stack.http('GET', '/v1/policies/nobrand', { key: stack.keys.client });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
      expect(unknown.body.type).toMatch(/not-found$/);
      const badYear = await stack.http('GET', '/v1/policies/uoozee?year=20x7', { key: stack.keys.client });
      expect(badYear.status).toBe(400);
      expect(badYear.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['query:year']));
      expect(badYear.body.errors.every((e: { field: string }) => e.field === 'query:year')).toBe(true);
      expect((await stack.http('GET', '/v1/policies/uoozee')).status).toBe(401);
    });
  });

  describe('GET /v1/accounts/me/sla', () => {
    const u = randomUUID().slice(0, 8);
    const account = `sla-${u}`;
    const other = `sla-other-${u}`;
    const opened = new Date(Date.now() - 5 * DAY);
    const query = `from=${new Date(opened.getTime() - DAY).toISOString()}&to=${new Date(opened.getTime() + DAY).toISOString()}`;
    const keys: Record<string, string> = {};

    /** A ticket row as the read model holds it, with its settled SLA clocks counted in their columns. */
    async function ticket(id: string, accountId: string, priority: string, counts: Record<string, number>) {
      const cols = Object.keys(counts);
      await stack.ds.query(
        `INSERT INTO tickets (id, brand, channel, priority, status, policy_version, opened_at, snapshot, request_hash, updated_at, account_id, plan${cols.map((c) => `, ${c}`).join('')})
         VALUES ($1, 'vivtone', 'email', $2, 'resolved', 'test-1', $3, '{}', 'h', now(), $4, 'enterprise'${cols.map((_, i) => `, $${i + 5}`).join('')})`,
        [id, priority, opened, accountId, ...Object.values(counts)],
      );
    }
    async function credit(ticketId: string, metric: string, owedMinor: number, settled: boolean) {
      await stack.ds.query(
        `INSERT INTO sla_credits (key, ticket_id, brand, customer_ref, plan, priority, metric, percent, amount_minor, owed_minor, currency, rule, breached_at, settled_at)
         VALUES ($1, $2, 'vivtone', 'pseudonym', 'enterprise', 'S1', $3, 10, $4, $4, 'USD', 'test', $5, $6)`,
        [`${ticketId}:${metric}:credit`, ticketId, metric, owedMinor, opened, settled ? new Date() : null],
      );
    }

    beforeAll(async () => {
      for (const id of [account, other]) {
        const res = await stack.http('POST', '/v1/accounts', { key: stack.keys.admin, body: { id, brand: 'vivtone', name: `Account ${id}` } });
        expect(res.status).toBe(201);
      }
      keys.mine = await createKey(stack.ds, 'client', `sla-client-${u}`, { account });
      keys.none = await createKey(stack.ds, 'client', `sla-client-none-${u}`, {});
      await ticket(`ticket-sla-a-${u}`, account, 'S1', { sla_first_response_met: 1, sla_resolution_breached: 1 });
      await ticket(`ticket-sla-b-${u}`, account, 'S1', { sla_first_response_breached: 1, sla_resolution_met: 1 });
      await ticket(`ticket-sla-c-${u}`, account, 'S2', { sla_first_response_met: 2 });
      await ticket(`ticket-sla-x-${u}`, other, 'S1', { sla_first_response_breached: 5 });
      await credit(`ticket-sla-a-${u}`, 'resolution', 18000, false);
      await credit(`ticket-sla-b-${u}`, 'firstResponse', 12000, true);
      await credit(`ticket-sla-x-${u}`, 'firstResponse', 99900, false);
    });

    it('001 "transparent measurement on the customer portal": a client key sees its own account\'s compliance per metric and the credits owed, no other account\'s', async () => {
      const res = await stack.http('GET', `/v1/accounts/me/sla?${query}`, { key: keys.mine });
      expect(res.status).toBe(200);
      expect(res.body.account).toEqual({ id: account, brand: 'vivtone', name: `Account ${account}` });
      expect(res.body.compliance).toEqual([
        { brand: 'vivtone', priority: 'S1', metric: 'firstResponse', met: 1, breached: 1, total: 2, compliance: 0.5 },
        { brand: 'vivtone', priority: 'S1', metric: 'resolution', met: 1, breached: 1, total: 2, compliance: 0.5 },
        { brand: 'vivtone', priority: 'S2', metric: 'firstResponse', met: 2, breached: 0, total: 2, compliance: 1 },
      ]);
      // Earned 180 + 120 USD; 120 settled, 180 still owed. The other account's 999 is not here.
      expect(res.body.creditTotals).toEqual([{ currency: 'USD', earnedMinor: 30000, owedMinor: 18000, credits: 2 }]);
      expect(res.body.credits.map((c: { ticketId: string }) => c.ticketId).sort()).toEqual([`ticket-sla-a-${u}`, `ticket-sla-b-${u}`]);
    });

    it('refuses a client key with no account (403 problem+json), a key of another role (403), and a period that ends before it starts (400 naming from)', async () => {
      const none = await stack.http('GET', '/v1/accounts/me/sla', { key: keys.none });
      expect(none.status).toBe(403);
      expect(none.headers.get('content-type')).toMatch(/problem\+json/);
      expect(none.body.type).toMatch(/no-account$/);
      for (const role of ['agent', 'admin', 'billing'] as const) expect((await stack.http('GET', '/v1/accounts/me/sla', { key: stack.keys[role] })).status).toBe(403);
      const backwards = await stack.http('GET', `/v1/accounts/me/sla?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`, { key: keys.mine });
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'query:from' })]);
    });
  });
});
