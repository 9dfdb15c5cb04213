import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { customerSignalsWorkflow } from '../../src/workflows';
import { vivtoneTicket } from '../support/crm';
import { useApiStack } from '../support/harness';
import { ticketEvents } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const SHIPPED = resolve(__dirname, '..', '..', 'policies');

/** A customer of the built-in CRM (the `customers` table), unique to the test. */
async function seedCustomer(ds: { query: (sql: string, params: unknown[]) => Promise<unknown> }, c: { brand: string; plan: string | null }): Promise<string> {
  const ref = `cust_${randomUUID().slice(0, 8)}`;
  await ds.query(`INSERT INTO customers (customer_ref, brand, plan, tier, region, contract, enterprise, company) VALUES ($1, $2, $3, 'strategic', 'eu-west', 'C-7', $4, 'Northwind')`, [ref, c.brand, c.plan, c.plan === 'enterprise']);
  return ref;
}

const ticket = vivtoneTicket;

describe('ticket intake asks the built-in CRM for the plan (issue 16)', () => {
  const stack = useApiStack({ POLICY_DIR: SHIPPED }, { label: 'crm-intake', keys: ['agent', 'client'] });
  const post = (body: unknown) => stack.http('POST', '/v1/tickets', { key: stack.keys.agent, body });

  it("corrects a claimed plan the CRM contradicts, and records what was claimed", async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'enterprise' });
    const res = await post(ticket(ref, { plan: 'basic' }));
    expect(res.status).toBe(201);
    expect(res.body.plan).toBe('enterprise');
    expect(res.body.entitlement).toEqual({ status: 'corrected', claimedPlan: 'basic', source: 'built-in', tier: 'strategic', region: 'eu-west', contract: 'C-7', enterprise: true });
    // Enterprise runs 24×7 (the pack's coverage), not Basic's business hours.
    const fr = res.body.sla.firstResponse;
    expect(Date.parse(fr.deadlineAt) - Date.parse(fr.startedAt)).toBe(fr.targetSeconds * 1000);
    const opened = await waitFor(async () => (await ticketEvents(stack.ds, res.body.id)).find((e) => e.type === 'opened'), { what: 'the opened record' });
    expect(opened.data).toMatchObject({ plan: 'enterprise', entitlement: 'corrected', claimedPlan: 'basic' });
  });

  it("shows a client key how its plan was established, never the CRM's facts about the reference it named", async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'enterprise' });
    const res = await stack.http('POST', '/v1/tickets', { key: stack.keys.client, body: ticket(ref, { plan: 'basic' }) });
    expect(res.status).toBe(201);
    expect(res.body.entitlement).toEqual({ status: 'corrected', claimedPlan: 'basic' });
    expect((await stack.http('GET', `/v1/tickets/${res.body.id}`, { key: stack.keys.client })).body.entitlement).toEqual({ status: 'corrected', claimedPlan: 'basic' });
    expect((await stack.http('GET', `/v1/tickets/${res.body.id}`, { key: stack.keys.agent })).body.entitlement).toMatchObject({ contract: 'C-7', enterprise: true });
  });

  it('needs no plan in the request for a customer the CRM knows', async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'pro' });
    const res = await post(ticket(ref));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ plan: 'pro', entitlement: { status: 'verified', claimedPlan: null } });
  });

  it("keeps the request's plan for a customer the CRM does not know, and still needs one", async () => {
    const ref = `cust_unknown_${randomUUID().slice(0, 8)}`;
    const res = await post(ticket(ref, { plan: 'pro' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ plan: 'pro', entitlement: { status: 'unconfirmed', claimedPlan: 'pro', source: null } });
    const none = await post(ticket(ref));
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([{ field: 'plan', message: expect.stringContaining('vivtone tickets need a plan') }]);
  });

  it("refuses a customer the CRM places at another brand, naming customerRef, and a plan the pack does not sell before asking", async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'uoozee', plan: null });
    const res = await post(ticket(ref, { plan: 'pro' }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'customerRef', message: 'the CRM has this customer at brand uoozee, not vivtone' }]);
    const unknownPlan = await post(ticket(ref, { plan: 'platinum' }));
    expect(unknownPlan.status).toBe(422);
    expect(unknownPlan.body.errors[0].field).toBe('plan');
  });

  it("refuses a channel the CRM's plan does not include, naming channel", async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'basic' });
    const res = await post(ticket(ref, { plan: 'enterprise', channel: 'phone' }));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'channel', message: expect.stringContaining('plan basic does not include phone') }]);
  });

  it("records a churn signal once per window with no outside CRM: the customer_signals table is the CSMs' list", async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'pro' });
    const receivedAt = new Date(Date.now() - 20 * 86_400_000).toISOString(); // every first response long past
    const ids: string[] = [];
    for (const subject of ['Webhook retries pile up', 'Webhooks stopped again']) ids.push((await post(ticket(ref, { subject, receivedAt }))).body.id);
    await waitFor(async () => ((await stack.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1) AND sla_breached`, [ids])) as { n: number }[])[0].n === 2, { what: 'both breaches' });
    for (let run = 0; run < 2; run++) await stack.client.workflow.execute(customerSignalsWorkflow, { workflowId: `customer-signals-${randomUUID()}`, taskQueue: stack.taskQueue, args: [{}] });
    const rows = (await stack.ds.query(`SELECT rule_id, evidence, why, delivered_at FROM customer_signals WHERE $1 = ANY(evidence)`, [ids[0]])) as { rule_id: string; evidence: string[]; why: string[]; delivered_at: Date | null }[];
    expect(rows).toEqual([{ rule_id: 'repeated-sla-breaches', evidence: [...ids].sort(), why: ['2 SLA breach(es) within 30d'], delivered_at: null }]);
  });

  it('fills the read model: plan and entitlement in clear for lists', async () => {
    const ref = await seedCustomer(stack.ds, { brand: 'vivtone', plan: 'enterprise' });
    const res = await post(ticket(ref, { plan: 'pro' }));
    const row = await waitFor(async () => {
      const [r] = (await stack.ds.query(`SELECT plan, entitlement FROM tickets WHERE id = $1`, [res.body.id])) as { plan: string; entitlement: string }[];
      return r;
    }, { what: 'the ticket row' });
    expect(row).toEqual({ plan: 'enterprise', entitlement: 'corrected' });
  });
});

