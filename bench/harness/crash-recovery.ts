import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { DataSource } from 'typeorm';
import { isFinalRefundState, RefundState } from '../../src/domain/billing/refund';
import { refundWorkflow, ticketWorkflow } from '../../src/workflows';
import { confirmIdentityUpdate, refundStatusQuery, retentionAnswerUpdate } from '../../src/workflows/billing/messages';
import { replyUpdate, resolveUpdate } from '../../src/workflows/ticket/messages';
import { alert, sendAlert } from '../../test/support/incidents';
import { alertGroupQuery } from '../../src/workflows/incident/messages';
import { refundInput } from '../../test/support/refunds';
import { copyrightNotice, COUNTER_NOTICE, removal, startTakedown, takedownInput } from '../../test/support/takedowns';
import { onboardingChecks, startOnboardings, trainToCertified } from '../../test/support/onboarding';
import { updateUntilAnswered as update } from '../../test/support/retried-update';
import { applyDecisionUpdate, assignReviewerUpdate, counterNoticeUpdate, decideTakedownUpdate, takedownStatusQuery } from '../../src/workflows/takedown/messages';
import { ticketInput } from '../../test/support/tickets';
import { StackSealing, testConfig } from '../../test/support/harness';
import { unsealer } from '../../test/replay/harvest';
import type { SavedHistoryFile } from '../../test/replay/fixture-format';
import { TIMED_OUT, withDeadline } from '../../src/api/temporal/with-timeout';
import { configSchema } from '../../src/config/config.schema';
import { check, ScenarioResult } from './scenario';
import { round, summary } from './stats';

export interface WorkerControl {
  kill(): Promise<void>;
  start(): Promise<void>;
}

export interface CrashOptions {
  client: Client;
  ds: DataSource;
  taskQueue: string;
  worker: WorkerControl;
  tickets: number;
  kills: number;
  /** Deadlines and actions fall within this span; kills too. */
  spanMs: number;
  /** Escalation steps the policy takes after a breach (test policy: 3). */
  escalationSteps: number;
  /** Refund cases (sandbox gateway): identity confirmed and the offer declined by an agent, then one refund each. */
  refunds?: number;
  /** P1 incidents from alert storms (built-in pager): nobody acknowledges, so each walks its ladder. */
  incidents?: number;
  /** Pages per unacknowledged incident (test policy: 2 levels, 1 loop). */
  pagesPerIncident?: number;
  /**
   * DMCA takedown cases (built-in content platform): legal staff decide removal and apply it, a
   * counter-notice arrives, and the workflow restores the content when the window opens.
   */
  takedowns?: number;
  /** Onboarding cases (test Uoozee curriculum): sessions, double-blind QA, gates and certification while the worker dies. */
  onboardings?: number;
  seed?: number;
  /**
   * The stack's payload key and database: a stuck case's history is then saved replayable (the
   * replay fixtures' format, test/replay/README.md) while its case keys still exist.
   */
  sealing?: StackSealing;
  log?: (line: string) => void;
}

/** A small deterministic PRNG, so a failing run can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tickets in flight, half left to breach and half answered and resolved by an agent at random
 * moments; the worker is SIGKILLed `kills` times and restarted. Every ticket must reach its
 * expected end, with each event and external effect recorded exactly once.
 */
