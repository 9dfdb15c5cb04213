import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../src/persistence/data-source';
import { ApiKeyService } from '../../src/api/auth/api-key.service';
import { createKey, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { ticketEvents, ticketRow } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/**
 * Moving a deployment that predates accounts onto them (issue 12): client keys made before
 * accounts existed (no account: they see no ticket) and tickets opened before (no account: no
 * client sees them). An admin assigns keys to accounts and adopts a customer's tickets into its
 * account; the backfill status says what is left.
 */
describe('account backfill: legacy client keys and tickets onto accounts', () => {
  const stack = useHttpStack(testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('backfill') }));
  let http: ReturnType<typeof httpClient>;
  const suffix = randomUUID().slice(0, 8);
  const account = `acct-legacy-${suffix}`;
  const otherAccount = `acct-other-${suffix}`;
  const custX = `cust_x_${suffix}`;
  const custY = `cust_y_${suffix}`;
  const custZ = `cust_z_${suffix}`;
  let admin: string;
  let agent: string;
  let legacy: { key: string; id: string };
  let otherClient: string;
  const t = {} as Record<'x1' | 'x2' | 'xVivtone' | 'xOther' | 'y' | 'z', string>;

  const ticket = (customerRef: string, overrides: Record<string, unknown> = {}) => ({
    brand: 'uoozee',
    channel: 'email',
    priority: 'P4',
    subject: 'Playback stops',
    description: 'Since yesterday.',
    customerRef,
    ...overrides,
  });
  /** A ticket an agent opens (for no account unless named): as every ticket was before accounts existed. */
  const open = async (body: Record<string, unknown>) => {
    const res = await http('POST', '/v1/tickets', { key: agent, body, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await waitFor(async () => (await ticketRow(stack.ds, id)) !== null, { what: `read model row of ${id}` });
    return id;
  };
  const adopt = (accountId: string, body: unknown) => http('POST', `/v1/accounts/${accountId}/tickets/adopt`, { key: admin, body });
  const status = async () => {
    const res = await http('GET', '/v1/accounts/backfill', { key: admin });
    expect(res.status).toBe(200);
    return res.body as {
      clientKeysWithoutAccount: { count: number; keys: { id: string; name: string; keyPrefix: string }[] };
      ticketsWithoutAccount: { count: number; byBrand: { brand: string; count: number }[] };
      done: boolean;
    };
  };
  const uoozeeUnassigned = (s: Awaited<ReturnType<typeof status>>) => s.ticketsWithoutAccount.byBrand.find((b) => b.brand === 'uoozee')?.count ?? 0;
  /** Which of this test's tickets the key reads (client keys read tickets one by one; listing is the agents'). Anything but 200 or 404 fails. */
  const visible = async (key: string) => {
    const seen: string[] = [];
    for (const id of Object.values(t)) {
      const res = await http('GET', `/v1/tickets/${id}`, { key });
      expect(`${id} ${res.status}`).toMatch(/ (200|404)$/);
      if (res.status === 200) seen.push(id);
    }
    return seen.sort();
  };

  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    admin = await createKey(stack.ds, 'admin', 'ops');
    agent = await createKey(stack.ds, 'agent', 'agent-all');
    // A client key made before accounts existed: it belongs to none.
    legacy = await ApiKeyService.create(stack.ds, `portal-legacy-${suffix}`, 'client', {});
    otherClient = await createKey(stack.ds, 'client', 'portal-other', { account: otherAccount, brand: 'uoozee' });

    t.x1 = await open(ticket(custX));
    t.x2 = await open(ticket(custX));
    // A row written before the read model was sealed holds the reference itself, newer ones its pseudonym: adoption matches both.
    await stack.ds.query(`UPDATE tickets SET customer_ref = $1 WHERE id = $2`, [custX, t.x2]);
    t.xVivtone = await open(ticket(custX, { brand: 'vivtone', plan: 'basic', priority: 'S3' }));
    t.xOther = await open(ticket(custX, { account: otherAccount }));
    t.y = await open(ticket(custY));
    t.z = await open(ticket(custZ));
  });

  it('starts where an upgraded deployment is: the legacy key sees nothing, and the status lists it and the tickets', async () => {
    expect(await visible(legacy.key)).toEqual([]);
    // Only the ticket opened for the other account is the other account's.
    expect(await visible(otherClient)).toEqual([t.xOther]);

    const before = await status();
    expect(before.done).toBe(false);
    const listed = before.clientKeysWithoutAccount.keys.find((k) => k.id === legacy.id);
    expect(listed).toMatchObject({ name: `portal-legacy-${suffix}`, keyPrefix: expect.any(String) });
    expect(JSON.stringify(before)).not.toContain(legacy.key);
    // x1, x2, y, z at least (other tests' tickets may be there too).
    expect(uoozeeUnassigned(before)).toBeGreaterThanOrEqual(4);
    expect(before.ticketsWithoutAccount.byBrand.find((b) => b.brand === 'vivtone')?.count).toBeGreaterThanOrEqual(1);
  });

  it('creates accounts: again with the same brand is the same account (200), with another brand a 409 naming brand', async () => {
    const created = await http('POST', '/v1/accounts', { key: admin, body: { id: account, brand: 'uoozee', name: 'Legacy Org' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: account, brand: 'uoozee', name: 'Legacy Org' });
    const again = await http('POST', '/v1/accounts', { key: admin, body: { id: account, brand: 'uoozee' } });
    expect([again.status, again.body.name]).toEqual([200, 'Legacy Org']);
    const otherBrand = await http('POST', '/v1/accounts', { key: admin, body: { id: account, brand: 'vivtone' } });
    expect([otherBrand.status, otherBrand.body.errors?.[0]?.field]).toEqual([409, 'brand']);
    const badId = await http('POST', '/v1/accounts', { key: admin, body: { id: 'Not A Slug', brand: 'uoozee' } });
    expect([badId.status, badId.body.errors?.[0]?.field]).toEqual([400, 'id']);
  });

  it('refuses to assign what it must not, naming the field: a non-client key, an unknown account, another brand’s account, a key of another account', async () => {
    const agentKey = await ApiKeyService.create(stack.ds, 'agent-assign-probe', 'agent');
    const patch = (id: string, body: unknown) => http('PATCH', `/v1/api-keys/${id}`, { key: admin, body });

    const nonClient = await patch(agentKey.id, { account });
    expect([nonClient.status, nonClient.body.errors?.[0]?.field]).toEqual([422, 'account']);
    expect(nonClient.headers.get('content-type')).toContain('application/problem+json');
    const unknownAccount = await patch(legacy.id, { account: `no-such-${suffix}` });
    expect([unknownAccount.status, unknownAccount.body.errors?.[0]?.field]).toEqual([422, 'account']);
    const missing = await patch(legacy.id, {});
    expect([missing.status, missing.body.errors?.[0]?.field]).toEqual([400, 'account']);
    expect((await patch(randomUUID(), { account })).status).toBe(404);
    expect((await patch('not-a-key-id', { account })).status).toBe(404);

    // A client key that works for one brand is not put into another brand's account.
    const vivtoneKey = await ApiKeyService.create(stack.ds, 'portal-vivtone-legacy', 'client', {});
    await stack.ds.query(`UPDATE api_keys SET brand = 'vivtone' WHERE id = $1`, [vivtoneKey.id]);
    const otherBrand = await patch(vivtoneKey.id, { account });
    expect([otherBrand.status, otherBrand.body.errors?.[0]?.field]).toEqual([422, 'account']);
    expect(otherBrand.body.errors[0].message).toContain('vivtone');

    // A key that has an account keeps it: moving it would show its holder another organisation's tickets.
    const [{ id: otherKeyId }] = (await stack.ds.query(`SELECT id FROM api_keys WHERE account_id = $1`, [otherAccount])) as { id: string }[];
    const moved = await patch(otherKeyId, { account });
    expect([moved.status, moved.body.type]).toEqual([409, expect.stringMatching(/key-has-account$/)]);

    // Nothing changed on any of them.
    const rows = (await stack.ds.query(`SELECT id, account_id FROM api_keys WHERE id = ANY($1::uuid[])`, [[agentKey.id, legacy.id, vivtoneKey.id, otherKeyId]])) as { id: string; account_id: string | null }[];
    expect(Object.fromEntries(rows.map((r) => [r.id, r.account_id]))).toEqual({ [agentKey.id]: null, [legacy.id]: null, [vivtoneKey.id]: null, [otherKeyId]: otherAccount });
  });

  it('adopts the customer’s tickets and assigns the legacy key: it then sees exactly its account’s, another account’s key none of them', async () => {
    const unassignedBefore = uoozeeUnassigned(await status());
    const unknownTicket = `ticket-${'0'.repeat(26)}`;
    const adopted = await adopt(account, { customerRefs: [custX], ticketIds: [t.y, unknownTicket] });
    expect(adopted.status).toBe(200);
    expect(adopted.body).toEqual({
      account,
      brand: 'uoozee',
      matched: 5, // x1, x2, x's vivtone ticket, x's ticket of the other account, y
      adopted: 3,
      alreadyInAccount: 0,
      inOtherAccount: 1,
      otherBrand: 1,
      unknownTicketIds: 1,
    });
    expect(JSON.stringify(adopted.body)).not.toContain(custX);
    expect(uoozeeUnassigned(await status())).toBe(unassignedBefore - 3);

    // Adopted, but the key has no account yet: it still sees nothing (and its principal is now cached).
    expect(await visible(legacy.key)).toEqual([]);

    const assigned = await http('PATCH', `/v1/api-keys/${legacy.id}`, { key: admin, body: { account } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ id: legacy.id, role: 'client', account, brand: 'uoozee' });
    expect(JSON.stringify(assigned.body)).not.toMatch(/hash/i);
    const again = await http('PATCH', `/v1/api-keys/${legacy.id}`, { key: admin, body: { account } });
    expect([again.status, again.body.account]).toEqual([200, account]);

    const mine = [t.x1, t.x2, t.y].sort();
    // At once, well inside the key cache's 5 s: the assignment dropped the key's cached principal.
    expect(await visible(legacy.key)).toEqual(mine);
    // It acts on them as a customer would.
    expect((await http('POST', `/v1/tickets/${t.x1}/reply`, { key: legacy.key, body: { message: 'Still freezing' } })).status).toBe(200);

    // Another account's key sees none of them (only its own ticket).
    expect(await visible(otherClient)).toEqual([t.xOther]);
    expect((await http('POST', `/v1/tickets/${t.x1}/reply`, { key: otherClient, body: { message: 'Mine?' } })).status).toBe(404);
    // Agents still see them (adoption widens client access only).
    const listed = await http('GET', `/v1/tickets?limit=100`, { key: agent });
    expect((listed.body.items as { id: string }[]).map((i) => i.id)).toEqual(expect.arrayContaining(mine));

    // The vivtone ticket and the other account's stayed where they were.
    expect((await ticketRow(stack.ds, t.xVivtone))?.accountId).toBeNull();
    expect((await ticketRow(stack.ds, t.xOther))?.accountId).toBe(otherAccount);
    // A transition after the adoption does not take the account away (the workflow's view has none).
    await waitFor(async () => (await ticketEvents(stack.ds, t.x1)).length > 1, { what: 'the reply on x1 recorded' });
    expect((await ticketRow(stack.ds, t.x1))?.accountId).toBe(account);
  });

  it('is idempotent, refuses an empty or unknown selection, and leaves one access-log entry per adopted ticket', async () => {
    const again = await adopt(account, { customerRefs: [custX], ticketIds: [t.y] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ matched: 5, adopted: 0, alreadyInAccount: 3, inOtherAccount: 1, otherBrand: 1 });

    const empty = await adopt(account, {});
    expect([empty.status, empty.body.errors?.[0]?.field]).toEqual([422, 'customerRefs']);
    const badId = await adopt(account, { ticketIds: ['nope'] });
    expect([badId.status, badId.body.errors?.[0]?.field]).toEqual([400, 'ticketIds']);
    expect((await adopt(`no-such-${suffix}`, { customerRefs: [custZ] })).status).toBe(404);
    // The other account cannot take this account's tickets.
    const steal = await adopt(otherAccount, { ticketIds: [t.x1] });
    expect(steal.body).toMatchObject({ adopted: 0, inOtherAccount: 1 });
    expect((await ticketRow(stack.ds, t.x1))?.accountId).toBe(account);

    const entries = (await stack.ds.query(
      `SELECT case_id, case_kind, actor, role, fields, status FROM access_log WHERE operation = 'accounts.adoptTickets' AND case_kind = 'ticket' AND case_id = ANY($1::text[])`,
      [[t.x1, t.x2, t.y, t.z, t.xVivtone, t.xOther]],
    )) as { case_id: string; actor: string; role: string; fields: string[]; status: number }[];
    expect(entries.map((e) => e.case_id).sort()).toEqual([t.x1, t.x2, t.y].sort());
    expect(entries.every((e) => e.actor === 'ops' && e.role === 'admin' && e.status === 200)).toBe(true);
    // The request itself is logged like every other write, with field names and no values.
    const requests = (await stack.ds.query(`SELECT fields, status FROM access_log WHERE operation = 'accounts.adoptTickets' AND case_kind IS NULL AND case_id = $1`, [account])) as {
      fields: string[];
    }[];
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(requests)).not.toContain(custX);
  });

  it('is for operations only: an agent or a client cannot assign keys, adopt tickets or read the status', async () => {
    for (const key of [agent, legacy.key]) {
      expect((await http('GET', '/v1/accounts/backfill', { key })).status).toBe(403);
      expect((await http('PATCH', `/v1/api-keys/${legacy.id}`, { key, body: { account: otherAccount } })).status).toBe(403);
      expect((await http('POST', `/v1/accounts/${otherAccount}/tickets/adopt`, { key, body: { customerRefs: [custX] } })).status).toBe(403);
    }
  });
});

