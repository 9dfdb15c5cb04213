import { ScheduleHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { PurgeBatchInput } from '../../src/activities/retention';
import { ensureNamespaceRetention, namespaceRetentionNow } from '../../src/worker/namespace-retention';
import { ensureSchedule, retentionPurgeSchedule } from '../../src/worker/schedules';
import { retentionPurgeWorkflow, ticketWorkflow } from '../../src/workflows';
import { createKey, realActivities, RunningApi, startApi, useWorkerStack } from '../support/harness';
import { httpClient } from '../support/http';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { PolicyRegistry } from '../../src/config/policy-registry';

/**
 * The retention purge on the real dev server and PostgreSQL. The clock is the run's `asOf`
 * (15 June 2021, 12:00 UTC), so what is past retention never depends on today's date; every case
 * seeded here closed years before it, every other test's case closed after it.
 */
describe('retention purge', () => {
  const asOf = '2021-06-15T12:00:00.000Z';
  const u = randomUUID().slice(0, 8);
  const id = (name: string) => `${name}-ret-${u}`;
  /** The first batch of refunds "crashes" after its commit, as a worker lost before reporting would. */
  let refundCrashes = 0;
  const stack = useWorkerStack(
    {},
    {
      label: 'retention',
      activities(config, ds) {
        const real = realActivities(config, ds);
        return {
          ...real,
          async purgeRetentionBatch(input: PurgeBatchInput) {
            const result = await real.purgeRetentionBatch(input);
            if (input.kind === 'refund' && result.cases > 0 && refundCrashes++ === 0) throw new Error('worker lost after the commit');
            return result;
          },
        };
      },
    },
  );
  const { taskQueue } = stack;
  let api: RunningApi;
  let schedule: ScheduleHandle | undefined;
  stack.onTeardown(() => schedule?.delete());
  beforeAll(async () => {
    api = await startApi(stack.config);
    stack.onTeardown(() => api.stop());
  });

  const exists = async (table: string, column: string, value: string) => (await stack.ds.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [value])).length > 0;
  const count = async (table: string, column: string, value: string) => (await stack.ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [value]))[0].n as number;

  async function seedTicket(ticketId: string, { brand = 'uoozee', closedAt, plan = null, customer = `cust-${u}` }: { brand?: string; closedAt: string | null; plan?: string | null; customer?: string }) {
    await stack.ds.query(
      `INSERT INTO tickets (id, brand, channel, priority, status, policy_version, opened_at, snapshot, request_hash, updated_at, closed_at, plan, customer_ref)
       VALUES ($1, $2, 'email', 'P2', $3, 'test-1', '2015-01-01', '{}', 'h', now(), $4, $5, $6)`,
      [ticketId, brand, closedAt ? 'closed' : 'open', closedAt, plan, customer],
    );
    for (const step of ['opened', 'closed']) {
      await stack.ds.query(`INSERT INTO ticket_events (event_key, ticket_id, type, actor, occurred_at) VALUES ($1, $2, $3, 'test', '2015-01-01')`, [`${ticketId}:${step}`, ticketId, step]);
    }
  }
  async function seedBilling(caseId: string, kind: string, brand: string, state: string, customer: string, at: string) {
    await stack.ds.query(`INSERT INTO billing_cases (id, kind, brand, state, customer_ref, snapshot, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, '{}', $6, $6)`, [caseId, kind, brand, state, customer, at]);
    await stack.ds.query(`INSERT INTO billing_case_events (event_key, case_id, type, actor, occurred_at, data) VALUES ($1, $2, 'opened', 'test', $3, '{}')`, [`${caseId}:opened`, caseId, at]);
    await stack.ds.query(`INSERT INTO crm_updates (key, case_id, customer_ref, event, data) VALUES ($1, $2, $3, 'refund.settled', '{}')`, [`crm:${caseId}`, caseId, customer]);
  }
  async function seedTakedown(caseId: string, state: string, at: string) {
    await stack.ds.query(
      `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, snapshot, updated_at) VALUES ($1, 'uoozee', $2, '{dmca}', 'copyright', 'standard', 'public', $3, '{}', $3)`,
      [caseId, state, at],
    );
    await stack.ds.query(`INSERT INTO takedown_events (event_key, case_id, type, actor, occurred_at, data) VALUES ($1, $2, 'received', 'system', $3, '{}')`, [`${caseId}:received`, caseId, at]);
  }
  async function seedHold(holdId: string, caseId: string, state: 'held' | 'released', at: string) {
    await stack.ds.query(
      `INSERT INTO takedown_preservations (id, case_id, brand, state, authority, reference, requested_by, requested_at, expires_at, released_at, snapshot, updated_at)
       VALUES ($1, $2, 'uoozee', $3, 'Court', 'ref', 'legal-ines', $4, $4, $5, '{}', $4)`,
      [holdId, caseId, state, at, state === 'released' ? at : null],
    );
  }

  async function seedAccess(operation: string, at: string) {
    await stack.ds.query(`INSERT INTO access_log (occurred_at, actor, role, via, case_id, operation) VALUES ($1, 'agent-test', 'agent', 'api-key', $2, $3)`, [at, id('accessed'), operation]);
  }

  async function purge(workflowId: string, batchSize: number, continueAsNewAfterEvents?: number) {
    const handle = await stack.client.workflow.start(retentionPurgeWorkflow, { workflowId, taskQueue, args: [{ asOf, batchSize, accessLogBatchSize: 2, continueAsNewAfterEvents }] });
    const result = await handle.result();
    const rows: { kind: string; cases: number; events: number; executions: number; kept_held: number; kept_running: number; finished_at: Date | null }[] = await stack.ds.query(
      `SELECT kind, cases, events, executions, kept_held, kept_running, finished_at FROM retention_purges WHERE run_id = $1`,
      [workflowId],
    );
    return { handle, result, byKind: Object.fromEntries(rows.map((r) => [r.kind, r])) };
  }

  it('the history tables stay append-only for everyone but the purge, which only strips a case already deleted', async () => {
    await seedTicket(id('ticket-guard'), { closedAt: null });
    await expect(stack.ds.query(`DELETE FROM ticket_events WHERE ticket_id = $1`, [id('ticket-guard')])).rejects.toThrow(/append-only/);
    await expect(stack.ds.query(`UPDATE ticket_events SET actor = 'x' WHERE ticket_id = $1`, [id('ticket-guard')])).rejects.toThrow(/append-only/);
    await expect(stack.ds.query(`SELECT retention_purge_case_events('ticket', $1)`, [[id('ticket-guard')]])).rejects.toThrow(/still exists/);
    // The purge's setting does not outlive its own function call.
    await expect(
      stack.ds.transaction(async (tx) => {
        await tx.query(`DELETE FROM tickets WHERE id = $1`, [id('ticket-guard')]);
        await tx.query(`SELECT retention_purge_case_events('ticket', $1)`, [[id('nothing')]]);
        await tx.query(`DELETE FROM ticket_events WHERE ticket_id = $1`, [id('ticket-guard')]);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await count('ticket_events', 'ticket_id', id('ticket-guard'))).toBe(2);
    await stack.ds.query(`DELETE FROM tickets WHERE id = $1`, [id('ticket-guard')]);
  });

  it('purges closed cases past retention in batches, keeps open, contract-long, held and running ones; counts per kind; a second run purges nothing', async () => {
    // Tickets (uoozee: 12 months). A: closed a year and an hour before asOf. B: a year minus an hour.
    await seedTicket(id('ticket-a'), { closedAt: '2020-06-15T11:00:00.000Z' });
    await stack.ds.query(`INSERT INTO notifications (key, kind, ticket_id, level, summary, payload) VALUES ($1, 'breach', $2, 'assignee', 's', '{}')`, [`n:${id('ticket-a')}`, id('ticket-a')]);
    await stack.ds.query(`INSERT INTO ticket_checks (ticket_id, "check", outcome, findings, advice, checked_at) VALUES ($1, 'bandwidth', 'pass', '[]', '[]', '2015-01-01')`, [id('ticket-a')]);
    await seedTicket(id('ticket-b'), { closedAt: '2020-06-15T13:00:00.000Z' });
    await seedTicket(id('ticket-open'), { closedAt: null });
    // VIVtone: an Enterprise customer's contract (36 months) covers their ticket and their refund.
    await seedTicket(id('ticket-ent'), { brand: 'vivtone', closedAt: '2019-01-01T00:00:00.000Z', plan: 'enterprise', customer: `ent-${u}` });
    await seedBilling(id('refund-ent'), 'refund', 'vivtone', 'settled', `ent-${u}`, '2019-01-01T00:00:00.000Z');
    await seedBilling(id('refund-basic'), 'refund', 'vivtone', 'settled', `basic-${u}`, '2019-01-01T00:00:00.000Z');
    await seedBilling(id('refund-stuck'), 'refund', 'uoozee', 'manual_remediation', `cust-${u}`, '2015-01-01T00:00:00.000Z');
    await seedBilling(id('dunning-old'), 'dunning', 'uoozee', 'recovered', `cus_${u}`, '2018-01-01T00:00:00.000Z');
    // Takedowns: one under an authority's hold that still runs, one without; a hold released long ago.
    await seedTakedown(id('takedown-held'), 'closed', '2018-01-01T00:00:00.000Z');
    await seedHold(id('hold-active'), id('takedown-held'), 'held', '2018-02-01T00:00:00.000Z');
    await seedTakedown(id('takedown-old'), 'kept', '2018-01-01T00:00:00.000Z');
    await stack.ds.query(`INSERT INTO content_actions (action_key, case_id, action, item) VALUES ($1, $2, 'remove', '{}')`, [`a:${id('takedown-old')}`, id('takedown-old')]);
    await seedHold(id('hold-released'), id('takedown-gone'), 'released', '2018-01-01T00:00:00.000Z');
    await stack.ds.query(
      `INSERT INTO incidents (id, brand, priority, status, source, opened_at, closed_at, snapshot, updated_at) VALUES ($1, 'uoozee', 'P1', 'closed', 'manual', '2019-01-01', '2019-01-02', '{}', now())`,
      [id('incident-old')],
    );
    await stack.ds.query(`INSERT INTO incident_events (event_key, incident_id, type, actor, occurred_at, data) VALUES ($1, $2, 'opened', 'x', '2019-01-01', '{}')`, [`${id('incident-old')}:o`, id('incident-old')]);
    await stack.ds.query(`INSERT INTO pages (dedup_key, incident_id, step, targets, paged, pager, response) VALUES ($1, $2, 0, '[]', '[]', 'x', '{}')`, [`p:${id('incident-old')}`, id('incident-old')]);

    // Two real ticket workflows whose read model says "closed in 2019": one terminated (its
    // execution is deleted with it), one still running (kept: the case is not over).
    const gone = ticketInput({ priority: 'P4' });
    const goneHandle = await stack.client.workflow.start(ticketWorkflow, { workflowId: gone.ticketId, taskQueue, args: [gone] });
    const running = ticketInput({ priority: 'P4' });
    await stack.client.workflow.start(ticketWorkflow, { workflowId: running.ticketId, taskQueue, args: [running] });
    for (const t of [gone, running]) await waitFor(() => exists('tickets', 'id', t.ticketId), { what: `ticket ${t.ticketId} recorded` });
    await goneHandle.terminate('test: closed long ago');
    // Data keys (crypto-shredding): the purged case's is destroyed, a kept case's stays.
    for (const caseId of [id('ticket-a'), id('ticket-b')]) {
      await stack.ds.query(`INSERT INTO case_keys (case_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`, [caseId, Buffer.from([0])]);
    }
    await stack.ds.query(`UPDATE tickets SET status = 'closed', closed_at = '2019-03-01' WHERE id = ANY($1)`, [[gone.ticketId, running.ticketId]]);

    // The access log (the fixtures' longest case retention: VIVtone Enterprise, 36 months, so the
    // cutoff is 15 June 2018 12:00). Four entries at or before it (two sharing an instant, so a
    // batch of two takes three), two after it by a millisecond and more.
    for (const at of ['2016-01-01T00:00:00.000Z', '2017-01-01T00:00:00.000Z', '2017-01-01T00:00:00.000Z', '2018-06-15T12:00:00.000Z']) await seedAccess('old', at);
    for (const at of ['2018-06-15T12:00:00.001Z', '2019-01-01T00:00:00.000Z']) await seedAccess('kept', at);
    const accessBefore: number = (await stack.ds.query(`SELECT count(*)::int AS n FROM access_log`))[0].n;

    // Batches of one: every kind pages through its cursor, and the run continues as new on the way
    // (past 40 history events), carrying cursor and totals.
    const first = await purge(`retention-purge-test-${u}-1`, 1, 40);
    expect((await first.handle.describe()).runId).not.toBe(first.handle.firstExecutionRunId);
    expect(first.result.totals.ticket).toMatchObject({ cases: 2, executions: 1, keptRunning: 1 });
    expect(refundCrashes).toBe(1); // the batch that purged the refund crashed after its commit; its retry found it gone
    const k = first.byKind;
    expect(k.ticket).toMatchObject({ cases: 2, executions: 1, kept_running: 1, kept_held: 0 });
    expect(k.ticket.events).toBeGreaterThanOrEqual(3); // A's two, and the terminated workflow's own
    expect(k.refund).toMatchObject({ cases: 1, events: 1, kept_held: 0 }); // counted once despite the crash after the commit
    expect(k.dunning).toMatchObject({ cases: 1, events: 1 });
    expect(k.dispute).toMatchObject({ cases: 0 });
    expect(k.takedown).toMatchObject({ cases: 1, events: 1, kept_held: 1 });
    expect(k.takedown_preservation).toMatchObject({ cases: 1 });
    expect(k.incident).toMatchObject({ cases: 1, events: 1 });
    for (const row of Object.values(k)) expect(row.finished_at).not.toBeNull();
    // The access log: entries past its retention gone, newer ones (and every entry made today) kept.
    expect(first.result.accessLog).toEqual({ entries: 4, done: true, retentionMonths: 36, cutoff: '2018-06-15T12:00:00.001Z' });
    expect(await count('access_log', 'operation', 'old')).toBe(0);
    expect(await count('access_log', 'operation', 'kept')).toBe(2);
    expect((await stack.ds.query(`SELECT count(*)::int AS n FROM access_log`))[0].n).toBe(accessBefore - 4);
    expect(await stack.ds.query(`SELECT run_id, retention_months, entries::int FROM retention_access_log_purges WHERE run_id = $1`, [first.result.runId])).toEqual([
      { run_id: first.result.runId, retention_months: 36, entries: 4 },
    ]);

    // Deleted, with everything about them.
    for (const [table, column, value] of [
      ['tickets', 'id', id('ticket-a')],
      ['ticket_events', 'ticket_id', id('ticket-a')],
      ['notifications', 'ticket_id', id('ticket-a')],
      ['ticket_checks', 'ticket_id', id('ticket-a')],
      ['tickets', 'id', gone.ticketId],
      ['ticket_events', 'ticket_id', gone.ticketId],
      ['billing_cases', 'id', id('refund-basic')],
      ['billing_case_events', 'case_id', id('refund-basic')],
      ['crm_updates', 'case_id', id('refund-basic')],
      ['billing_cases', 'id', id('dunning-old')],
      ['takedowns', 'id', id('takedown-old')],
      ['takedown_events', 'case_id', id('takedown-old')],
      ['content_actions', 'case_id', id('takedown-old')],
      ['takedown_preservations', 'id', id('hold-released')],
      ['incidents', 'id', id('incident-old')],
      ['incident_events', 'incident_id', id('incident-old')],
      ['pages', 'incident_id', id('incident-old')],
    ]) {
      expect([table, value, await exists(table, column, value)]).toEqual([table, value, false]);
    }
    // Temporal deletes an execution asynchronously, shortly after the request.
    await waitFor(() => stack.client.workflow.getHandle(gone.ticketId).describe().then(() => false, (err: Error) => err.name === 'WorkflowNotFoundError'), {
      what: 'the terminated ticket’s execution deleted',
      timeoutMs: 60_000,
    });

    // Kept: inside retention by an hour, open, an Enterprise contract, not ended, under a hold, running.
    for (const [table, value] of [
      ['tickets', id('ticket-b')],
      ['tickets', id('ticket-open')],
      ['tickets', id('ticket-ent')],
      ['billing_cases', id('refund-ent')],
      ['billing_cases', id('refund-stuck')],
      ['takedowns', id('takedown-held')],
      ['takedown_preservations', id('hold-active')],
      ['tickets', running.ticketId],
    ]) {
      expect([table, value, await exists(table, 'id', value)]).toEqual([table, value, true]);
    }
    expect(await count('ticket_events', 'ticket_id', id('ticket-b'))).toBe(2);
    const keys: { case_id: string; destroyed: boolean }[] = await stack.ds.query(
      `SELECT case_id, destroyed_at IS NOT NULL AND wrapped_key IS NULL AS destroyed FROM case_keys WHERE case_id = ANY($1) ORDER BY case_id`,
      [[id('ticket-a'), id('ticket-b')]],
    );
    expect(keys).toEqual([{ case_id: id('ticket-a'), destroyed: true }, { case_id: id('ticket-b'), destroyed: false }]);
    expect(await count('takedown_events', 'case_id', id('takedown-held'))).toBe(1);
    expect((await stack.client.workflow.getHandle(running.ticketId).describe()).status.name).toBe('RUNNING');
    // The Temporal UI shows the counts as the run's details.
    const metadata = await first.handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain('- ticket: 2 purged');
    expect(metadata.currentDetails).toContain('kept 1 on legal hold');
    expect(metadata.currentDetails).toContain('- access log: 4 entries purged (older than 36 months)');

    // Again, over the same data: nothing more to purge; the kept ones are counted as kept again.
    const second = await purge(`retention-purge-test-${u}-2`, 50);
    for (const row of Object.values(second.byKind)) expect([row.kind, row.cases, row.events, row.executions]).toEqual([row.kind, 0, 0, 0]);
    expect(second.byKind.takedown.kept_held).toBe(1);
    expect(second.result.accessLog).toMatchObject({ entries: 0, done: true });
    expect(second.byKind.ticket.kept_running).toBe(1);

    // The report (admin only): both runs, newest first, the same counts as the table.
    const http = httpClient(api.baseUrl);
    const admin = await createKey(stack.ds, 'admin', `retention-admin-${u}`);
    const report = await http('GET', '/v1/reports/retention?limit=365', { key: admin });
    expect(report.status).toBe(200);
    expect(report.body.policies).toMatchObject({ uoozee: { defaultMonths: 12 }, vivtone: { defaultMonths: 12, plans: { enterprise: 36 } } });
    const runs = report.body.runs.filter((r: { runId: string }) => r.runId.startsWith(`retention-purge-test-${u}`));
    expect(runs.map((r: { runId: string }) => r.runId)).toEqual([`retention-purge-test-${u}-2`, `retention-purge-test-${u}-1`]);
    expect(runs[1]).toMatchObject({ asOf, total: { cases: 7, executions: 1, keptHeld: 1, keptRunning: 1 }, byKind: { ticket: { cases: 2 }, refund: { cases: 1 }, takedown: { cases: 1, keptHeld: 1 } } });
    expect(runs[0].total).toMatchObject({ cases: 0, events: 0, executions: 0 });
    expect(report.body.accessLog).toEqual({ retentionMonths: 36, configured: false });
    expect(runs[1].accessLog).toEqual({ entries: 4, retentionMonths: 36, cutoff: '2018-06-15T12:00:00.001Z' });
    expect(runs[0].accessLog).toMatchObject({ entries: 0 });
    expect(runs[1].finishedAt).not.toBeNull();
    for (const role of ['agent', 'sre', 'privacy'] as const) {
      expect((await http('GET', '/v1/reports/retention', { key: await createKey(stack.ds, role, `retention-${role}-${u}`) })).status).toBe(403);
    }
    expect((await http('GET', '/v1/reports/retention?limit=0', { key: admin })).body.errors).toEqual([expect.objectContaining({ field: 'query:limit' })]);

    await stack.client.workflow.getHandle(running.ticketId).terminate('test done');
  });

  it('the daily schedule exists once, and the namespace keeps closed histories as long as the shortest retention (365 days)', async () => {
    const scheduleId = `test-retention-${u}`;
    const made = await ensureSchedule(stack.client, retentionPurgeSchedule(taskQueue, scheduleId));
    schedule = made.handle;
    expect(made.created).toBe(true);
    expect((await ensureSchedule(stack.client, retentionPurgeSchedule(taskQueue, scheduleId))).created).toBe(false);
    const described = await schedule.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionPurgeWorkflow' });

    const packs = PolicyRegistry.fromDirectory(stack.config.POLICY_DIR);
    const policies = packs.brands().map((b) => packs.find(b)!.retention);
    const set = await ensureNamespaceRetention(stack.client, policies);
    expect(set.days).toBe(365);
    expect(await namespaceRetentionNow(stack.client)).toBe(365);
    // Already matching: left alone.
    expect((await ensureNamespaceRetention(stack.client, policies)).changed).toBe(false);
  });
});
