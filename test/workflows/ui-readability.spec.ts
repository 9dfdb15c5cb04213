import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeUserMetadata } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinTicketPolicy } from '../../src/domain/policy/ticket-policy';
import { zonedTime } from '../../src/domain/ui-details';
import { incidentWorkflow, ticketWorkflow } from '../../src/workflows';
import { incidentStatusQuery, noteIncidentUpdate } from '../../src/workflows/incident/messages';
import { noteTakedownUpdate, takedownStatusQuery } from '../../src/workflows/takedown/messages';
import { assignUpdate, statusQuery } from '../../src/workflows/ticket/messages';
import { startPagerDutyFake } from '../fakes/pagerduty-events';
import { useWorkerStack } from '../support/harness';
import { alert, manualIncidentInput, sendAlert } from '../support/incidents';
import { copyrightNotice, startTakedown, takedownInput } from '../support/takedowns';
import { ticketInput } from '../support/tickets';

const SHIPPED = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;

/** Every timer the workflow started, with the summary the Temporal UI shows for it (decoded through the client's codec). */
async function timers(client: Client, handle: WorkflowHandle): Promise<{ started: string[]; cancelled: number }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const started: string[] = [];
  for (const e of events.filter((x) => x.eventType === EventType.EVENT_TYPE_TIMER_STARTED)) {
    const meta = await decodeUserMetadata(client.options.loadedDataConverter, e.userMetadata);
    started.push(meta.staticSummary ?? '');
  }
  return { started, cancelled: events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED).length };
}

