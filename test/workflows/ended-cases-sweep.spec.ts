import { ScheduleHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { ensureSchedule, endedCasesSchedule } from '../../src/worker/schedules';
import { incidentWorkflow, preservationWorkflow, ticketWorkflow } from '../../src/workflows';
import { noteIncidentUpdate } from '../../src/workflows/incident/messages';
import { Priority } from '../../src/workflows/search-attributes';
import type { EndedCasesSweepResult } from '../../src/workflows/ops/ended-cases-sweep.workflow';
import type { PreservationInput } from '../../src/workflows/takedown/preservation-messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { manualIncidentInput } from '../support/incidents';
import { useWorkerStack } from '../support/harness';
import { testTakedownPolicy } from '../support/takedowns';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const REASON = 'test: history limit';
const hex26 = () => randomUUID().replace(/-/g, '').slice(0, 26);

/**
 * The every-minute sweep on a real Temporal Schedule (triggered by hand here): operations hear
 * once per run of a case that was terminated or timed out, and never of one that completed or
 * continued as new. Counted at the notification relay (the webhook fake), which sees every delivery.
 */
describe('ended cases sweep', () => {
  const stack = useWorkerStack(({ notify }) => ({ NOTIFY_WEBHOOK_URL: notify.url }), { label: 'ended-sweep', fakes: { notify: startNotifyWebhookFake } });
  const { taskQueue } = stack;
  const scheduleId = `test-ended-cases-${randomUUID().slice(0, 8)}`;
  let schedule: ScheduleHandle | undefined;
  stack.onTeardown(() => schedule?.delete());

  const told = (workflowId: string) => stack.fakes.notify.accepted.filter((n) => n.body.kind === 'case_ended_abnormally' && n.body.ticketId === workflowId);
  const deliveriesOf = (workflowId: string) => [...stack.fakes.notify.deliveries].filter(([key]) => key.startsWith(`case-ended:${workflowId}:`)).reduce((sum, [, n]) => sum + n, 0);

  /**
   * Triggers a sweep and returns its result; waits for the one before to end (overlap SKIP would
   * drop the trigger). The server's scheduler workflow (on its own system worker) starts the
   * action: alone that takes well under a second, but late in make test's single process it once
   * took over 20 s, hence a minute.
   */
  async function sweep(): Promise<EndedCasesSweepResult> {
    await waitFor(async () => (await schedule!.describe()).info.runningActions.length === 0, { what: 'no sweep running', timeoutMs: 60_000 });
    const before = new Set((await schedule!.describe()).info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
    await schedule!.trigger();
    const run = await waitFor(
      async () => (await schedule!.describe()).info.recentActions.map((a) => a.action.workflow).find((w) => !before.has(w.firstExecutionRunId)),
      { what: 'the triggered sweep to start', timeoutMs: 60_000 },
    );
    return stack.client.workflow.getHandle(run.workflowId, run.firstExecutionRunId).result();
  }

  it('tells operations once per terminated or timed-out run, with the reason; not of completed or continued cases', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();

    // A ticket terminated as the server terminates one whose history outgrew its limits.
    const ticket = ticketInput();
    const ticketHandle = await stack.client.workflow.start(ticketWorkflow, { workflowId: ticket.ticketId, taskQueue, args: [ticket] });
    // Its first workflow task completed: the brand and priority it publishes are on the run (the
    // opening's row is written inside that task, so the row alone does not say so).
    await waitFor(async () => (await ticketHandle.describe()).typedSearchAttributes.get(Priority) === 'P2', { what: 'the ticket\'s first task completed' });
    await ticketHandle.terminate(REASON);

    // A ticket whose execution timeout passed.
    const late = ticketInput();
    await stack.client.workflow.start(ticketWorkflow, { workflowId: late.ticketId, taskQueue, args: [late], workflowExecutionTimeout: '2 seconds' });

    // An incident that continued as new, then was terminated: told once, for the run that ended.
    const movedOn = `incident-${hex26()}`;
    const movedOnHandle = await stack.client.workflow.start(incidentWorkflow, { workflowId: movedOn, taskQueue, args: [manualIncidentInput(movedOn, { runLimits: { updates: 2 } })] });
    // An incident that continued as new and runs on: never told.
    const running = `incident-${hex26()}`;
    const runningHandle = await stack.client.workflow.start(incidentWorkflow, { workflowId: running, taskQueue, args: [manualIncidentInput(running, { runLimits: { updates: 2 } })] });
    for (const h of [movedOnHandle, runningHandle]) {
      for (const text of ['first look', 'second look']) await h.executeUpdate(noteIncidentUpdate, { args: [{ actor: 'sre-kim', text }] });
    }
    const continued = async (h: typeof movedOnHandle) => {
      const d = await h.describe();
      return d.runId !== h.firstExecutionRunId && d.status.name === 'RUNNING' ? d.runId : undefined;
    };
    const movedOnRun = await waitFor(() => continued(movedOnHandle), { what: 'the first incident to continue as new' });
    await waitFor(() => continued(runningHandle), { what: 'the second incident to continue as new' });
    await stack.client.workflow.getHandle(movedOn).terminate(REASON);

    // A preservation hold that ran its course (released at expiry): completed, not ended abnormally.
    const policy = testTakedownPolicy();
    const hold: PreservationInput = {
      holdId: `preservation-${hex26()}`,
      caseId: `takedown-${hex26()}`,
      brand: 'uoozee',
      authority: 'Polizei Berlin, LKA 7',
      reference: `LKA7-${randomUUID().slice(0, 8)}`,
      items: [{ contentId: 'vid_901' }],
      requestedBy: 'legal-ines',
      requestedAt: Date.now(),
      policy: policy.clocks.preservation!,
      escalateTo: policy.escalateTo,
    };
    await (await stack.client.workflow.start(preservationWorkflow, { workflowId: hold.holdId, taskQueue, args: [hold] })).result();
    await waitFor(async () => ((await stack.client.workflow.getHandle(late.ticketId).describe()).status.name === 'TIMED_OUT' ? true : undefined), { what: 'the late ticket to time out' });

    schedule = (await ensureSchedule(stack.client, endedCasesSchedule(taskQueue, scheduleId, since))).handle;
    const described = await schedule.describe();
    expect(described.spec.intervals?.map((i) => i.every)).toEqual([60_000]);
    expect(described.policies.overlap).toBe('SKIP');

    const first = await sweep();
    expect(first.since).toBe(since);
    const ticketNote = await waitFor(() => told(ticket.ticketId)[0], { what: 'the terminated ticket told' });
    expect(ticketNote.key).toBe(`case-ended:${ticket.ticketId}:${ticketHandle.firstExecutionRunId}`);
    expect(ticketNote.body).toMatchObject({ kind: 'case_ended_abnormally', level: 'operations', brand: 'uoozee', priority: 'P2', recipient: null, metric: null });
    expect(ticketNote.body.summary).toContain(`ticket ${ticket.ticketId}`);
    expect(ticketNote.body.summary).toContain(`was terminated`);
    expect(ticketNote.body.summary).toContain(REASON);
    // IDs, kind and the operator's reason only: nothing the customer wrote.
    expect(JSON.stringify(ticketNote.body)).not.toMatch(/cust_4711|Customer text|Playback stops/);

    expect(told(late.ticketId).map((n) => n.body.summary)).toEqual([expect.stringContaining('was timed out')]);
    expect(told(movedOn).map((n) => n.key)).toEqual([`case-ended:${movedOn}:${movedOnRun}`]);
    expect(told(movedOn)[0].body.summary).toContain(REASON);
    expect(told(running)).toEqual([]);
    expect(told(hold.holdId)).toEqual([]);

    // The next sweep starts where the first left off (the schedule hands it the first's result),
    // and tells nothing twice: one delivery per run at the relay, one row per run in the table.
    const second = await sweep();
    expect(second.since).toBe(first.through);
    expect(Date.parse(second.through)).toBeGreaterThanOrEqual(Date.parse(first.through));
    for (const id of [ticket.ticketId, late.ticketId, movedOn]) {
      expect(told(id)).toHaveLength(1);
      expect(deliveriesOf(id)).toBe(1);
    }
    const rows: { ticket_id: string; level: string }[] = await stack.ds.query(
      `SELECT ticket_id, level FROM notifications WHERE kind = 'case_ended_abnormally' AND ticket_id = ANY($1) ORDER BY ticket_id`,
      [[ticket.ticketId, late.ticketId, movedOn, running, hold.holdId]],
    );
    expect(rows.map((r) => r.ticket_id).sort()).toEqual([ticket.ticketId, late.ticketId, movedOn].sort());

    await stack.client.workflow.getHandle(running).terminate('test done');
  }, 240_000);
});
