import { ScheduleHandle } from '@temporalio/client';
import { randomInt, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { lastCompletePeriod, parseReportPeriod, REPORT_KINDS } from '../../src/domain/reporting/report-period';
import { ensureSchedule, reportSchedule } from '../../src/worker/schedules';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { realActivities, useApiStack } from '../support/harness';
import { waitFor } from '../support/wait-for';

const POLICIES = join(__dirname, '../../policies');
const DAY = 86_400_000;

/**
 * Stored reports on the seeds' cadences (issue 19 §2; 001_…txt: "Operational reporting is run on
 * daily, weekly, and monthly cadences") on the real stack: a Temporal Schedule per cadence, the
 * report workflow storing each report once and delivering it once (counted at the notification
 * relay, the webhook fake), GET reading what was stored, and a KPI off target two periods running
 * telling the operations lead once. The shipped packs: their kpis sections are under test.
 */
describe('stored cadence reports', () => {
  const stack = useApiStack(({ notify }) => ({ NOTIFY_WEBHOOK_URL: notify.url, RATE_LIMIT_PER_MINUTE: '10000', POLICY_DIR: POLICIES }), {
    label: 'cadence-reports',
    fakes: { notify: startNotifyWebhookFake },
    keys: ['agent', 'sre', 'admin'],
  });
  const schedules: ScheduleHandle[] = [];
  stack.onTeardown(() => Promise.all(schedules.map((s) => s.delete())));
  const u = randomUUID().slice(0, 8);
  // A year no other spec writes tickets in, so the periods hold only what this spec seeds.
  const year = 2001 + randomInt(18);
  const deliveries = (key: string) => stack.fakes.notify.deliveries.get(key) ?? 0;
  const accepted = (kind: string) => stack.fakes.notify.accepted.filter((n) => n.body.kind === kind);

  interface Seed {
    channel?: string;
    priority?: string;
    category?: string | null;
    receivedAt: string;
    firstResponseAt?: string | null;
    resolvedAt?: string | null;
    csat?: number | null;
    nps?: number | null;
    fcr?: boolean | null;
    handleSeconds?: number;
    tags?: string[];
    preventable?: boolean | null;
    accountId?: string | null;
    plan?: string | null;
  }
  let n = 0;
  /** A ticket row as the read model holds it (the columns the reports read). */
  async function ticket(brand: string, s: Seed): Promise<string> {
    const id = `ticket-rep-${u}-${n++}`;
    const received = new Date(s.receivedAt);
    const resolved = s.resolvedAt ? new Date(s.resolvedAt) : null;
    await stack.ds.query(
      `INSERT INTO tickets (id, brand, channel, priority, status, policy_version, opened_at, snapshot, request_hash, updated_at,
                            category, received_at, first_response_at, resolved_at, csat_score, nps_score, first_contact_resolution, handle_seconds, root_cause_tags, preventable, account_id, plan)
       VALUES ($1, $2, $3, $4, $5, 'test-1', $6, '{}', 'h', now(), $7, $6, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        brand,
        s.channel ?? 'email',
        s.priority ?? (brand === 'vivtone' ? 'S3' : 'P3'),
        resolved ? 'resolved' : 'open',
        received,
        s.category === undefined ? 'general' : s.category,
        s.firstResponseAt ? new Date(s.firstResponseAt) : null,
        resolved,
        s.csat ?? null,
        s.nps ?? null,
        s.fcr ?? null,
        s.handleSeconds ?? 0,
        s.tags ?? [],
        s.preventable ?? null,
        s.accountId ?? null,
        s.plan ?? null,
      ],
    );
    return id;
  }

  const generate = (body: Record<string, unknown>, key = stack.keys.admin) => stack.http('POST', '/v1/reports/runs', { key, body });

  it('has one schedule per cadence, each starting the report workflow with a static summary', async () => {
    for (const kind of REPORT_KINDS) {
      const { handle, created } = await ensureSchedule(stack.client, reportSchedule(stack.taskQueue, kind, `test-report-${kind}-${u}`));
      schedules.push(handle);
      expect(created).toBe(true);
      const described = await handle.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'cadenceReportWorkflow', taskQueue: stack.taskQueue });
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.spec.calendars).toHaveLength(1);
    }
    const [daily, weekly, monthly, quarterly] = await Promise.all(schedules.map((s) => s.describe()));
    expect(daily.spec.calendars![0]).toMatchObject({ hour: [{ start: 1, end: 1, step: 1 }] });
    expect(weekly.spec.calendars![0]).toMatchObject({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }] });
    expect(monthly.spec.calendars![0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
    expect(quarterly.spec.calendars![0].month).toHaveLength(4);
    // Created again at the next worker start: left as it is.
    expect((await ensureSchedule(stack.client, reportSchedule(stack.taskQueue, 'daily', `test-report-daily-${u}`))).created).toBe(false);
  });

  it('a triggered schedule stores yesterday’s daily report per brand once and delivers each once; a second trigger adds nothing', async () => {
    const daily = schedules[0];
    /** Triggers a run once none is running (overlap SKIP would drop the trigger) and waits for its result. */
    async function run() {
      await waitFor(async () => (await daily.describe()).info.runningActions.length === 0, { what: 'no run going' });
      const before = new Set((await daily.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
      await daily.trigger();
      const started = await waitFor(
        async () => (await daily.describe()).info.recentActions.map((a) => a.action.workflow).find((w) => !before.has(w.firstExecutionRunId)),
        { what: 'the triggered run to start' },
      );
      return stack.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
    }
    const first = await run();
    // The run reports the day before it started (not the test's clock: the two may straddle midnight).
    const period = first.period;
    expect([lastCompletePeriod('daily', Date.now()).name, lastCompletePeriod('daily', Date.now() - DAY).name]).toContain(period);
    expect(first).toMatchObject({ kind: 'daily', delivered: 2, reports: [{ brand: 'uoozee', created: true }, { brand: 'vivtone', created: true }] });
    const stored = () => stack.ds.query(`SELECT id, brand, version, delivered_at FROM reports WHERE kind = 'daily' AND period = $1 ORDER BY brand`, [period]);
    const rows: { id: string; delivered_at: Date | null }[] = await stored();
    expect(rows.map((r) => r.id)).toEqual([`report-daily-uoozee-${period}-v1`, `report-daily-vivtone-${period}-v1`]);
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);
    for (const r of rows) expect(deliveries(`report:${r.id}`)).toBe(1);

    const second = await run();
    if (second.period === period) expect(second).toMatchObject({ delivered: 0, reports: [{ created: false }, { created: false }] });
    expect(await stored()).toHaveLength(2);
    for (const r of rows) expect(deliveries(`report:${r.id}`)).toBe(1);

    const got = await stack.http('GET', `/v1/reports/daily?period=${period}&brand=vivtone`, { key: stack.keys.agent });
    expect(got.status).toBe(200);
    expect(got.body.reports).toHaveLength(1);
    expect(got.body.reports[0]).toMatchObject({ id: `report-daily-vivtone-${period}-v1`, brand: 'vivtone', version: 1, generatedBy: expect.stringMatching(/^report-daily-/) });
    expect(got.body.reports[0].kpis).toEqual([expect.objectContaining({ name: 'phoneServiceLevel', target: { min: 0.8 } })]);
  });

  it('daily: queue depth, average wait from receivedAt, SLA breached, and the phone answer rate per 30 minutes (000: "answer rate ≥80% within 60 seconds during business hours")', async () => {
    const day = `${year}-06-15`; // a weekday in June of that year or not: the intervals below say which
    // Phone calls at 14:00–14:30 UTC (10:00 in New York in June: business hours on a weekday).
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    await ticket('uoozee', { channel: 'phone', receivedAt: `${day}T14:00:00Z`, firstResponseAt: `${day}T14:00:40Z`, category: 'playback' });
    await ticket('uoozee', { channel: 'phone', receivedAt: `${day}T14:10:00Z`, firstResponseAt: `${day}T14:10:59Z`, category: 'playback' });
    await ticket('uoozee', { channel: 'phone', receivedAt: `${day}T14:20:00Z`, firstResponseAt: `${day}T14:25:00Z`, category: 'billing' });
    await ticket('uoozee', { channel: 'phone', receivedAt: `${day}T14:29:00Z`, firstResponseAt: null, category: null });
    // An email answered after 2 hours, and one received the day before, still open at the day's end.
    await ticket('uoozee', { channel: 'email', receivedAt: `${day}T09:00:00Z`, firstResponseAt: `${day}T11:00:00Z`, resolvedAt: `${day}T12:00:00Z` });
    await ticket('uoozee', { channel: 'email', priority: 'P2', receivedAt: new Date(Date.parse(`${day}T09:00:00Z`) - DAY).toISOString() });

    const res = await generate({ kind: 'daily', period: day, brand: 'uoozee' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workflowId: `report-daily-${day}-uoozee`, done: true, reports: [{ id: `report-daily-uoozee-${day}-v1`, created: true }] });
    const got = await stack.http('GET', `/v1/reports/daily?period=${day}&brand=uoozee`, { key: stack.keys.agent });
    expect(got.status).toBe(200);
    const body = got.body.reports[0].body;
    // Still open at the day's end: the four calls (answered, not resolved) and yesterday's P2.
    expect(body.totals).toMatchObject({ received: 5, queueDepthAtEnd: 5, answered: 4, unanswered: 1, averageWaitSeconds: Math.round((40 + 59 + 300 + 7200) / 4) });
    // Priorities with nothing in the day may still appear for their at-risk count, a snapshot of
    // every open ticket when the report is made (other tests' tickets too): only those with a queue here.
    expect(body.byPriority.filter((p: { queueDepthAtEnd: number }) => p.queueDepthAtEnd > 0).map((p: { priority: string; queueDepthAtEnd: number }) => [p.priority, p.queueDepthAtEnd])).toEqual([
      ['P2', 1],
      ['P3', 4],
    ]);
    expect(body.byCategory.map((c: { category: string; received: number }) => [c.category, c.received])).toEqual([
      ['billing', 1],
      ['general', 1],
      ['playback', 2],
      ['unknown', 1],
    ]);
    expect(body.phone.answerWithinSeconds).toBe(60);
    expect(body.phone.intervals).toEqual([{ start: `${day}T14:00:00.000Z`, calls: 4, answeredWithin: 2, serviceLevel: 0.5, inHours: weekday >= 1 && weekday <= 5 }]);
    const kpi = got.body.reports[0].kpis[0];
    expect(kpi).toMatchObject({ name: 'phoneServiceLevel', target: { min: 0.8 } });
    expect(kpi.met).toBe(weekday >= 1 && weekday <= 5 ? false : null);
  });

  it('monthly: CSAT, NPS, FCR, AHT with targets; stored once for two requests; delivered once; a KPI off target two months running tells the operations lead once', async () => {
    const feb = `${year}-02`;
    const mar = `${year}-03`;
    const apr = `${year}-04`;
    // February: CSAT 2 of 4 satisfied (50 %, under "CSAT ≥ 88–92%").
    for (const csat of [5, 5, 2, 2]) await ticket('vivtone', { receivedAt: `${feb}-10T10:00:00Z`, resolvedAt: `${feb}-11T10:00:00Z`, csat, fcr: true, handleSeconds: 300 });
    // March: CSAT 2 of 4 again; NPS 10, 10, 9, 3 → 75 % − 25 % = +50; FCR 3 of 4; AHT 5 minutes; preventable tags.
    const march = [
      { csat: 5, nps: 10, fcr: true, tags: ['product-bug'], preventable: true },
      { csat: 4, nps: 10, fcr: true, tags: ['product-bug'], preventable: true },
      { csat: 3, nps: 9, fcr: true, tags: ['documentation-gap'], preventable: true },
      { csat: 1, nps: 3, fcr: false, tags: ['feature-request'], preventable: false },
    ];
    for (const m of march) await ticket('vivtone', { receivedAt: `${mar}-10T10:00:00Z`, resolvedAt: `${mar}-12T10:00:00Z`, handleSeconds: 300, ...m });

    expect((await generate({ kind: 'monthly', period: feb, brand: 'vivtone' })).status).toBe(200);
    const first = await generate({ kind: 'monthly', period: mar, brand: 'vivtone' });
    const second = await generate({ kind: 'monthly', period: mar, brand: 'vivtone' });
    expect(first.body.reports).toEqual([{ id: `report-monthly-vivtone-${mar}-v1`, brand: 'vivtone', version: 1, created: true }]);
    expect(second.body.reports).toEqual([{ id: `report-monthly-vivtone-${mar}-v1`, brand: 'vivtone', version: 1, created: false }]);
    expect((await stack.ds.query(`SELECT count(*)::int AS n FROM reports WHERE kind = 'monthly' AND brand = 'vivtone' AND period = $1`, [mar]))[0].n).toBe(1);
    expect(deliveries(`report:report-monthly-vivtone-${mar}-v1`)).toBe(1);

    const got = await stack.http('GET', `/v1/reports/monthly?period=${mar}&brand=vivtone`, { key: stack.keys.sre });
    expect(got.status).toBe(200);
    const report = got.body.reports[0];
    expect(report.body.csat).toEqual({ responses: 4, satisfied: 2, share: 0.5, meanScore: 3.25 });
    expect(report.body.nps).toMatchObject({ responses: 4, promoters: 3, detractors: 1, score: 50 });
    expect(report.body.firstContactResolution).toEqual({ resolved: 4, firstContact: 3, share: 0.75 });
    expect(report.body.averageHandleTime.seconds).toBe(300);
    expect(report.body.volumeByCategory).toEqual({ general: 4 });
    expect(report.body.backlogByPriority).toEqual({});
    expect(report.body.rcaItems.map((i: { reference: string; owner: string }) => [i.reference, i.owner])).toEqual([
      ['product-bug', 'user:support-operations-lead'],
      ['documentation-gap', 'user:support-operations-lead'],
    ]);
    expect(report.body.rcaItems[0].due).toBe(`${year}-04-15`); // "within 14 days" of the month's end
    expect(report.kpis.map((k: { name: string; target: unknown; met: boolean | null }) => [k.name, k.target, k.met])).toEqual([
      ['csat', { min: 0.88, stretch: 0.92 }, false],
      ['nps', { min: 35 }, true],
      ['fcr', { min: 0.75 }, true],
      ['aht', { min: 240, max: 360 }, true],
    ]);

    // CSAT missed in February and March: the operations lead hears once, named by the run's first month.
    const csatKey = `kpi-off-target:monthly:vivtone:csat:${feb}`;
    expect(deliveries(csatKey)).toBe(1);
    const notice = accepted('kpi_off_target').find((a) => a.key === csatKey)!;
    expect(notice.body).toMatchObject({ recipient: 'user:support-operations-lead', level: 'operations', brand: 'vivtone' });
    expect(accepted('kpi_off_target').filter((a) => String(a.key).startsWith('kpi-off-target:monthly:vivtone:'))).toHaveLength(1); // NPS, FCR, AHT met

    // April misses too: the same run of misses, so nobody is told again.
    await ticket('vivtone', { receivedAt: `${apr}-10T10:00:00Z`, resolvedAt: `${apr}-11T10:00:00Z`, csat: 1, fcr: true, handleSeconds: 300 });
    expect((await generate({ kind: 'monthly', period: apr, brand: 'vivtone' })).status).toBe(200);
    expect(deliveries(csatKey)).toBe(1);
    expect(stack.fakes.notify.deliveries.has(`kpi-off-target:monthly:vivtone:csat:${mar}`)).toBe(false);
  });

  it('weekly: volume by channel, top categories, time-to-resolution p50/p90/p99 and histogram', async () => {
    const week = `${year}-W20`;
    const { from } = parseReportPeriod('weekly', week)!;
    const at = (h: number) => new Date(from + h * 3_600_000).toISOString();
    for (const [i, hours] of [1, 2, 3, 5, 30].entries()) {
      await ticket('uoozee', { channel: i % 2 ? 'chat' : 'email', category: i < 3 ? 'playback' : 'billing', receivedAt: at(i), resolvedAt: at(i + hours) });
    }
    expect((await generate({ kind: 'weekly', period: week, brand: 'uoozee' })).status).toBe(200);
    const got = await stack.http('GET', `/v1/reports/weekly?period=${week}&brand=uoozee`, { key: stack.keys.agent });
    const body = got.body.reports[0].body;
    expect(body.volume).toMatchObject({ total: 5, byChannel: { chat: 2, email: 3 } });
    expect(body.topCategories).toEqual([
      { category: 'playback', tickets: 3 },
      { category: 'billing', tickets: 2 },
    ]);
    expect(body.timeToResolution).toMatchObject({ resolved: 5, p50Seconds: 3 * 3600, p90Seconds: 30 * 3600, p99Seconds: 30 * 3600 });
    expect(body.timeToResolution.histogram.find((b: { label: string }) => b.label === '1–4h').count).toBe(3);
    expect(body.escalationAdherence).toMatchObject({ week, incidents: 0 });
  });

  it('quarterly: per enterprise customer, SLA compliance, credits, incidents, CSAT/NPS; preventable tickets quarter on quarter (001: "reduce preventable tickets by 15% per quarter")', async () => {
    const quarter = `${year}-Q3`;
    const account = `acct-rep-${u}`;
    const at = `${year}-08-03T15:00:00Z`;
    const a = await ticket('vivtone', { receivedAt: at, resolvedAt: `${year}-08-04T15:00:00Z`, csat: 5, nps: 10, accountId: account, plan: 'enterprise', tags: ['product-bug'], preventable: true });
    const b = await ticket('vivtone', { receivedAt: at, resolvedAt: `${year}-08-05T15:00:00Z`, csat: 2, nps: 4, accountId: account, plan: 'enterprise' });
    // A Pro customer's ticket: not an enterprise business review.
    await ticket('vivtone', { receivedAt: at, accountId: `acct-pro-${u}`, plan: 'pro' });
    await stack.ds.query(`UPDATE tickets SET sla_first_response_met = 1, sla_resolution_breached = 1 WHERE id = $1`, [a]);
    await stack.ds.query(`UPDATE tickets SET sla_first_response_met = 1, sla_resolution_met = 1 WHERE id = $1`, [b]);
    await stack.ds.query(
      `INSERT INTO sla_credits (key, ticket_id, brand, customer_ref, plan, priority, metric, percent, amount_minor, owed_minor, currency, rule, breached_at)
       VALUES ($1, $2, 'vivtone', 'pseudonym', 'enterprise', 'S3', 'resolution', 10, 120000, 12000, 'USD', 'test', $3)`,
      [`${a}:resolution:credit`, a, new Date(`${year}-08-07T00:00:00Z`)],
    );
    await stack.ds.query(
      `INSERT INTO incidents (id, brand, priority, status, source, opened_at, snapshot, updated_at) VALUES ($1, 'vivtone', 'S1', 'resolved', 'manual', $2, $3, now())`,
      [`incident-rep-${u}`, new Date(at), JSON.stringify({ linkedTickets: [a, b] })],
    );
    // Preventable tickets: two in Q2, one in Q3 → −50 %.
    for (const m of ['04', '05']) await ticket('vivtone', { receivedAt: `${year}-${m}-20T15:00:00Z`, tags: ['usability'], preventable: true });

    expect((await generate({ kind: 'quarterly', period: quarter, brand: 'vivtone' })).status).toBe(200);
    const got = await stack.http('GET', `/v1/reports/quarterly?period=${quarter}&brand=vivtone`, { key: stack.keys.admin });
    expect(got.status).toBe(200);
    const body = got.body.reports[0].body;
    expect(body.accounts).toEqual([
      {
        accountId: account,
        tickets: 2,
        slaCompliance: { met: 3, breached: 1, share: 0.75 },
        credits: [{ currency: 'USD', owedMinor: 12000, credits: 1 }],
        incidents: 1,
        csat: { responses: 2, satisfied: 1, share: 0.5, meanScore: 3.5 },
        nps: { responses: 2, promoters: 1, passives: 0, detractors: 1, score: 0 },
      },
    ]);
    expect(body.brand.preventable).toEqual({ tickets: 1, previousQuarter: 2, change: -0.5 });
    expect(got.body.reports[0].kpis.find((k: { name: string }) => k.name === 'preventableChange')).toMatchObject({ value: -0.5, target: { max: -0.15 }, met: true });
  });

  it('a new policy version stores a new version of the period’s report; the same version finds the stored row', async () => {
    const month = `${year}-07`;
    const shipped = PolicyRegistry.fromDirectory(POLICIES);
    const activities = (version: string) =>
      realActivities(stack.config, stack.ds, { policyPacks: () => PolicyRegistry.fromPacks(shipped.brands().map((b) => ({ ...shipped.find(b)!, version }))) });
    const store = (version: string) => activities(version).storeCadenceReports({ kind: 'monthly', period: month, brand: 'uoozee', generatedBy: 'test' });
    const [v1] = await store(`v1-${u}`);
    const [again] = await store(`v1-${u}`);
    const [v2] = await store(`v2-${u}`);
    expect([v1.version, v1.created, again.version, again.created, v2.version, v2.created]).toEqual([1, true, 1, false, 2, true]);
    expect(v2.id).toBe(`report-monthly-uoozee-${month}-v2`);
    // Immutable: the database refuses an edit of what a report said.
    await expect(stack.ds.query(`UPDATE reports SET body = '{}' WHERE id = $1`, [v1.id])).rejects.toThrow(/immutable/);
    await expect(stack.ds.query(`DELETE FROM reports WHERE id = $1`, [v1.id])).rejects.toThrow(/immutable/);
  });

  it('answers 400 naming period when malformed, 404 when not generated yet, 422 for a period not over', async () => {
    const bad = await stack.http('GET', '/v1/reports/monthly?period=2026-13', { key: stack.keys.agent });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'query:period', message: 'a month like 2026-11' }]);
    expect((await stack.http('GET', '/v1/reports/weekly?period=2026-12', { key: stack.keys.agent })).body.errors[0].field).toBe('query:period');
    const missing = await stack.http('GET', `/v1/reports/quarterly?period=${year}-Q2&brand=vivtone`, { key: stack.keys.agent });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const future = await generate({ kind: 'daily', period: new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10) });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].field).toBe('period');
    expect((await generate({ kind: 'hourly' })).status).toBe(400);
    expect((await generate({ kind: 'monthly', period: '2026-11', brand: 'nobody' })).body.errors[0].field).toBe('brand');
    expect((await generate({ kind: 'monthly' }, stack.keys.agent)).status).toBe(403);
  });
});