const details = async (handle: WorkflowHandle): Promise<string> => (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;

/** An ISO instant with milliseconds, as the details showed before: never again. */
const MILLIS = /\d{2}:\d{2}:\d{2}\.\d{3}Z/;

/** A ticket's SLA timer as named in the UI: the clock, the moment, and its target with its clock kind. */
const SLA_TIMER = /^(firstResponse|nextResponse|resolution) SLA (at-risk point|deadline) \(\d+[smhd] (business|elapsed) target\)$/;

/**
 * Issue 15 §2 and §3, through the Temporal API as the UI reads it: each case kind's current
 * details (state, what is next and by when, clocks in the case's zone and UTC to the second, the
 * last actions), its timers' summaries, no timer restarted by an action that does not move its
 * deadline, and a status query computed for the moment of the read.
 */
describe('workflows as the Temporal UI shows them', () => {
  const stack = useWorkerStack(({ pd }) => ({ PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.routingKey }), { label: 'ui-readability', fakes: { pd: startPagerDutyFake } });

  it('a ticket: details in New York time and UTC, named timers, and assignments that leave the deadline timers alone', async () => {
    // The shipped pack: a P3 e-mail runs on New York business hours.
    const input = ticketInput({ priority: 'P3', policy: pinTicketPolicy(SHIPPED.find('uoozee')!, 'email', null) });
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
    const opened = await handle.query(statusQuery);
    await waitFor(async () => (await timers(stack.client, handle)).started.length > 0, { what: 'the first timer' });
    const before = await timers(stack.client, handle);
    // Whichever clock's moment comes first: at a Friday afternoon's read the 3-day elapsed resolution clock beats a business-hours first response.
    expect(before.started[0]).toMatch(SLA_TIMER);

    // Three actions that move no deadline (an e-mail ticket's assignment fulfils no clock).
    for (const assignee of ['ann', 'bob', 'cy']) await handle.executeUpdate(assignUpdate, { args: [{ actor: 'lead', assignee }] });
    const after = await timers(stack.client, handle);
    expect(after.cancelled).toBe(0);
    expect(after.started).toEqual(before.started);
    expect(after.started.every((summary) => summary.length > 0)).toBe(true);

    const text = await details(handle);
    const deadline = Date.parse(opened.sla.firstResponse!.deadlineAt!);
    expect(text).toContain(`**open** · P3 ticket ${input.ticketId} via email · assignee cy`);
    expect(text).toContain(`**Next:** ${before.started[0]} — `);
    expect(text).toMatch(/\*\*Next:\*\* [^\n]+ — \w{3} \d{2} \w{3}, \d{2}:\d{2} E[SD]T \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)/);
    expect(text).toContain(`| firstResponse | ${opened.sla.firstResponse!.targetSeconds / 3600}h business | ${zonedTime(deadline, 'America/New_York')} |`);
    expect(text).not.toMatch(MILLIS);
    // The last actions, newest first, the customer never named by reference.
    expect(text).toContain('**Recent actions**');
    expect(text.indexOf('assigned · lead')).toBeGreaterThan(-1);
    expect(text).toContain('opened · ');
    expect(text).not.toContain(input.customerRef);
    await handle.terminate('test done');
  });

  it('a status query computes clocks for the moment of the read, not of the last workflow task', async () => {
    const input = ticketInput({ priority: 'P4' });
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
    const first = await handle.query(statusQuery);
    const clockOf = (v: typeof first) => v.sla.firstResponse!;
    // The test pack's P4 runs 24×7: a read a minute later has a minute less left, without any workflow task between.
    const asOfTask = await handle.query(statusQuery);
    const minuteLater = await handle.query(statusQuery, { at: Date.now() + 60_000 });
    expect(clockOf(minuteLater).elapsedSeconds - clockOf(asOfTask).elapsedSeconds).toBeGreaterThanOrEqual(60);
    expect(clockOf(minuteLater).elapsedSeconds - clockOf(asOfTask).elapsedSeconds).toBeLessThanOrEqual(61);
    expect(clockOf(asOfTask).remainingSeconds - clockOf(minuteLater).remainingSeconds).toBeGreaterThanOrEqual(59);
    // A read time behind the workflow's own is not believed: time never runs backwards.
    const past = await handle.query(statusQuery, { at: 0 });
    expect(clockOf(past).elapsedSeconds).toBeGreaterThanOrEqual(clockOf(first).elapsedSeconds);
    await handle.terminate('test done');
  });

  it('an incident: pages numbered as the API numbers them, notes that leave the timers alone, the latest notes in the details', async () => {
    const id = `incident-ui-${randomUUID().slice(0, 8)}`;
    const handle = await stack.client.workflow.start(incidentWorkflow, { workflowId: id, taskQueue: stack.taskQueue, args: [manualIncidentInput(id, { priority: 'P2' })] });
    // The test pack pages P2 on a 2 s ladder: the second page's timer is named as pages[1] of the view.
    await waitFor(async () => (await timers(stack.client, handle)).started.some((s) => s.startsWith('page step 1')), { what: 'the second page timer' });
    const view = await handle.query(incidentStatusQuery);
    expect(view.pages[1]).toMatchObject({ step: 1, level: 1, targets: ['user:sre-lead'] });
    const named = (await timers(stack.client, handle)).started;
    expect(named).toContain('page step 1 (level 1): user:sre-lead');
    expect(named.every((summary) => summary.length > 0)).toBe(true);

    const p4 = `incident-ui-p4-${randomUUID().slice(0, 8)}`;
    const quiet = await stack.client.workflow.start(incidentWorkflow, { workflowId: p4, taskQueue: stack.taskQueue, args: [manualIncidentInput(p4)] });
    await waitFor(async () => (await timers(stack.client, quiet)).started.length > 0, { what: 'the P4 timer' });
    const before = await timers(stack.client, quiet);
    for (const text of ['Looking at the checkout pods', 'Rolled back 1.42', 'Latency back to normal']) {
      await quiet.executeUpdate(noteIncidentUpdate, { args: [{ actor: 'sre-kim', text }] });
    }
    const after = await timers(stack.client, quiet);
    expect(after).toEqual({ started: before.started, cancelled: 0 });
    const text = await details(quiet);
    expect(text).toContain(`**triggered** · P4 incident ${p4}: Checkout latency`);
    expect(text).toContain('**Latest notes** (3 in all)');
    expect(text.indexOf('Latency back to normal')).toBeLessThan(text.indexOf('Looking at the checkout pods'));
    expect(text).toContain('note · sre-kim');
    expect(text).toMatch(/\| acknowledgement \| 1h \|/);
    expect(text).not.toMatch(MILLIS);
    const pages = await details(handle);
    expect(pages).toContain('| pages[].step | level | loop | to | due | state |');
    expect(pages).toMatch(/\| 1 \| 1 \| 0 \| user:sre-lead \|/);
    await Promise.all([handle.terminate('test done'), quiet.terminate('test done')]);
  });

  it('a takedown: the decision timer names its law and window; details list items, measures and what is next, never the notifier', async () => {
    const input = takedownInput(copyrightNotice());
    const handle = await startTakedown(stack.client, stack.taskQueue, input);
    await waitFor(async () => (await timers(stack.client, handle)).started.some((s) => s.startsWith('decision')), { what: 'the decision timer' });
    const before = await timers(stack.client, handle);
    expect(before.started.find((s) => s.startsWith('decision'))).toMatch(/^decision at risk \(DMCA §512 notice, standard tier, 20s, due \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\)$/);
    for (const text of ['Checked the upload', 'Matches the notice']) await handle.executeUpdate(noteTakedownUpdate, { args: [{ actor: { id: 'legal-ann', role: 'legal' }, text }] });
    const after = await timers(stack.client, handle);
    expect(after.cancelled).toBe(0);
    expect(after.started.every((summary) => summary.length > 0)).toBe(true);

    const text = await details(handle);
    const view = await handle.query(takedownStatusQuery);
    expect(text).toContain(`takedown ${input.caseId}`);
    expect(text).toContain('**Next:** decision');
    expect(text).toContain('| decision (DMCA §512, standard tier) |');
    expect(text).toContain(`**Items** (${view.items.length}):`);
    expect(text).toContain('**Measures possible:** global removal');
    expect(text).toContain('note · legal-ann');
    expect(text).not.toMatch(MILLIS);
    const { name, email } = copyrightNotice().notifier;
    for (const personal of [name!, email!]) expect(text).not.toContain(personal);
    await handle.terminate('test done');
  });

  it('an alert group names its quiet-period timer', async () => {
    const groupId = await sendAlert(stack.client, stack.taskQueue, alert({ service: `svc-${randomUUID().slice(0, 8)}`, kind: 'disk_full' }));
    const group = stack.client.workflow.getHandle(groupId);
    await waitFor(async () => (await timers(stack.client, group)).started.some((s) => /^quiet for \d+[smh]: (auto-resolve incident-|close the alert window)/.test(s)), { what: 'the quiet-period timer named' });
    await group.terminate('test done');
  });
});
