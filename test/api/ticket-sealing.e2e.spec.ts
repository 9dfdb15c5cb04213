import { randomBytes } from 'node:crypto';
import type { PlaybackEvidence } from '../../src/domain/playback/checklist';
import { startPlaybackDiagnosticsFake } from '../fakes/playback-diagnostics';
import { startStripeFake } from '../fakes/stripe';
import { createKey, realActivities, useApiStack } from '../support/harness';
import { insertSlaCredit } from '../support/sla-credits';
import { queryOpened, rawRowsText, testSealer } from '../support/sealed-rows';
import { ticketEvents } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const SEALED = 'sealed:v1:';

/**
 * The ticket family of the read model (tickets, ticket_events, ticket_checks, notifications,
 * sla_credits) holds personal data only sealed under the ticket's key: a unique marker written
 * through the API into every personal field reads back through the API, is nowhere in the rows as
 * stored (what a backup holds), and the reports still count the ticket.
 */
describe('ticket read model sealing', () => {
  const marker = `MRK${randomBytes(6).toString('hex')}`;
  const since = new Date(Date.now() - 60_000).toISOString();

  const stack = useApiStack(
    (f) => ({
      PLAYBACK_DIAGNOSTICS_URL: f.diag.url,
      PLAYBACK_DIAGNOSTICS_TOKEN: f.diag.token,
      STRIPE_API_KEY: f.stripe.apiKey,
      STRIPE_API_BASE: f.stripe.url,
      BILLING_WEBHOOK_SECRET: f.stripe.webhookSecret,
    }),
    { label: 'ticket-sealing', fakes: { diag: startPlaybackDiagnosticsFake, stripe: startStripeFake }, keys: Object.fromEntries((['client', 'agent', 'billing', 'privacy'] as const).map((r) => [r, [r, `sealing-${r}`] as const])) },
  );
  const { keys } = stack;
  const http: typeof stack.http = (...args) => stack.http(...args);

  /** The rows of every table of the family about `ticketId`, as a dump of the database holds them. */
  async function rawFamily(ticketId: string): Promise<Record<string, string>> {
    const ids = [ticketId];
    return {
      tickets: await rawRowsText(stack.ds, 'tickets', 'id', ids),
      ticket_events: await rawRowsText(stack.ds, 'ticket_events', 'ticket_id', ids),
      ticket_checks: await rawRowsText(stack.ds, 'ticket_checks', 'ticket_id', ids),
      notifications: await rawRowsText(stack.ds, 'notifications', 'ticket_id', ids),
      sla_credits: await rawRowsText(stack.ds, 'sla_credits', 'ticket_id', ids),
    };
  }

  it('a playback ticket: readable through the API, sealed in tickets, events, checks and notifications, counted by the SLA report', async () => {
    const customerRef = `cust_${marker}_pb`;
    const playback = { userId: `usr-${marker}`, sessionId: `ps-${marker}`, deviceId: `dev-${marker}` };
    const evidence: PlaybackEvidence = {
      entitlement: { region: 'GB', licensedRegions: ['GB'], subscriptionActive: true, activeDevices: 2, deviceLimit: 4 },
      client: { appVersion: '6.2.0', latestAppVersion: '9.0.1', os: 'Android TV', osVersion: '12', model: `Living room ${marker}` },
      network: { measuredMbps: 11.5, requestedQuality: '4K', cdnEdge: 'lhr-3', http4xx: 0, http5xx: 7 },
      drm: { licenseErrors: [], deviceClockSkewSeconds: -420, certificateExpiresAt: '2030-01-01T00:00:00Z' },
      diagnostics: { playerLogUrl: `https://logs.uoozee.example/${marker}/player.log`, errorCodes: [{ code: 'E-4012', at: '2026-11-25T11:58:00Z' }], screenRecordingUrl: null },
    };
    stack.fakes.diag.serve(playback, evidence);

    // P2: first response in 3 s, so it breaches and escalates "with logs attached" (the checklist's evidence).
    const opened = await http('POST', '/v1/tickets', {
      key: keys.client,
      body: {
        brand: 'uoozee',
        channel: 'email',
        priority: 'P2',
        subject: `Subject ${marker}`,
        description: `Description ${marker}: write to ${marker}@example.org`,
        customerRef,
        category: 'playback',
        playback,
      },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const path = `/v1/tickets/${id}`;
    await waitFor(async () => (await http('GET', path, { key: keys.agent })).body.troubleshooting?.length === 5, { what: 'five checklist verdicts' });
    await waitFor(async () => (await queryOpened<{ payload: { troubleshooting?: unknown } }>(stack.ds, `SELECT payload FROM notifications WHERE ticket_id = $1`, [id])).some((n) => n.payload.troubleshooting), {
      what: 'the escalation with the checklist attached',
      timeoutMs: 30_000,
    });
    // The customer acts under a key named by their own reference: the event's actor is then the pseudonym.
    const customerKey = await createKey(stack.ds, 'client', customerRef);
    expect((await http('POST', `${path}/reply`, { key: customerKey, body: { message: `Customer reply ${marker}` } })).status).toBe(200);
    expect((await http('POST', `${path}/reply`, { key: keys.agent, body: { message: `Agent reply ${marker}` } })).status).toBe(200);
    expect((await http('POST', `${path}/pending`, { key: keys.agent, body: { reason: 'customer', message: `Pending ${marker}` } })).status).toBe(200);
    expect((await http('POST', `${path}/resolve`, { key: keys.agent, body: { resolution: `Resolution ${marker}` } })).status).toBe(200);
    expect((await http('POST', `${path}/csat`, { key: keys.client, body: { score: 4, comment: `Comment ${marker}` } })).status).toBe(200);
    await waitFor(async () => (await stack.ds.query(`SELECT csat_score FROM tickets WHERE id = $1`, [id]))[0]?.csat_score === 4, { what: 'csat in the read model' });

    // (a) The API answers the plaintext, from the workflow and from the read model alike.
    const read = await http('GET', path, { key: keys.agent });
    expect(read.body).toMatchObject({ subject: `Subject ${marker}`, customerRef, csat: { score: 4, comment: `Comment ${marker}` } });
    expect(read.body.description).toContain(`${marker}@example.org`);
    const events = await ticketEvents(stack.ds, id);
    expect(events.find((e) => e.type === 'customer_reply')).toMatchObject({ actor: testSealer().pseudonym(customerRef), data: { message: `Customer reply ${marker}` } });
    expect(events.find((e) => e.type === 'resolved')?.data.resolution).toBe(`Resolution ${marker}`);
    const checks = await queryOpened<{ check: string; evidence: { playerLogUrl?: string; model?: string } }>(stack.ds, `SELECT "check", evidence FROM ticket_checks WHERE ticket_id = $1`, [id]);
    expect(checks.find((c) => c.check === 'diagnostics')?.evidence.playerLogUrl).toBe(evidence.diagnostics.playerLogUrl);
    expect(checks.find((c) => c.check === 'client')?.evidence.model).toBe(`Living room ${marker}`);
    const told = await queryOpened<{ payload: { troubleshooting?: { logs: { playerLogUrl: string | null } | null } } }>(stack.ds, `SELECT payload FROM notifications WHERE ticket_id = $1`, [id]);
    expect(told.map((n) => n.payload.troubleshooting?.logs?.playerLogUrl)).toContain(evidence.diagnostics.playerLogUrl);

    // (b) As stored: sealed strings, and neither the marker nor the customer's reference anywhere.
    const raw = await rawFamily(id);
    for (const table of ['tickets', 'ticket_events', 'ticket_checks', 'notifications'] as const) {
      expect([table, raw[table]]).toEqual([table, expect.stringContaining(SEALED)]);
      expect([table, raw[table].includes(marker), raw[table].includes(customerRef)]).toEqual([table, false, false]);
    }
    // customer_ref holds the pseudonym; the columns reports count by stay in clear.
    const [row]: { customer_ref: string; brand: string; priority: string; status: string }[] = await stack.ds.query(`SELECT customer_ref, brand, priority, status FROM tickets WHERE id = $1`, [id]);
    expect(row).toEqual({ customer_ref: expect.stringMatching(/^subject:[0-9a-f]{32}$/), brand: 'uoozee', priority: 'P2', status: expect.stringMatching(/^(resolved|closed)$/) });

    // (c) Reports still count the ticket: its breached first response, its CSAT answer.
    const sla = await http('GET', `/v1/reports/sla?from=${since}&brand=uoozee`, { key: keys.agent });
    const p2 = (sla.body.compliance as { priority: string; metric: string; breached: number }[]).find((c) => c.priority === 'P2' && c.metric === 'firstResponse');
    expect(p2?.breached).toBeGreaterThanOrEqual(1);
    const kpis = await http('GET', `/v1/reports/kpis?from=${since}&brand=uoozee`, { key: keys.agent });
    expect(kpis.body.csat.responses).toBeGreaterThanOrEqual(1);
    expect(kpis.body.firstContactResolution.resolved).toBeGreaterThanOrEqual(1);
  });

  it('SLA credits: capped per customer through the pseudonym, listed with the real reference, paid to the real customer at the gateway', async () => {
    const customerRef = `cus_${marker}`;
    stack.fakes.stripe.addInvoice({ customer: customerRef, amount: 120_000, currency: 'usd' });
    // Severity 1 for an Enterprise customer: both clocks breach within seconds, each earns a credit.
    const opened = await http('POST', '/v1/tickets', {
      key: keys.agent,
      body: { brand: 'vivtone', channel: 'email', priority: 'S1', plan: 'enterprise', subject: `Outage ${marker}`, description: `Down ${marker}`, customerRef },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const listed = await waitFor(
      async () => {
        const res = await http('GET', `/v1/billing/sla-credits?customerRef=${customerRef}`, { key: keys.billing });
        return res.body.items?.length === 2 ? (res.body.items as { key: string; metric: string; owedMinor: number; customerRef: string; ticketId: string }[]) : undefined;
      },
      { what: 'two credits listed by the customer reference', timeoutMs: 30_000 },
    );
    // The second credit is capped by the first (25 % of 1,200.00): the cap found it by pseudonym.
    expect(listed.map((c) => [c.metric, c.owedMinor, c.customerRef, c.ticketId]).sort()).toEqual([
      ['firstResponse', 12_000, customerRef, id],
      ['resolution', 18_000, customerRef, id],
    ]);

    const raw = (await rawFamily(id)).sla_credits;
    expect(raw).toContain(SEALED);
    expect([raw.includes(marker), raw.includes(customerRef)]).toEqual([false, false]);

    // The gateway credits the customer it knows (a pseudonym has no paid invoice to credit).
    const first = listed.find((c) => c.metric === 'firstResponse')!;
    const run = await http('POST', '/v1/billing/sla-credits/settle', { key: keys.billing, body: { keys: [first.key] } });
    expect(run.body.sweep?.settled).toEqual([expect.objectContaining({ key: first.key, outcome: 'settled', settlementRef: expect.stringMatching(/^cn_/) })]);
    expect(stack.fakes.stripe.creditNotesFor(`sla-credit:${first.key}`)).toBe(1);

    const kpis = await http('GET', `/v1/reports/kpis?from=${since}&brand=vivtone`, { key: keys.agent });
    const usd = (kpis.body.slaCreditsOwed as { currency: string; credits: number }[]).find((c) => c.currency === 'USD');
    expect(usd?.credits).toBeGreaterThanOrEqual(2);
  });

  it('a credit recorded before sealing (its reference in clear) is still listed, and counts toward the monthly cap', async () => {
    const customerRef = `cus_old_${marker}`;
    const old = await insertSlaCredit(stack.ds, { customerRef, owedMinor: 25_000, plaintext: true });
    const sealed = await insertSlaCredit(stack.ds, { customerRef, owedMinor: 1_000 });
    // Fee 1,200.00, cap 25 % = 300.00: 260.00 already owed this month, so a 120.00 credit owes 40.00.
    const ticketId = `ticket-sealing-${marker.toLowerCase()}`;
    const recorded = await realActivities(stack.config, stack.ds).recordSlaCredit({
      key: `${ticketId}:firstResponse:c1:credit`,
      ticketId,
      brand: 'vivtone',
      customerRef,
      plan: 'enterprise',
      priority: 'S1',
      metric: 'firstResponse',
      percent: 10,
      amountMinor: 12_000,
      currency: 'USD',
      monthlyCapPercent: 25,
      monthlyFeeMinor: 120_000,
      rule: 'test: S1 firstResponse breach = 10%',
      breachedAt: new Date().toISOString(),
    });
    expect(recorded).toEqual({ owedMinor: 4_000, recorded: true });
    const res = await http('GET', `/v1/billing/sla-credits?customerRef=${customerRef}`, { key: keys.billing });
    expect((res.body.items as { key: string; customerRef: string; owedMinor: number }[]).map((c) => [c.key, c.customerRef, c.owedMinor]).sort()).toEqual(
      [
        [old, customerRef, 25_000],
        [sealed, customerRef, 1_000],
        [`${ticketId}:firstResponse:c1:credit`, customerRef, 4_000],
      ].sort(),
    );
  });

  it('after erasure the ticket reads "[erased]", and a notification about it is still recorded, with nothing of the subject', async () => {
    const customerRef = `cust_${marker}_erased`;
    const opened = await http('POST', '/v1/tickets', {
      key: keys.agent,
      body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: `Erase me ${marker}`, description: `Gone ${marker}`, customerRef },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM tickets WHERE id = $1`, [id])).length === 1, { what: 'the ticket in the read model' });
    const erased = await http('POST', `/v1/privacy/subjects/${customerRef}/erase`, { key: keys.privacy });
    expect([erased.status, erased.body.caseIds]).toEqual([201, [id]]);
    const read = await http('GET', `/v1/tickets/${id}`, { key: keys.agent });
    expect([read.status, read.body.subject]).toEqual([200, '[erased]']);

    // E.g. the ended-cases sweep telling operations that erasure terminated the ticket: recorded, not refused.
    const key = `${id}:test:ended`;
    const sent = await realActivities(stack.config, stack.ds).sendNotification({
      key,
      kind: 'case_ended_abnormally',
      ticketId: id,
      brand: 'uoozee',
      priority: 'P4',
      metric: null,
      level: 'operations',
      recipient: `ops ${marker}`,
      summary: `Ticket ${marker} ended`,
    });
    expect(sent.firstAttempt).toBe(true);
    const [row]: { kind: string; recipient: string | null; summary: string; payload: { key: string; ticketId: string } }[] = await stack.ds.query(
      `SELECT kind, recipient, summary, payload FROM notifications WHERE key = $1`,
      [key],
    );
    expect(row).toMatchObject({ kind: 'case_ended_abnormally', recipient: null, summary: '[erased]', payload: { key, ticketId: id } });
    expect(await rawRowsText(stack.ds, 'notifications', 'ticket_id', [id])).not.toContain(marker);
  });
});
