import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TakedownPolicy } from '../../src/domain/takedown/deadlines';
import { preservationWorkflow, takedownWorkflow } from '../../src/workflows';
import {
  applyDecisionUpdate,
  assignReviewerUpdate,
  closeTakedownUpdate,
  counterNoticeUpdate,
  decideTakedownUpdate,
  informationReceivedUpdate,
  noteTakedownUpdate,
  requestInformationUpdate,
  TakedownInput,
  takedownStatusQuery,
} from '../../src/workflows/takedown/messages';
import { extendPreservationUpdate, PreservationInput, preservationStatusQuery } from '../../src/workflows/takedown/preservation-messages';
import { NotifyWebhookFake, startNotifyWebhookFake } from '../fakes/notify-webhook';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { communications, contentActions, copyrightNotice, COUNTER_NOTICE, removal, startTakedown, takedownInput, testTakedownPolicy } from '../support/takedowns';
import { queryOpened } from '../support/sealed-rows';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;
const INES = { id: 'legal-ines', role: 'legal' };
const OMAR = { id: 'legal-omar', role: 'legal' };

/** The test pack's clocks with every decision window (all regimes and tiers) and the notifier's wait set. */
function clocks(policy: TakedownPolicy, decideMs: number, needsInfoWaitMs = HOUR): TakedownPolicy {
  const tiers = { safety: decideMs, trusted: decideMs, standard: decideMs };
  return { ...policy, decideWithinMs: { dmca: tiers, dsa: tiers, platform_terms: tiers }, needsInfoWaitMs };
}

function caseInput(decideMs: number, updates: number): TakedownInput {
  const input = takedownInput(copyrightNotice());
  return { ...input, policy: { ...input.policy, clocks: clocks(input.policy.clocks, decideMs) }, runLimits: { updates } };
}

interface EventRow {
  event_key: string;
  type: string;
  seq: string | null;
  data: Record<string, unknown>;
}