/**
 * "Done" is a statement about the whole database, and the shared test database gains legacy-looking
 * keys and tickets from other specs all the time: this part runs on a database of its own.
 */
describe('account backfill: the status goes to zero', () => {
  const own = new URL(testConfig().DATABASE_URL);
  own.pathname = `/caseworks_backfill_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    await migrate(own.toString());
  }, 60_000);
  const stack = useHttpStack(testConfig({ DATABASE_URL: own.toString(), TEMPORAL_TASK_QUEUE: uniqueTaskQueue('backfill-zero') }));
  afterAll(async () => {
    const admin = new Client({ connectionString: testConfig().DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${own.pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('once every client key has an account and every ticket too', async () => {
    const http = httpClient(stack.api.baseUrl);
    const admin = await createKey(stack.ds, 'admin', 'ops');
    const agent = await createKey(stack.ds, 'agent', 'agent-all');
    const legacy = await ApiKeyService.create(stack.ds, 'portal-legacy', 'client', {});
    const ids: string[] = [];
    for (const [brand, priority, plan] of [['uoozee', 'P3', undefined], ['uoozee', 'P4', undefined], ['vivtone', 'S3', 'basic']] as const) {
      const res = await http('POST', '/v1/tickets', { key: agent, body: { brand, channel: 'email', priority, ...(plan ? { plan } : {}), subject: 'Legacy', description: 'Opened for no account', customerRef: 'cust_legacy' } });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
      await waitFor(async () => (await ticketRow(stack.ds, res.body.id as string)) !== null, { what: 'the read model row' });
    }
    const status = async () => (await http('GET', '/v1/accounts/backfill', { key: admin })).body;
    const before = await status();
    expect(before).toMatchObject({ clientKeysWithoutAccount: { count: 1 }, ticketsWithoutAccount: { count: 3 }, done: false });
    expect(before.clientKeysWithoutAccount.keys.map((k: { id: string }) => k.id)).toEqual([legacy.id]);

    for (const brand of ['uoozee', 'vivtone']) expect((await http('POST', '/v1/accounts', { key: admin, body: { id: `org-${brand}`, brand } })).status).toBe(201);
    expect((await http('PATCH', `/v1/api-keys/${legacy.id}`, { key: admin, body: { account: 'org-uoozee' } })).status).toBe(200);
    const uoozee = await http('POST', '/v1/accounts/org-uoozee/tickets/adopt', { key: admin, body: { customerRefs: ['cust_legacy'] } });
    expect(uoozee.body).toMatchObject({ matched: 3, adopted: 2, otherBrand: 1 });
    expect(await status()).toMatchObject({ clientKeysWithoutAccount: { count: 0 }, ticketsWithoutAccount: { count: 1 }, done: false });
    const vivtone = await http('POST', '/v1/accounts/org-vivtone/tickets/adopt', { key: admin, body: { ticketIds: [ids[2]] } });
    expect(vivtone.body).toMatchObject({ adopted: 1 });
    expect(await status()).toEqual({ clientKeysWithoutAccount: { count: 0, keys: [] }, ticketsWithoutAccount: { count: 0, byBrand: [] }, done: true });
    // The legacy key now reads its account's tickets, not the other brand's.
    for (const [i, expected] of [[0, 200], [1, 200], [2, 404]] as const) expect((await http('GET', `/v1/tickets/${ids[i]}`, { key: legacy.key })).status).toBe(expected);
  });
});
