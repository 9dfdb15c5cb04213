import { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { incidentWorkflow } from '../../src/workflows';
import { sendUpdateOnce } from '../../src/api/incidents/send-update';
import { RUN_LIMITS } from '../../src/workflows/common/run-budget';
import {
  acknowledgeIncidentUpdate,
  closeIncidentUpdate,
  IncidentInput,
  incidentPriorityUpdate,
  incidentStatusQuery,
  IncidentView,
  linkTicketUpdate,
  mitigateIncidentUpdate,
  noteIncidentUpdate,
  NOTE_PREVIEW_CHARS,
  NOTES_IN_VIEW,
  resolveIncidentUpdate,
} from '../../src/workflows/incident/messages';
import { startPagerDutyFake } from '../fakes/pagerduty-events';
import { useWorkerStack } from '../support/harness';
import { manualIncidentInput, testIncidentPolicy } from '../support/incidents';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;

interface RunHistory {
  runId: string;
  events: number;
  bytes: number;
  continuedAsNew: boolean;
}

/** Every run of the incident from its first, following each continue-as-new to the next. */
async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<RunHistory[]> {
  const runs: RunHistory[] = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    const last: temporal.api.history.v1.IHistoryEvent | undefined = events[events.length - 1];
    const continuedAsNew: boolean = last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
    runs.push({ runId, events: events.length, bytes: temporal.api.history.v1.History.encode(history).finish().length, continuedAsNew });
    runId = continuedAsNew ? last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId : null;
  }
  return runs;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const id26 = () => randomUUID().replace(/-/g, '').slice(0, 26);

describe('incidents continue as new: state, pages and records carried across runs', () => {
  const stack = useWorkerStack(({ pd }) => ({ PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.routingKey }), { label: 'incident-can', fakes: { pd: startPagerDutyFake } });
  const { taskQueue } = stack;

  async function start(overrides: Partial<IncidentInput>): Promise<{ h: WorkflowHandle<typeof incidentWorkflow>; input: IncidentInput; firstRunId: string }> {
    const input = manualIncidentInput(`incident-${id26()}`, overrides);
    const h = await stack.client.workflow.start(incidentWorkflow, { workflowId: input.incidentId, taskQueue, args: [input] });
    return { h, input, firstRunId: h.firstExecutionRunId };
  }

  const events = async (incidentId: string) =>
    (await stack.ds.query(`SELECT event_key, seq, type, actor, data FROM incident_events WHERE incident_id = $1 ORDER BY seq`, [incidentId])) as {
      event_key: string;
      seq: string;
      type: string;
      actor: string;
      data: Record<string, unknown>;
    }[];
  // As the API sends them (src/api/incidents/send-update.ts): one update ID, sent again if the server lost it at a boundary.
  const note = (h: WorkflowHandle<typeof incidentWorkflow>, text: string, fixedId?: string) =>
    fixedId
      ? sendUpdateOnce(() => h.executeUpdate(noteIncidentUpdate, { updateId: fixedId, args: [{ actor: 'sre-ana', text }] }))
      : sendUpdateOnce((updateId) => h.executeUpdate(noteIncidentUpdate, { updateId, args: [{ actor: 'sre-ana', text }] }));

  it('thirty mixed actions with a budget of 5 updates per run: every action recorded once in order, the state carried, a final close works', async () => {
    const policy = testIncidentPolicy();
    // P3 here only as a label to switch to: its test windows (seconds) would breach mid-test.
    policy.priorities.P3.targets = { ...policy.priorities.P4.targets };
    const { h, input, firstRunId } = await start({ policy, runLimits: { updates: 5 } });
    const notes: string[] = [];
    const tickets: string[] = [];
    let priority = 'P4';
    for (let i = 0; i < 30; i++) {
      if (i % 6 === 2) {
        priority = priority === 'P4' ? 'P3' : 'P4';
        await h.executeUpdate(incidentPriorityUpdate, { args: [{ actor: 'sre-kim', priority, reason: `step ${i}` }] });
      } else if (i % 6 === 4) {
        tickets.push(`ticket-can-${i}`);
        await h.executeUpdate(linkTicketUpdate, { args: [{ actor: 'agent-bo', ticketId: `ticket-can-${i}` }] });
      } else {
        notes.push(`note ${i}: ${'x'.repeat(i * 30)}`); // some longer than the view's preview
        await note(h, notes[notes.length - 1]);
      }
    }
    const acked = await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-kim' }] });
    expect(acked.status).toBe('acknowledged');
    await h.executeUpdate(mitigateIncidentUpdate, { args: [{ actor: 'sre-kim', summary: 'drained' }] });
    await h.executeUpdate(resolveIncidentUpdate, { args: [{ actor: 'sre-kim', summary: 'fixed' }] });
    const closed = await h.executeUpdate(closeIncidentUpdate, { args: [{ actor: 'sre-kim' }] });
    expect(closed.status).toBe('closed');
    const final: IncidentView = await stack.client.workflow.getHandle<typeof incidentWorkflow>(input.incidentId).result();

    const runs = await runsOf(stack.client, input.incidentId, firstRunId);
    expect(runs.filter((r) => r.continuedAsNew).length).toBeGreaterThanOrEqual(3);

    // The state the actions imply, whatever run answered.
    expect(final).toMatchObject({ status: 'closed', priority, acknowledgedBy: 'sre-kim', resolvedBy: 'sre-kim', linkedTickets: tickets, notesTotal: notes.length });
    expect(final.notes.map((n) => n.text)).toEqual(notes.slice(-NOTES_IN_VIEW).map((t) => t.slice(0, NOTE_PREVIEW_CHARS)));
    expect(final.notes.filter((n) => n.truncated).length).toBe(notes.slice(-NOTES_IN_VIEW).filter((t) => t.length > NOTE_PREVIEW_CHARS).length);

    // The read model: every action once, numbered in the order the workflow applied them.
    const rows = await waitFor(async () => {
      const found = await events(input.incidentId);
      return found.some((e) => e.type === 'closed') ? found : undefined;
    }, { what: 'the closed event' });
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs[0]).toBe(1);
    const triggered: { occurred_at: Date }[] = await stack.ds.query(`SELECT occurred_at FROM incident_events WHERE incident_id = $1 AND type = 'triggered'`, [input.incidentId]);
    expect(final.openedAt).toBe(triggered[0].occurred_at.toISOString()); // the first run's, carried
    expect(rows.map((r) => r.type).filter((t) => t !== 'note')).toEqual([
      'triggered',
      ...Array.from({ length: 30 }, (_, i) => (i % 6 === 2 ? 'priority_changed' : i % 6 === 4 ? 'ticket_linked' : null)).filter((t) => t !== null),
      'acknowledged',
      'mitigated',
      'resolved',
      'closed',
    ]);
    expect(rows.filter((r) => r.type === 'note').map((r) => r.data.text)).toEqual(notes); // full texts, in order
    const snapshot: { version: string; snapshot: IncidentView }[] = await stack.ds.query(`SELECT version, snapshot FROM incidents WHERE id = $1`, [input.incidentId]);
    expect(Number(snapshot[0].version)).toBe(Math.max(...seqs));
    expect(snapshot[0].snapshot).toMatchObject({ status: 'closed', notesTotal: notes.length, linkedTickets: tickets });
  });

  it('a page escalation and an acknowledgement breach pending across boundaries fire exactly once', async () => {
    const policy = testIncidentPolicy();
    // Level 2 is due 12 s after the trigger and the acknowledgement breaches at 14 s: both
    // pending while the notes below make the incident continue as new (twice or more).
    policy.escalation = { levels: [{ targets: ['rotation:sre-primary'], ackTimeoutMs: 12_000 }, { targets: ['user:sre-lead'], ackTimeoutMs: 12_000 }], loops: 1 };
    policy.priorities.P1.targets.firstResponse = 14_000;
    policy.priorities.P1.targets.mitigation = 3_600_000;
    const { h, input, firstRunId } = await start({ priority: 'P1', policy, runLimits: { updates: 3 } });
    const key = (step: number) => `${input.incidentId}:page:${step}`;
    const triggers = (step: number) => stack.fakes.pd.received.filter((e) => e.body?.event_action === 'trigger' && e.body.dedup_key === key(step)).length;
    await waitFor(() => triggers(0) === 1, { what: 'the first page' });

    for (let i = 0; i < 7; i++) await note(h, `while paging ${i}`);
    const before = await runsOf(stack.client, input.incidentId, firstRunId);
    expect(before.filter((r) => r.continuedAsNew).length).toBeGreaterThanOrEqual(2);
    const pending = await h.query(incidentStatusQuery);
    // The second step and the breach really were still pending when the runs handed over.
    expect(pending.pages.map((p) => p.state)).toEqual(['sent', 'scheduled']);
    expect(pending.sla.firstResponse?.state).not.toBe('breached');
    expect(triggers(1)).toBe(0);

    await waitFor(() => triggers(1) === 1, { what: 'the second page, from a later run', timeoutMs: 30_000 });
    const escalations = async () =>
      (await stack.ds.query(`SELECT key FROM notifications WHERE ticket_id = $1 AND kind = 'sla_escalation'`, [input.incidentId])) as { key: string }[];
    await waitFor(async () => (await escalations()).length === 1, { what: 'the acknowledgement breach escalated', timeoutMs: 30_000 });

    // More boundaries after both fired: nothing fires again.
    for (let i = 0; i < 4; i++) await note(h, `after paging ${i}`);
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-lead' }] });
    await waitFor(() => [...stack.fakes.pd.incidents().values()].filter((a) => a.dedupKey.startsWith(`${input.incidentId}:page:`)).every((a) => a.state === 'acknowledged'), { what: 'pages acknowledged at PagerDuty' });
    const after = await runsOf(stack.client, input.incidentId, firstRunId);
    expect(after.filter((r) => r.continuedAsNew).length).toBeGreaterThan(before.filter((r) => r.continuedAsNew).length);
    expect([triggers(0), triggers(1)]).toEqual([1, 1]);
    expect([...stack.fakes.pd.incidents().values()].filter((a) => a.dedupKey.startsWith(`${input.incidentId}:page:`)).map((a) => a.openings)).toEqual([1, 1]);
    expect((await escalations()).map((r) => r.key)).toEqual([`${input.incidentId}:firstResponse:breach-escalation`]);
    const rows = await waitFor(async () => {
      const found = await events(input.incidentId);
      return found.some((e) => e.type === 'acknowledged') ? found : undefined;
    }, { what: 'the acknowledged event' });
    expect(rows.filter((r) => r.type === 'paged').map((r) => r.event_key)).toEqual([key(0), key(1)]);
    expect(rows.filter((r) => r.type === 'sla_breached').map((r) => r.data.metric)).toEqual(['firstResponse']);
    expect(rows.filter((r) => r.type === 'sla_breach_escalated').length).toBe(1);
    expect(rows.filter((r) => r.type === 'triggered').length).toBe(1);
    const view = await h.query(incidentStatusQuery);
    expect(view.pages.map((p) => [p.step, p.state])).toEqual([[0, 'sent'], [1, 'sent']]);
    expect(view.sla.firstResponse?.state).toBe('breached');
  });

  it('a resolved P1\'s review reminder and overdue escalation pending across boundaries are sent exactly once', async () => {
    const policy = longP1Policy();
    policy.review = { ...policy.review, dueAfterMs: 8_000, remindBeforeMs: [4_000] }; // reminder at 4 s, overdue at 8 s after the resolve
    const { h, input, firstRunId } = await start({ priority: 'P1', policy, runLimits: { updates: 3 } });
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ben' }] });
    const resolved = await h.executeUpdate(resolveIncidentUpdate, { args: [{ actor: 'sre-ben', summary: 'fixed' }] });
    const sent = async () => (await stack.ds.query(`SELECT key, kind FROM notifications WHERE ticket_id = $1 ORDER BY created_at`, [input.incidentId])) as { key: string; kind: string }[];
    for (let i = 0; i < 7; i++) await note(h, `after resolve ${i}`);
    const runs = await runsOf(stack.client, input.incidentId, firstRunId);
    expect(runs.filter((r) => r.continuedAsNew).length).toBeGreaterThanOrEqual(2);
    expect(await sent()).toEqual([]); // both still pending when the runs handed over
    await waitFor(async () => (await sent()).length === 2, { what: 'reminder and overdue escalation', timeoutMs: 30_000 });
    for (let i = 0; i < 4; i++) await note(h, `after overdue ${i}`); // another boundary after both fired
    expect((await runsOf(stack.client, input.incidentId, firstRunId)).length).toBeGreaterThan(runs.length);
    expect((await sent()).map((r) => [r.key, r.kind])).toEqual([
      [`${input.incidentId}:review:reminder:0`, 'review_reminder'],
      [`${input.incidentId}:review:overdue`, 'review_overdue'],
    ]);
    const rows = await events(input.incidentId);
    expect(rows.filter((r) => r.type === 'review_reminder' || r.type === 'review_overdue').map((r) => r.type)).toEqual(['review_reminder', 'review_overdue']);
    expect((await h.query(incidentStatusQuery)).reviewDueAt).toBe(resolved.reviewDueAt);
  });

  it('twenty notes in four concurrent waves, each wave closing a run: each one answered and recorded exactly once, none lost', async () => {
    const { h, input, firstRunId } = await start({ runLimits: { updates: 5 } });
    const updateIds = Array.from({ length: 20 }, () => randomUUID());
    // Waves of five at once, the run's budget: a run cannot hand over before its fifth note, and it
    // does in the workflow task that completes the last of them, so every wave's last answers are
    // the ones the server may lose at a hand-over (temporalio/temporal#6375; the client sends them
    // again to the next run). Twenty notes at once instead can all land in the first run's first
    // task, and a run completes every update it admitted: then no boundary is crossed at all.
    const failures: string[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const ids = updateIds.slice(wave * 5, wave * 5 + 5);
      const settled = await Promise.allSettled(ids.map((u, i) => note(h, `concurrent ${wave * 5 + i}`, u)));
      for (const s of settled) if (s.status === 'rejected') failures.push(String(s.reason));
    }
    // On failure, each run's updates as the server recorded them: which run accepted and completed
    // which update ID (a known rare flake under load re-applies an update in a later run).
    if (failures.length > 0 || (await h.query(incidentStatusQuery)).notesTotal !== 20) {
      const runs0 = await runsOf(stack.client, input.incidentId, firstRunId);
      for (const r of runs0) {
        const hist = await stack.client.workflow.getHandle(input.incidentId, r.runId).fetchHistory();
        const lines = (hist.events ?? []).map((e) => {
          const name = EventType[e.eventType!];
          const acc = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
          const comp = e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId;
          return `${e.eventId} ${name.replace('EVENT_TYPE_', '')} ${(acc ?? comp ?? '').slice(0, 8)}`;
        });
        console.log(`RUN ${r.runId}\n${lines.join('\n')}`);
      }
      console.log('FAILURES', failures.join(' | '));
    }
    expect(failures).toEqual([]);
    const runs = await runsOf(stack.client, input.incidentId, firstRunId);
    expect(runs.filter((r) => r.continuedAsNew).length).toBeGreaterThanOrEqual(4);
    expect((await h.query(incidentStatusQuery)).notesTotal).toBe(20);
    const rows = await waitFor(async () => {
      const found = (await events(input.incidentId)).filter((e) => e.type === 'note');
      return found.length >= 20 ? found : undefined;
    }, { what: 'twenty note events' });
    // Keyed by the update (the case core's `<caseId>:update:<updateId>`): written once, whichever run applied it.
    expect(rows.map((r) => r.event_key).sort()).toEqual(updateIds.map((u) => `${input.incidentId}:update:${u}`).sort());
    expect(new Set(rows.map((r) => r.seq)).size).toBe(20);
    expect(rows.map((r) => r.data.text).sort()).toEqual(updateIds.map((_, i) => `concurrent ${i}`).sort());
    // And it goes on answering after the storm.
    expect((await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-kim' }] })).status).toBe('acknowledged');
  });

  it('200 notes of 10,000 characters from eight clients (default limits): the incident runs on, every note recorded once, each run far under the limits', async () => {
    const { h, input, firstRunId } = await start({ priority: 'P1', policy: longP1Policy() });
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
    const before = (await runsOf(stack.client, input.incidentId, firstRunId))[0];
    const texts = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(3, '0')} ${'n'.repeat(9_996)}`);
    const started = Date.now();
    await pool(texts, 8, (t) => note(h, t));
    const ms = Date.now() - started;
    const described = await h.describe();
    expect(described.status.name).toBe('RUNNING');
    const runs = await runsOf(stack.client, input.incidentId, firstRunId);
    for (const r of runs) {
      expect(r.events).toBeLessThan(RUN_LIMITS.historyEvents + 200);
      expect(r.bytes).toBeLessThan(RUN_LIMITS.historyBytes + 1024 * 1024); // the server's hard limit is 50 MiB
    }
    const rows = await waitFor(async () => {
      const found = (await events(input.incidentId)).filter((e) => e.type === 'note');
      return found.length >= 200 ? found : undefined;
    }, { what: '200 note events', timeoutMs: 60_000 });
    expect(rows.length).toBe(200);
    expect(rows.map((r) => r.data.text).sort()).toEqual([...texts].sort());
    const view = await h.query(incidentStatusQuery);
    expect(view.notesTotal).toBe(200);
    expect(view.notes.length).toBe(NOTES_IN_VIEW);
    expect(view.notes.every((n) => n.text.length === NOTE_PREVIEW_CHARS && n.truncated)).toBe(true);
    expect(JSON.stringify(view).length).toBeLessThan(32 * 1024);
    const totalEvents = runs.reduce((s, r) => s + r.events, 0) - before.events;
    const totalBytes = runs.reduce((s, r) => s + r.bytes, 0) - before.bytes;
    console.log(
      `[measure] 200 × 10,000-char notes, 8 clients, ${ms} ms: ${runs.length} runs (${runs.map((r) => `${r.events} ev/${(r.bytes / 1024).toFixed(0)} KiB`).join(', ')}); ` +
        `per note ${(totalEvents / 200).toFixed(1)} events, ${(totalBytes / 200 / 1024).toFixed(1)} KiB`,
    );
    expect((await h.executeUpdate(mitigateIncidentUpdate, { args: [{ actor: 'sre-ana', summary: 'ok' }] })).status).toBe('mitigated');
  });

  it('history per 100-character note is small and does not grow with the number of notes', async () => {
    const { h, input, firstRunId } = await start({ priority: 'P1', policy: longP1Policy() });
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
    const sample = async () => (await runsOf(stack.client, input.incidentId, firstRunId)).reduce((s, r) => ({ events: s.events + r.events, bytes: s.bytes + r.bytes }), { events: 0, bytes: 0 });
    const text = (i: number) => `${String(i).padStart(4, '0')} ${'t'.repeat(95)}`;
    const batches: { events: number; bytes: number }[] = [];
    let n = 0;
    for (let b = 0; b < 3; b++) {
      const s0 = await sample();
      await pool(Array.from({ length: 100 }, () => n++), 8, (i) => note(h, text(i)));
      const s1 = await sample();
      batches.push({ events: (s1.events - s0.events) / 100, bytes: (s1.bytes - s0.bytes) / 100 });
    }
    console.log(`[measure] 300 × 100-char notes, 8 clients: per note by batch of 100 ${batches.map((b) => `${b.events.toFixed(1)} events, ${(b.bytes / 1024).toFixed(2)} KiB`).join(' | ')}`);
    // Bounds with headroom for a loaded machine (workflow tasks retried under contention add events);
    // main cost 21.9 KiB per note in the first hundred and 85 KiB in the third.
    for (const b of batches) {
      expect(b.events).toBeLessThan(12);
      expect(b.bytes).toBeLessThan(16 * 1024);
    }
    // Linear: the last hundred cost about what the first did (main: +180 B per note per note already made).
    expect(batches[2].bytes).toBeLessThan(batches[0].bytes * 1.25);
  });
});

/** A P1 with windows long enough that no timer fires while a test adds notes. */
function longP1Policy() {
  const policy = testIncidentPolicy();
  policy.priorities.P1.targets.firstResponse = 3_600_000;
  policy.priorities.P1.targets.mitigation = 3_600_000;
  policy.escalation = { levels: [{ targets: ['rotation:sre-primary'], ackTimeoutMs: 3_600_000 }], loops: 1 };
  return policy;
}