export async function crashRecovery(o: CrashOptions): Promise<Omit<ScenarioResult, 'headline'>> {
  const seed = o.seed ?? Date.now() % 2 ** 31;
  const random = mulberry32(seed);
  const log = o.log ?? (() => undefined);
  const start = Date.now();
  // An agent's action that could not complete (a case stuck, an update refused) is a finding, not
  // a reason to hang: recorded here and reported by a check.
  const actionFailures: { caseId: string; update: string | null; error: string; cause?: string }[] = [];
  // Actions the case refused live after a read showed the state they need, and the agent repeated.
  const refusedThenRepeated: { caseId: string; update: string; refusal: string }[] = [];
  // Refunds whose offer the agent declined again after the worker reset the case (StuckCaseWatch).
  const declinedAgainAfterReset: string[] = [];
  const repeatAfterRefusal = (caseId: string, update: string, refused: string) => {
    refusedThenRepeated.push({ caseId, update, refusal: refused });
    // A refusal that outlasts a few fresh reads is the case's answer, not a race: the action is lost.
    if (refusedThenRepeated.filter((x) => x.caseId === caseId).length > MAX_REPEATS) throw Object.assign(new Error(`refused ${MAX_REPEATS} times: ${refused}`), { update });
  };
  const acting = (caseId: string, act: () => Promise<void>): Promise<void> =>
    act().catch((err: unknown) => {
      // An update's own failure is in its cause (the workflow's ApplicationFailure: type and message).
      const { cause, update: name } = err as { cause?: { message?: string; type?: string }; update?: string };
      actionFailures.push({ caseId, update: name ?? null, error: err instanceof Error ? err.message : String(err), ...(cause ? { cause: `${cause.type ?? ''} ${cause.message ?? ''}`.trim() } : {}) });
    });
  const plans = Array.from({ length: o.tickets }, (_, i) => {
    const answered = i % 2 === 1;
    const at = 2_000 + Math.floor(random() * (o.spanMs - 2_000));
    const input = answered
      ? ticketInput({ priority: 'P2' }, { firstResponse: o.spanMs + 120_000, resolution: o.spanMs + 120_000 })
      : ticketInput({ priority: 'P2' }, { firstResponse: at, resolution: o.spanMs + 120_000 });
    return { input, answered, at };
  });
  await Promise.all(plans.map((p) => o.client.workflow.start(ticketWorkflow, { workflowId: p.input.ticketId, taskQueue: o.taskQueue, args: [p.input] })));
  log(`${o.tickets} tickets started (seed ${seed})`);

  // Refunds: the agent confirms identity and declines the offer within 2.5 s; the sandbox gateway
  // settles each refund 10 s after it was requested, found by polling. The identity and offer
  // waits are 2 min here, not the test policy's 3 s: a kill may keep the worker away longer than
  // 3 s, and the experiment is that the agent's answers survive it, not that they time out.
  const basePolicy = refundInput().policy;
  const policy = { ...basePolicy, refunds: { ...basePolicy.refunds, identityTimeoutMs: 120_000, retentionOfferWindowMs: 120_000 } };
  const refunds = Array.from({ length: o.refunds ?? 0 }, (_, i) => ({ input: refundInput({ chargeId: `ch_bench_${seed}_${i}`, subscriptionId: `sub_bench_${seed}_${i}`, policy }), at: Math.floor(random() * 2_500) }));
  await Promise.all(refunds.map((r) => o.client.workflow.start(refundWorkflow, { workflowId: r.input.caseId, taskQueue: o.taskQueue, args: [r.input] })));
  const refundActions = Promise.all(
    refunds.map((r) => acting(r.input.caseId, async () => {
      await new Promise((res) => setTimeout(res, Math.max(0, start + r.at - Date.now())));
      const h = o.client.workflow.getHandle<typeof refundWorkflow>(r.input.caseId);
      await update(h, confirmIdentityUpdate, [{ actor: 'bench', method: 'bench' }]);
      // The offer follows eligibility; answer it as soon as it is there (a query while the worker
      // is down fails: ask again). A case that never offers is caught by the checks below.
      let declined = false;
      let recordedPastOffer = false;
      for (const until = Date.now() + 240_000; Date.now() < until; await new Promise((res) => setTimeout(res, declined ? 1_000 : 100))) {
        // Once declined, the person follows the case in the list (the read model), not by querying
        // it: a query of a case that has stuck since fails its replay on a worker that does not hold
        // it, and the SDK then shuts that worker down (docs/known-problems.md).
        const v = declined ? await recordedRefundState(o.ds, r.input.caseId) : await readAsTheApi(o.client, () => h.query(refundStatusQuery));
        // The read model records the decline after the case applied it: until it shows a later
        // state, the offer it still shows is the one declined, not a new one.
        if (declined && v && v.state !== 'retention_offered') recordedPastOffer = true;
        if (v?.state === 'retention_offered' && (!declined || recordedPastOffer)) {
          const refused = await refusal(() => update(h, retentionAnswerUpdate, [{ actor: 'bench', accepted: false }]));
          if (refused === undefined) {
            // A case offers once per run: an offer after the decline is a new run, the worker
            // having reset a stuck case (docs/known-problems.md). A person declines again.
            if (declined) declinedAgainAfterReset.push(r.input.caseId);
            declined = true;
            recordedPastOffer = false;
            continue;
          }
          // Refused by the case right after it showed the offer (the read came from a worker
          // ahead of the case's task: docs/known-problems.md). A person reads again and repeats
          // while the offer is shown: so does the agent, and the run reports how often.
          repeatAfterRefusal(r.input.caseId, retentionAnswerUpdate.name, refused);
          continue;
        }
        // Declined: the person keeps the case open until it settles (a reset case offers again).
        if (v && (declined ? isFinalRefundState(v.state) : v.state !== 'identity_pending' && v.state !== 'eligibility')) return;
      }
    })),
  );
  // Incidents: a CDN edge failure opens a P1 (test policy) that pages at once and auto-resolves
  // only after an hour of silence, so every incident must walk its whole ladder. (Under the 30 s
  // 5xx rule a page that a kill holds back for 12 s twice can let the silence resolve the incident
  // before level 2, which cancels level 2, rightly, and is not what the page count checks.)
  const services = Array.from({ length: o.incidents ?? 0 }, (_, i) => `bench-${seed}-${i}`);
  const groupIds = await Promise.all(services.map((service) => sendAlert(o.client, o.taskQueue, alert({ service, kind: 'cdn_edge_failure', edge: 'edge-1', count: 5, source: 'bench' }))));
  if (refunds.length || services.length) log(`${refunds.length} refunds and ${services.length} incidents started`);

  // Takedowns: legal staff act as soon as a notice is in triage (test policy: a standard notice
  // is due in 20 s, the restore window opens 3 s after the counter-notice and closes at 5 s).
  const LEGAL = { id: 'legal-bench', role: 'legal' };
  const takedowns = Array.from({ length: o.takedowns ?? 0 }, () => takedownInput(copyrightNotice()));
  await Promise.all(takedowns.map((t) => startTakedown(o.client, o.taskQueue, t)));
  const takedownActions = Promise.all(
    takedowns.map((t) => acting(t.caseId, async () => {
      const h = o.client.workflow.getHandle(t.caseId);
      // Intake is two activities; one in flight when the worker dies is retried only after its
      // 30 s start-to-close, so several kills in a row can hold a notice in `received` for minutes.
      // Acting before triage would be refused (and counted as a lost action): wait for it.
      const untilTriage = async () => {
        let state: string | null = null;
        for (const until = Date.now() + 300_000; Date.now() < until && state !== 'triage'; await new Promise((res) => setTimeout(res, 100))) {
          state = (await readAsTheApi(o.client, () => h.query(takedownStatusQuery)))?.state ?? state;
        }
        if (state !== 'triage') throw new Error(`not in triage after 300 s (last state seen: ${state})`);
      };
      await untilTriage();
      // Refused right after a read showed triage (as the refunds' answer above): read and repeat.
      for (let refused; (refused = await refusal(() => update(h, assignReviewerUpdate, [{ actor: LEGAL, reviewer: LEGAL.id }]))) !== undefined; await untilTriage()) {
        repeatAfterRefusal(t.caseId, assignReviewerUpdate.name, refused);
      }
      await update(h, decideTakedownUpdate, [{ actor: LEGAL, decision: removal() }]);
      await update(h, applyDecisionUpdate, [{ actor: LEGAL, authorityInformed: null }]);
      await update(h, counterNoticeUpdate, [{ actor: LEGAL, counterNotice: COUNTER_NOTICE }]);
    })),
  );
  if (takedowns.length) log(`${takedowns.length} takedowns started`);

  const onboardings = await startOnboardings(o.client, o.ds, o.taskQueue, o.onboardings ?? 0, seed);
  const onboardingActions = Promise.all(onboardings.map((agent) => acting(`onboarding-${agent}`, () => trainToCertified(o.client, agent))));
  if (onboardings.length) log(`${onboardings.length} onboardings started`);

  const actions = Promise.all(
    plans
      .filter((p) => p.answered)
      .map((p) => acting(p.input.ticketId, async () => {
        await new Promise((r) => setTimeout(r, Math.max(0, start + p.at - Date.now())));
        const h = o.client.workflow.getHandle(p.input.ticketId);
        await update(h, replyUpdate, [{ actor: 'bench', author: 'agent', message: 'on it' }]);
        await update(h, resolveUpdate, [{ actor: 'bench', resolution: 'done' }]);
      })),
  );

  const killTimes = Array.from({ length: o.kills }, () => 1_000 + Math.floor(random() * (o.spanMs - 1_000))).sort((a, b) => a - b);
  const recoveries: number[] = [];
  for (const [k, at] of killTimes.entries()) {
    await new Promise((r) => setTimeout(r, Math.max(0, start + at - Date.now())));
    const [{ max }] = await o.ds.query(`SELECT coalesce(max(id), 0)::bigint AS max FROM ticket_events`);
    const killedAt = Date.now();
    await o.worker.kill();
    await o.worker.start();
    // Recovered: the restarted worker has recorded something new.
    for (;;) {
      const [{ n }] = await o.ds.query(`SELECT count(*)::int AS n FROM ticket_events WHERE id > $1`, [max]);
      if (n > 0 || Date.now() - killedAt > 60_000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    recoveries.push(Date.now() - killedAt);
    log(`kill ${k + 1}/${o.kills} at +${round(at / 1000)} s, recovered in ${recoveries[recoveries.length - 1]} ms`);
  }
  await actions;
  await refundActions;
  await takedownActions;
  await onboardingActions;

  const breachIds = plans.filter((p) => !p.answered).map((p) => p.input.ticketId);
  const answeredIds = plans.filter((p) => p.answered).map((p) => p.input.ticketId);
  const expectedEscalations = breachIds.length * o.escalationSteps;
  const deadline = Date.now() + 90_000;
  let counts: Record<string, number> = {};
  for (;;) {
    const rows: { type: string; n: number }[] = await o.ds.query(
      `SELECT type, count(*)::int AS n FROM ticket_events WHERE ticket_id = ANY($1) GROUP BY type`,
      [[...breachIds, ...answeredIds]],
    );
    counts = Object.fromEntries(rows.map((r) => [r.type, r.n]));
    // An escalation's event and its notification are written side by side: wait for both.
    const [{ n: sent }] = await o.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE ticket_id = ANY($1) AND kind = 'sla_escalation'`, [breachIds]);
    const settled = (counts.escalated ?? 0) >= expectedEscalations && sent >= expectedEscalations && (counts.resolved ?? 0) >= answeredIds.length;
    if (settled || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const perTicket = async (ids: string[], type: string): Promise<number[]> => {
    const rows: { ticket_id: string; n: number }[] = await o.ds.query(
      `SELECT ticket_id, count(*)::int AS n FROM ticket_events WHERE ticket_id = ANY($1) AND type = $2 GROUP BY ticket_id`,
      [ids, type],
    );
    const by = new Map(rows.map((r) => [r.ticket_id, r.n]));
    return ids.map((id) => by.get(id) ?? 0);
  };
  const breaches = await perTicket(breachIds, 'sla_breached');
  const escalations = await perTicket(breachIds, 'escalated');
  const answeredBreaches = await perTicket(answeredIds, 'sla_breached');
  const firstResponses = await perTicket(answeredIds, 'first_response');
  const resolutions = await perTicket(answeredIds, 'resolved');
  const [{ n: notifications }] = await o.ds.query(
    `SELECT count(*)::int AS n FROM notifications WHERE ticket_id = ANY($1) AND kind = 'sla_escalation'`,
    [breachIds],
  );
  const everyOnce = (xs: number[], want: number) => xs.every((x) => x === want);

  const mixedChecks: ReturnType<typeof check>[] = [];
  if (refunds.length) {
    const ids = refunds.map((r) => r.input.caseId);
    let rows: { state: string; n: number }[] = [];
    for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      rows = await o.ds.query(`SELECT state, count(*)::int AS n FROM billing_cases WHERE id = ANY($1) GROUP BY state`, [ids]);
      if (rows.find((r) => r.state === 'settled')?.n === ids.length) break;
    }
    const [{ n: ledger }] = await o.ds.query(`SELECT count(*)::int AS n FROM sandbox_ledger WHERE kind = 'refund' AND idempotency_key = ANY($1)`, [ids.map((id) => `refund:${id}`)]);
    const [{ n: succeeded }] = await o.ds.query(`SELECT count(*)::int AS n FROM billing_case_events WHERE case_id = ANY($1) AND type = 'refund_succeeded'`, [ids]);
    const stuck = rows.find((r) => r.state === 'settled')?.n === ids.length ? [] : await whereStuck(o.client, o.ds, ids, o.sealing);
    mixedChecks.push(
      check('every refund case settled', rows.find((r) => r.state === 'settled')?.n === ids.length, `${JSON.stringify(rows)} ${JSON.stringify(stuck)}`),
      check('one refund at the gateway per case', ledger === ids.length, `${ledger} of ${ids.length}`),
      check('one refund_succeeded per case', succeeded === ids.length, `${succeeded} of ${ids.length}`),
    );
  }
  if (services.length) {
    const perIncident = o.pagesPerIncident ?? 2;
    let pages: { incident_id: string; n: number }[] = [];
    let pagedEvents = 0;
    // A page is stored when the pager answers; its 'paged' event follows in the next step: wait for both.
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      pages = await o.ds.query(
        `SELECT p.incident_id, count(*)::int AS n FROM pages p JOIN incidents i ON i.id = p.incident_id WHERE i.snapshot->'services'->>0 = ANY($1) GROUP BY p.incident_id`,
        [services],
      );
      [{ n: pagedEvents }] = await o.ds.query(
        `SELECT count(*)::int AS n FROM incident_events e JOIN incidents i ON i.id = e.incident_id WHERE e.type = 'paged' AND i.snapshot->'services'->>0 = ANY($1)`,
        [services],
      );
      if (pages.length === services.length && pages.every((p) => p.n >= perIncident) && pagedEvents >= services.length * perIncident) break;
    }
    let missing: unknown[] = [];
    if (pagedEvents < services.length * perIncident) {
      const short: { id: string; n: number }[] = await o.ds.query(
        `SELECT i.id, count(e.id)::int AS n FROM incidents i LEFT JOIN incident_events e ON e.incident_id = i.id AND e.type = 'paged'
          WHERE i.snapshot->'services'->>0 = ANY($1) GROUP BY i.id HAVING count(e.id) < $2`,
        [services, perIncident],
      );
      // The case's own history says why a step was not paged (resolved first, or a step lost).
      const history = async (id: string) => ((await o.ds.query(`SELECT type FROM incident_events WHERE incident_id = $1 ORDER BY occurred_at, id`, [id])) as { type: string }[]).map((e) => e.type);
      missing = await Promise.all(short.map(async (r) => ({ pagedEvents: r.n, events: await history(r.id), incident: await describeCase(o.client, r.id, o.sealing) })));
    }
    if (pages.length < services.length) {
      const paged: { id: string }[] = await o.ds.query(`SELECT DISTINCT incident_id AS id FROM pages WHERE incident_id = ANY($1)`, [pages.map((p) => p.incident_id)]);
      const groups = await Promise.all(groupIds.map(async (groupId) => ({ groupId, incidentId: (await o.client.workflow.getHandle(groupId).query(alertGroupQuery).catch(() => null))?.incidentId ?? null })));
      missing = missing.concat(await Promise.all(
        groups
          .filter((g) => !paged.some((p) => p.id === g.incidentId))
          .map(async (g) => ({ group: await describeCase(o.client, g.groupId, o.sealing), incident: g.incidentId ? await describeCase(o.client, g.incidentId, o.sealing) : null })),
      ));
    }
    mixedChecks.push(
      check('one incident per alert storm', pages.length === services.length, `${pages.length} of ${services.length} ${JSON.stringify(missing)}`),
      check(`each incident paged exactly ${perIncident} times`, pages.every((p) => p.n === perIncident) && pagedEvents === services.length * perIncident, `${pagedEvents} paged events ${JSON.stringify(missing)}`),
    );
  }
  if (takedowns.length) {
    const ids = takedowns.map((t) => t.caseId);
    let states: { state: string; n: number }[] = [];
    for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      states = await o.ds.query(`SELECT state, count(*)::int AS n FROM takedowns WHERE id = ANY($1) GROUP BY state`, [ids]);
      if (states.find((r) => r.state === 'restored')?.n === ids.length) break;
    }
    // One row per action key (the platform is called with that key): a lost or repeated step shows
    // as a missing row or an action outside remove, restore.
    const acts: { case_id: string; actions: string[]; applied: number }[] = await o.ds.query(
      `SELECT case_id, array_agg(action ORDER BY created_at) AS actions, count(applied_at)::int AS applied FROM content_actions WHERE case_id = ANY($1) GROUP BY case_id`,
      [ids],
    );
    const sent: { kind: string; n: number; cases: number }[] = await o.ds.query(
      `SELECT kind, count(*)::int AS n, count(DISTINCT case_id)::int AS cases FROM takedown_communications WHERE case_id = ANY($1) AND kind IN ('dmca_notification', 'counter_notice_forwarded') GROUP BY kind`,
      [ids],
    );
    mixedChecks.push(
      check('every takedown restored after its counter-notice', states.find((r) => r.state === 'restored')?.n === ids.length, JSON.stringify(states)),
      check('one removal and one restoration per takedown', acts.length === ids.length && acts.every((a) => a.actions.join() === 'remove,restore' && a.applied === 2), `${acts.length} of ${ids.length} cases with actions`),
      check('uploader told and counter-notice forwarded once per takedown', sent.length === 2 && sent.every((r) => r.n === ids.length && r.cases === ids.length), JSON.stringify(sent)),
    );
  }
  if (onboardings.length) mixedChecks.push(...(await onboardingChecks(o.ds, onboardings)).map((c) => check(c.name, c.ok, c.detail)));
  const resetByWorker = await casesReset(o.client, [...plans.map((p) => p.input.ticketId), ...refunds.map((r) => r.input.caseId), ...takedowns.map((t) => t.caseId), ...onboardings.map((a) => `onboarding-${a}`)]);
  return {
    figures: {
      seed,
      tickets: o.tickets,
      refunds: refunds.length,
      incidents: services.length,
      takedowns: takedowns.length,
      onboardings: onboardings.length,
      kills: o.kills,
      recoveryMs: summary(recoveries),
      eventCounts: counts,
      refusedThenRepeated,
      resetByWorker,
      declinedAgainAfterReset,
    },
    checks: [
      check('every agent action completed', actionFailures.length === 0, JSON.stringify(await Promise.all(actionFailures.map(async (f) => ({ ...f, ...(await describeCase(o.client, f.caseId, o.sealing)) }))))),
      check('each left-alone ticket breached exactly once', everyOnce(breaches, 1), JSON.stringify(breaches.filter((x) => x !== 1))),
      check(`each breach escalated exactly ${o.escalationSteps} times`, everyOnce(escalations, o.escalationSteps), `${escalations.reduce((a, b) => a + b, 0)} of ${expectedEscalations}`),
      check('one escalation notification per step', notifications === expectedEscalations, `${notifications} of ${expectedEscalations}`),
      check('answered tickets never breached', everyOnce(answeredBreaches, 0)),
      check('each answered ticket: one first response, one resolution', everyOnce(firstResponses, 1) && everyOnce(resolutions, 1)),
      ...mixedChecks,
    ],
  };
}

/** For a failed check: what each unsettled case is waiting on (its pending activities and their last failure). */
async function whereStuck(client: Client, ds: DataSource, ids: string[], sealing?: StackSealing): Promise<unknown[]> {
  const rows: { id: string; state: string }[] = await ds.query(`SELECT id, state FROM billing_cases WHERE id = ANY($1) AND state <> 'settled'`, [ids]);
  return Promise.all(rows.map(async ({ id, state }) => ({ state, ...(await describeCase(client, id, sealing)) })));
}

/** A refund case's state as the read model last recorded it, or undefined before its first record. */
async function recordedRefundState(ds: DataSource, caseId: string): Promise<{ state: RefundState } | undefined> {
  const [row] = (await ds.query(`SELECT state FROM billing_cases WHERE id = $1`, [caseId])) as { state: RefundState }[];
  return row;
}

/**
 * The cases the worker reset, stuck by the known problem (StuckCaseWatch, docs/known-problems.md):
 * a reset leaves its time on the case's current run. The raw describe: no payload is decoded.
 */
async function casesReset(client: Client, ids: string[]): Promise<string[]> {
  const reset = await Promise.all(
    ids.map(async (id) => {
      const d = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: id } });
      return d.workflowExtendedInfo?.lastResetTime ? id : null;
    }),
  );
  return reset.filter((id): id is string => id !== null);
}

/** A workflow's status, pending activities (attempt, last failure) and a workflow task still pending. */
async function describeCase(client: Client, id: string, sealing?: StackSealing): Promise<Record<string, unknown>> {
  const d = await client.workflow.getHandle(id).describe().catch((e: unknown) => ({ error: String(e) }));
  if ('error' in d) return { id, ...d };
  const historyFile = await saveHistory(client, id, sealing);
  const pending = (d.raw.pendingActivities ?? []).map((a) => ({ type: a.activityType?.name, attempt: a.attempt, lastFailure: a.lastFailure?.message ?? null }));
  const task = d.raw.pendingWorkflowTask ? { attempt: d.raw.pendingWorkflowTask.attempt } : null;
  return { id, status: d.status.name, historyLength: d.historyLength, pending, workflowTask: task, historyFile };
}

/**
 * A stuck case's event history, kept for replay (the crash scenario is a fault injection suite: a
 * nondeterminism it provokes must be reproducible after the stack is gone). With the stack's
 * sealing: `<id>.json` in the replay fixtures' format, its payloads under the stack's key and the
 * per-case layer taken off (the case keys go with the stack's database), so
 * `savedHistories(path).replayAll()` (test/support/saved-histories.ts) replays it; without:
 * `<id>.binpb`, the binary history only (History.decode reads it back).
 */
async function saveHistory(client: Client, id: string, sealing?: StackSealing): Promise<string | null> {
  try {
    const dir = resolve(__dirname, '..', 'results', 'histories');
    await mkdir(dir, { recursive: true });
    const name = id.replace(/[^A-Za-z0-9_.-]/g, '_');
    // Re-decoded so every Payload is a proto instance. (Not historyToJSON: it fails in this
    // install, "type must be a Type": @temporalio/common and @temporalio/proto each carry their
    // own protobufjs, and its JSON writer checks the type against its own copy.)
    const History = temporal.api.history.v1.History;
    const history = History.decode(History.encode(await client.workflow.getHandle(id).fetchHistory()).finish());
    if (!sealing) {
      const file = resolve(dir, `${name}.binpb`);
      await writeFile(file, History.encode(history).finish());
      return file;
    }
    await unsealer(testConfig(sealing))(history);
    const saved: SavedHistoryFile = { key: sealing.PAYLOAD_ENCRYPTION_KEY, histories: [{ workflowId: id, history: Buffer.from(History.encode(history).finish()).toString('base64') }] };
    const file = resolve(dir, `${name}.json`);
    await writeFile(file, `${JSON.stringify(saved, null, 1)}\n`);
    return file;
  } catch (err) {
    return `not saved: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** How often an agent repeats one action the case refused right after a read showed it possible. */
const MAX_REPEATS = 3;

/** The case's refusal of an action (its validator's message), or undefined when it was applied; anything else is thrown. */
async function refusal(act: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await act();
    return undefined;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    return (err.cause as Error | undefined)?.message ?? err.message;
  }
}

/** The API's read deadline (QUERY_TIMEOUT_MS's default). */
const API_QUERY_DEADLINE_MS = configSchema.shape.QUERY_TIMEOUT_MS.parse(undefined);

/**
 * The agents read a case as the API's clients do: a query cancelled at the API's deadline, null
 * when it did not answer (the worker down) or failed. Agents whose queries waited out a killed
 * worker's sticky queue stuck cases in most runs (docs/known-problems.md); no Caseworks client
 * reads that way.
 */
async function readAsTheApi<T>(client: Client, query: () => Promise<T>): Promise<T | null> {
  const answer = await withDeadline((signal) => client.withAbortSignal(signal, query), API_QUERY_DEADLINE_MS).catch(() => null);
  return answer === TIMED_OUT ? null : answer;
}