/** Issue 20: a takedown case (and a preservation hold) hands its state to a fresh run before any server limit; nothing is lost, doubled or left unfired. */
describe('takedown workflows continue as new', () => {
  const taskQueue = uniqueTaskQueue('takedown-can');
  let notify: NotifyWebhookFake;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;

  beforeAll(async () => {
    notify = await startNotifyWebhookFake();
    const config = testConfig({ NOTIFY_WEBHOOK_URL: notify.url });
    ds = await openDataSource(config);
    client = await temporalClient(config);
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
    await notify?.close();
  });

  /** No run ID: every call follows the case to its latest run. */
  const latest = (id: string) => client.workflow.getHandle<typeof takedownWorkflow>(id);

  /** Every run, first to latest, following the continued-as-new links. */
  const runChain = async (workflowId: string, firstRunId: string) => {
    const runs: { runId: string; continued: boolean; updates: string[] }[] = [];
    let runId: string | undefined = firstRunId;
    while (runId) {
      const events: temporal.api.history.v1.IHistoryEvent[] = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
      const last: temporal.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
      const continued = last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
      const updates = events.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId).filter((u): u is string => typeof u === 'string');
      runs.push({ runId, continued, updates });
      runId = continued ? (last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined) : undefined;
    }
    return runs;
  };

  /** The case's own events in the order it applied them (a preservation hold's events carry no case seq). */
  const eventsBySeq = (caseId: string): Promise<EventRow[]> =>
    queryOpened<EventRow>(ds, `SELECT event_key, type, seq, data FROM takedown_events WHERE case_id = $1 AND seq IS NOT NULL ORDER BY seq`, [caseId]);

  const expectEachOnceInOrder = (events: EventRow[]) => {
    const seqs = events.map((e) => Number(e.seq));
    // 1, 2, 3, …: every change the case numbered is recorded, once, none skipped.
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.event_key)).size).toBe(events.length);
  };

  const snapshotRow = async (id: string): Promise<{ version: string | null; state: string; snapshot: { notesTotal?: number; state: string } }> =>
    ((await ds.query(`SELECT version, state, snapshot FROM takedowns WHERE id = $1`, [id])) as { version: string | null; state: string; snapshot: { notesTotal?: number; state: string } }[])[0];

  it('carries the case through at least three runs: ~30 mixed actions each recorded once, in order; deciding, applying and closing still work', async () => {
    const input = caseInput(HOUR, 5);
    const first = await startTakedown(client, taskQueue, input);
    const h = latest(input.caseId);
    await waitFor(async () => (await h.query(takedownStatusQuery)).state === 'triage', { what: 'triage after intake' });

    const sent: string[] = [];
    const note = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const text = `note ${sent.length + 1}: checked upload ${randomUUID().slice(0, 8)}`;
        await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text }] });
        sent.push(text);
      }
    };
    const actions: string[] = ['received', 'accept'];
    const act = async (type: string, run: () => Promise<unknown>) => {
      await run();
      actions.push(type);
    };
    await act('assign', () => h.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-ines' }] }));
    await note(5);
    await act('request_info', () => h.executeUpdate(requestInformationUpdate, { args: [{ actor: INES, missing: ['statements.signature'], message: null }] }));
    await act('info_received', () => h.executeUpdate(informationReceivedUpdate, { args: [{ actor: INES, note: null }] }));
    await act('assign', () => h.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-omar' }] }));
    await note(6);
    await act('request_info', () => h.executeUpdate(requestInformationUpdate, { args: [{ actor: OMAR, missing: ['items'], message: 'Which uploads?' }] }));
    await note(1);
    await act('info_received', () => h.executeUpdate(informationReceivedUpdate, { args: [{ actor: OMAR, note: 'answered by mail' }] }));
    await act('assign', () => h.executeUpdate(assignReviewerUpdate, { args: [{ actor: OMAR, reviewer: 'legal-ines' }] }));
    await note(8);
    await act('decide', () => h.executeUpdate(decideTakedownUpdate, { args: [{ actor: INES, decision: removal() }] }));
    await act('apply', () => h.executeUpdate(applyDecisionUpdate, { args: [{ actor: INES, authorityInformed: null }] }));
    await note(1);
    const closed = await h.executeUpdate(closeTakedownUpdate, { args: [{ actor: INES }] });
    actions.push('close');
    expect(closed.state).toBe('closed');

    const runs = await runChain(input.caseId, first.firstExecutionRunId);
    expect(runs.filter((r) => r.continued).length).toBeGreaterThanOrEqual(3);
    expect((await h.describe()).runId).toBe(runs[runs.length - 1].runId);

    // The query (latest run) is the state the actions imply.
    const view = await h.query(takedownStatusQuery);
    expect(view).toMatchObject({ state: 'closed', reviewer: 'legal-ines', decision: { outcome: 'remove', by: 'legal-ines' }, notesTotal: sent.length, notesTruncated: true });
    expect(view.notes?.map((n) => n.text)).toEqual(sent.slice(-5));
    expect(view.contentActions.map((a) => a.action)).toEqual(['remove']);
    expect(view.communications.map((c) => c.kind)).toEqual(['receipt', 'information_request', 'information_request', 'decision_notice', 'dmca_notification']);
    expect(view.communicationsTotal).toBe(5);

    // Every action in the read model exactly once, in the order applied; the snapshot is the last change.
    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.caseId);
      return rows.some((e) => e.type === 'close') ? rows : undefined;
    }, { what: 'the close event' });
    expectEachOnceInOrder(events);
    const caseActions = events.filter((e) => !['communication_sent', 'content_action', 'note'].includes(e.type)).map((e) => e.type);
    expect(caseActions).toEqual(actions);
    expect(events.filter((e) => e.type === 'note').map((e) => e.data.text)).toEqual(sent);
    const row = await snapshotRow(input.caseId);
    expect(Number(row.version)).toBe(Number(events[events.length - 1].seq));
    expect(row.snapshot).toMatchObject({ state: 'closed', notesTotal: sent.length });
    // Each request-info round has its own message: the round counter crossed the boundaries.
    const sentKinds = (await communications(ds, input.caseId)).map((c) => c.kind);
    expect(sentKinds.filter((k) => k === 'information_request')).toHaveLength(2);
    expect(sentKinds).toHaveLength(5);
  });

  it('a pending decision clock fires across boundaries exactly once: at risk once, breached once', async () => {
    // Decide within 10 s: at risk at 5 s (the test pack's 0.5), breached at 10 s.
    const input = caseInput(10_000, 3);
    const first = await startTakedown(client, taskQueue, input);
    const h = latest(input.caseId);
    const triage = await waitFor(async () => {
      const v = await h.query(takedownStatusQuery);
      return v.state === 'triage' ? v : undefined;
    }, { what: 'triage after intake' });
    const atRiskKey = `${input.caseId}:decision:${Date.parse(triage.decisionDue!.dueAt)}:at-risk`;
    const breachKey = `${input.caseId}:decision:${Date.parse(triage.decisionDue!.dueAt)}:breached`;
    const notes = async (n: number) => {
      for (let i = 0; i < n; i++) await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: `note ${i}` }] });
    };
    const continuedRuns = async () => (await runChain(input.caseId, first.firstExecutionRunId)).filter((r) => r.continued).length;

    // Before the at-risk point: the run hands over while the clock is pending.
    await notes(4);
    expect(notify.deliveries.get(atRiskKey)).toBeUndefined();
    expect(await continuedRuns()).toBeGreaterThanOrEqual(1);
    await waitFor(() => notify.deliveries.has(atRiskKey), { what: 'the at-risk notification' });
    // Between at risk and breach: another boundary.
    const before = await continuedRuns();
    await notes(4);
    expect(notify.deliveries.get(breachKey)).toBeUndefined();
    expect(await continuedRuns()).toBeGreaterThan(before);
    await waitFor(() => notify.deliveries.has(breachKey), { what: 'the breach notification' });
    // After the breach: one more boundary, and the new run takes an action (it has fired what was due by then).
    const afterBreach = await continuedRuns();
    await notes(4);
    expect(await continuedRuns()).toBeGreaterThan(afterBreach);
    const view = await h.query(takedownStatusQuery);
    expect(view).toMatchObject({ slaBreached: true, notesTotal: 12 });
    expect(view.decisionDue?.status).toBe('overdue');

    expect(notify.deliveries.get(atRiskKey)).toBe(1);
    expect(notify.deliveries.get(breachKey)).toBe(1);
    const kinds = notify.accepted.filter((a) => a.key.startsWith(`${input.caseId}:`)).map((a) => a.body.kind);
    expect(kinds.filter((k) => k === 'takedown_deadline_at_risk')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'takedown_deadline_breached')).toHaveLength(1);
    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.caseId);
      return rows.filter((e) => e.type === 'note').length === 12 ? rows : undefined;
    }, { what: 'all 12 notes recorded' });
    expectEachOnceInOrder(events);
    expect(events.filter((e) => e.type.startsWith('deadline_')).map((e) => e.type)).toEqual(['deadline_at_risk', 'deadline_breached']);
    // The decision still works on the latest run.
    await h.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-ines' }] });
    const decided = await h.executeUpdate(decideTakedownUpdate, { args: [{ actor: INES, decision: removal() }] });
    expect(decided.decisionDue?.status).toBe('missed');
  });

  it("the notifier's deadline and the §512(g) restore window, pending across boundaries, each fire once", async () => {
    // An incomplete notice: needs_info, lapsing after the notifier's wait (3 s here).
    const notice = copyrightNotice();
    delete notice.statements!.goodFaith;
    const base = takedownInput(notice);
    const lapsing: TakedownInput = { ...base, policy: { ...base.policy, clocks: { ...base.policy.clocks, needsInfoWaitMs: 3_000 } }, runLimits: { updates: 2 } };
    const firstLapsing = await startTakedown(client, taskQueue, lapsing);
    const l = latest(lapsing.caseId);
    await waitFor(async () => (await l.query(takedownStatusQuery)).state === 'needs_info', { what: 'needs_info' });
    for (let i = 0; i < 3; i++) await l.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: `waiting ${i}` }] });
    expect((await runChain(lapsing.caseId, firstLapsing.firstExecutionRunId)).some((r) => r.continued)).toBe(true);

    // A DMCA removal, then a counter-notice: the content comes back when the window opens (3 s here).
    const restoring = caseInput(HOUR, 2);
    const firstRestoring = await startTakedown(client, taskQueue, restoring);
    const r = latest(restoring.caseId);
    await waitFor(async () => (await r.query(takedownStatusQuery)).state === 'triage', { what: 'triage' });
    await r.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-ines' }] });
    await r.executeUpdate(decideTakedownUpdate, { args: [{ actor: INES, decision: removal() }] });
    await r.executeUpdate(applyDecisionUpdate, { args: [{ actor: INES, authorityInformed: null }] });
    await r.executeUpdate(counterNoticeUpdate, { args: [{ actor: INES, counterNotice: COUNTER_NOTICE }] });
    for (let i = 0; i < 3; i++) await r.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: `pending restore ${i}` }] });
    expect((await r.query(takedownStatusQuery)).state).toBe('restore_pending');
    expect((await runChain(restoring.caseId, firstRestoring.firstExecutionRunId)).filter((x) => x.continued).length).toBeGreaterThanOrEqual(2);

    // Both cases end on their own, in a later run, each effect once.
    expect((await l.result()).state).toBe('lapsed');
    expect((await communications(ds, lapsing.caseId)).map((c) => c.kind)).toEqual(['receipt', 'information_request', 'lapsed']);
    expect((await r.result()).state).toBe('restored');
    expect((await communications(ds, restoring.caseId)).map((c) => c.kind)).toEqual(['receipt', 'decision_notice', 'dmca_notification', 'counter_notice_forwarded', 'content_restored']);
    expect((await contentActions(ds, restoring.caseId)).map((a) => a.action)).toEqual(['remove', 'restore']);
    for (const id of [lapsing.caseId, restoring.caseId]) expectEachOnceInOrder(await eventsBySeq(id));
  });

  it('20 notes at once across a boundary: every one accepted and recorded once, none lost', async () => {
    const input = caseInput(HOUR, 5);
    const first = await startTakedown(client, taskQueue, input);
    const h = latest(input.caseId);
    await waitFor(async () => (await h.query(takedownStatusQuery)).state === 'triage', { what: 'triage after intake' });
    const texts = Array.from({ length: 20 }, (_, i) => `concurrent note ${i}`);
    const results = await Promise.allSettled(texts.map((text) => h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text }] })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const runs = await runChain(input.caseId, first.firstExecutionRunId);
    expect(runs.filter((r) => r.continued).length).toBeGreaterThanOrEqual(1);
    // The server re-sends an update whose wait a boundary aborted to the next run: accepted there
    // again, it must not be applied again (retried-updates.ts). How often that happened here:
    const seen = runs.flatMap((r) => r.updates);
    console.log(`20 concurrent notes: ${runs.length} runs, ${seen.length - new Set(seen).size} update(s) accepted again by a later run`);
    expect((await h.query(takedownStatusQuery)).notesTotal).toBe(20);
    const events = await waitFor(async () => {
      const rows = await eventsBySeq(input.caseId);
      return rows.filter((e) => e.type === 'note').length >= 20 ? rows : undefined;
    }, { what: '20 note events' });
    expectEachOnceInOrder(events);
    expect(events.filter((e) => e.type === 'note').map((e) => e.data.text as string).sort()).toEqual([...texts].sort());
    // A later action still lands on the latest run.
    expect((await h.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-omar' }] })).reviewer).toBe('legal-omar');
  });

  it('an update sent again with the same ID after a boundary is answered with the case as it is, not applied twice', async () => {
    const input = caseInput(HOUR, 3);
    const first = await startTakedown(client, taskQueue, input);
    const h = latest(input.caseId);
    await waitFor(async () => (await h.query(takedownStatusQuery)).state === 'triage', { what: 'triage after intake' });
    // What the server does when a boundary aborts a client's wait: the same update ID, to the next run.
    const updateId = `retried-${randomUUID()}`;
    const once = await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: 'the retried note' }], updateId });
    expect(once.notesTotal).toBe(1);
    await h.executeUpdate(assignReviewerUpdate, { args: [{ actor: INES, reviewer: 'legal-ines' }] });
    await h.executeUpdate(decideTakedownUpdate, { args: [{ actor: INES, decision: removal() }] });
    await waitFor(async () => (await runChain(input.caseId, first.firstExecutionRunId)).some((r) => r.continued), { what: 'a boundary' });
    const again = await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: 'the retried note' }], updateId });
    expect(again).toMatchObject({ state: 'decided', notesTotal: 1 });
    // The same for an action the state no longer allows: a retried apply is answered, not refused (a second apply is a 409).
    const decideId = `retried-decide-${randomUUID()}`;
    await h.executeUpdate(applyDecisionUpdate, { args: [{ actor: INES, authorityInformed: null }], updateId: decideId });
    for (let i = 0; i < 3; i++) await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: INES, text: `filler ${i}` }] });
    await waitFor(async () => (await runChain(input.caseId, first.firstExecutionRunId)).filter((r) => r.continued).length >= 2, { what: 'a second boundary' });
    expect((await h.executeUpdate(applyDecisionUpdate, { args: [{ actor: INES, authorityInformed: null }], updateId: decideId })).state).toBe('applied');
    const view = await h.query(takedownStatusQuery);
    expect(view).toMatchObject({ notesTotal: 4, contentActions: [{ action: 'remove' }] });
    const notes = (await eventsBySeq(input.caseId)).filter((e) => e.type === 'note');
    expect(notes.map((e) => e.data.text)).toEqual(['the retried note', 'filler 0', 'filler 1', 'filler 2']);
  });

  it('a preservation hold extended (the run hands over) still reminds and releases exactly once each', async () => {
    const policy = testTakedownPolicy();
    const input: PreservationInput = {
      holdId: `preservation-${randomUUID().replace(/-/g, '').slice(0, 26)}`,
      caseId: `takedown-${randomUUID().replace(/-/g, '').slice(0, 26)}`,
      brand: 'uoozee',
      authority: 'Polizei Berlin, LKA 7',
      reference: `LKA7-${randomUUID().slice(0, 8)}`,
      items: [{ contentId: 'vid_901' }],
      requestedBy: 'legal-ines',
      requestedAt: Date.now(),
      policy: policy.clocks.preservation!,
      escalateTo: policy.escalateTo,
      runLimits: { updates: 1 },
    };
    const first = await client.workflow.start(preservationWorkflow, { workflowId: input.holdId, taskQueue, args: [input] });
    const h = client.workflow.getHandle<typeof preservationWorkflow>(input.holdId);
    await waitFor(async () => (await ds.query(`SELECT 1 FROM takedown_preservations WHERE id = $1`, [input.holdId])).length === 1, { what: 'the hold recorded' });
    const extendId = `extend-${randomUUID()}`;
    const extended = await h.executeUpdate(extendPreservationUpdate, { args: [{ actor: INES, reference: null }], updateId: extendId });
    expect(extended.state).toBe('extended');
    await waitFor(async () => (await runChain(input.holdId, first.firstExecutionRunId)).some((r) => r.continued), { what: 'the hold to continue as new' });
    // Queries follow the hold to its new run.
    expect((await h.query(preservationStatusQuery)).state).toBe('extended');
    // The extension sent again with its ID (a boundary aborted the client's wait) is answered, not refused as a second one.
    expect((await h.executeUpdate(extendPreservationUpdate, { args: [{ actor: INES, reference: null }], updateId: extendId })).state).toBe('extended');
    const released = await waitFor(async () => {
      const v = await h.query(preservationStatusQuery).catch(() => undefined);
      return v?.state === 'released' ? v : undefined;
    }, { what: 'release at the extended expiry' });
    expect(released.extension?.by).toBe('legal-ines');
    expect(released.remindersSent.map((r) => r.beforeMs)).toEqual([2_000, 1_000]);
    const expires = Date.parse(extended.expiresAt);
    for (const before of [2_000, 1_000]) expect(notify.deliveries.get(`${input.holdId}:expires:${expires}:remind:${before}`)).toBe(1);
    // The release notice goes out beside the release record: wait for it, then count.
    await waitFor(() => notify.deliveries.has(`${input.holdId}:released`), { what: 'the release notification' });
    expect(notify.deliveries.get(`${input.holdId}:released`)).toBe(1);
    const rows: { type: string }[] = await waitFor(async () => {
      const found: { type: string }[] = await ds.query(`SELECT type FROM takedown_events WHERE case_id = $1 ORDER BY occurred_at, id`, [input.caseId]);
      return found.some((e) => e.type === 'preservation_released') ? found : undefined;
    }, { what: 'the release recorded' });
    expect(rows.map((r) => r.type)).toEqual(['preservation_requested', 'preservation_extended', 'preservation_reminder', 'preservation_reminder', 'preservation_released']);
    const hold: { version: string; state: string }[] = await ds.query(`SELECT version, state FROM takedown_preservations WHERE id = $1`, [input.holdId]);
    expect(hold[0]).toEqual({ version: '5', state: 'released' });
  });
});
