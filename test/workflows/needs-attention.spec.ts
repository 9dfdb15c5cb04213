import { Context } from '@temporalio/activity';
import { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Activities } from '../../src/activities';
import { UNSTORABLE_RECORD } from '../../src/activities/permanent-failure';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinBillingPolicy } from '../../src/domain/billing/billing-policy';
import { disputeWorkflow, dunningWorkflow, incidentWorkflow, preservationWorkflow, refundWorkflow, ticketWorkflow } from '../../src/workflows';
import {
  addEvidenceUpdate,
  applyRetentionOfferUpdate,
  confirmDunningIdentityUpdate,
  confirmIdentityUpdate,
  DisputeInput,
  disputeStatusQuery,
  DunningInput,
  dunningStatusQuery,
  refundStatusQuery,
} from '../../src/workflows/billing/messages';
import type { NeedsAttentionView } from '../../src/workflows/common/needs-attention';
import { acknowledgeIncidentUpdate, incidentStatusQuery, noteIncidentUpdate } from '../../src/workflows/incident/messages';
import { NeedsAttention } from '../../src/workflows/search-attributes';
import { noteTakedownUpdate, takedownStatusQuery } from '../../src/workflows/takedown/messages';
import { extendPreservationUpdate, PreservationInput, preservationStatusQuery } from '../../src/workflows/takedown/preservation-messages';
import { assignUpdate, replyUpdate, statusQuery } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { startStripeFake } from '../fakes/stripe';
import { realActivities, useWorkerStack } from '../support/harness';
import { manualIncidentInput } from '../support/incidents';
import { refundInput } from '../support/refunds';
import { copyrightNotice, startTakedown, takedownInput, testTakedownPolicy } from '../support/takedowns';
import { ticketInput } from '../support/tickets';
import { localActivityType } from '../replay/history-features';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));
const NUL = '\u0000';
const SECRET_REF = 'cust_secret_9931';
const id26 = () => randomUUID().replace(/-/g, '').slice(0, 26);

/**
 * A value PostgreSQL cannot store (a NUL byte), injected past the API straight through the
 * Temporal client, for every case kind: the case is flagged, tells operations once, keeps
 * answering, and nothing is retried in a loop.
 */
describe('a case whose record cannot be stored needs attention, and stays answerable', () => {
  let activities: Activities;
  /** Attempts per workflow and activity type, counted around the real activities. */
  const attempts = new Map<string, number>();
  const attemptsOf = (workflowId: string, activity: string) => attempts.get(`${workflowId}:${activity}`) ?? 0;
  const stack = useWorkerStack(({ notify, stripe }) => ({ NOTIFY_WEBHOOK_URL: notify.url, STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url }), {
    label: 'attention',
    fakes: { notify: startNotifyWebhookFake, stripe: startStripeFake },
    activities(config, ds) {
      activities = realActivities(config, ds);
      return Object.fromEntries(
        Object.entries(activities).map(([name, fn]) => [
          name,
          (...args: unknown[]) => {
            const key = `${Context.current().info.workflowExecution?.workflowId}:${name}`;
            attempts.set(key, (attempts.get(key) ?? 0) + 1);
            return (fn as (...a: unknown[]) => unknown)(...args);
          },
        ]),
      ) as Activities;
    },
  });
  const { taskQueue } = stack;

  const flagged = async (h: WorkflowHandle) => (await h.describe()).typedSearchAttributes.get(NeedsAttention) === true;

  /**
   * What every kind must show: the search attribute, the flag in the status query, one delivery
   * of one operations notification, and every record attempted once (no retry loop): each
   * ActivityTaskStarted of the record activity is attempt 1, and the activity ran as often as it
   * was scheduled. A local activity (a ticket's opening) leaves one marker per attempt instead.
   */
  async function expectFlaggedOnce(h: WorkflowHandle, view: { needsAttention?: NeedsAttentionView }, recordActivity: string, step: string) {
    await waitFor(() => flagged(h), { what: `NeedsAttention on ${h.workflowId}` });
    expect(view.needsAttention).toMatchObject({ reason: 'record_refused', step });
    expect(view.needsAttention!.sqlstate).toMatch(/^22/);
    const key = `${h.workflowId}:needs-attention`;
    await waitFor(() => stack.fakes.notify.deliveries.get(key) === 1, { what: `the operations notification of ${h.workflowId}` });
    const sent = stack.fakes.notify.accepted.filter((n) => n.key === key);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ kind: 'case_needs_attention', level: 'operations', ticketId: h.workflowId });
    expect(JSON.stringify(sent[0].body)).not.toContain(NUL);
    expect(JSON.stringify(sent[0].body)).not.toContain(SECRET_REF);

    // Once every record activity scheduled so far has closed: one scheduled a moment ago (the next
    // record) may not have run yet, and would read as a missing attempt.
    const closedId = (e: temporal.api.history.v1.IHistoryEvent) =>
      (e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes)?.scheduledEventId;
    const events = await waitFor(async () => {
      const all = (await h.fetchHistory()).events ?? [];
      const closed = new Set(all.map(closedId).filter((id) => id !== undefined && id !== null).map(Number));
      const open = all.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === recordActivity && !closed.has(Number(e.eventId)));
      return open.length === 0 ? all : undefined;
    }, { what: `every ${recordActivity} of ${h.workflowId} closed` });
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === recordActivity);
    // A ticket's opening (and its clocks' steps) record locally: one marker per attempt.
    const markers = events.filter((e) => localActivityType(e.markerRecordedEventAttributes) === recordActivity);
    expect(attemptsOf(h.workflowId, recordActivity)).toBe(scheduled.length + markers.length);
    if (scheduled.length > 0) {
      const ids = new Set(scheduled.map((e) => Number(e.eventId)));
      const started = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && ids.has(Number(e.activityTaskStartedEventAttributes!.scheduledEventId)));
      expect(started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual(started.map(() => 1));
      // The failure Temporal stores (and the worker logs) names the SQLSTATE, never the record.
      for (const failed of events.filter((e) => e.activityTaskFailedEventAttributes && ids.has(Number(e.activityTaskFailedEventAttributes.scheduledEventId)))) {
        const message = failed.activityTaskFailedEventAttributes!.failure!.message ?? '';
        expect(message).toMatch(/SQLSTATE 22/);
        expect(message).not.toContain(NUL);
        expect(message).not.toContain(SECRET_REF);
      }
    }
    return events.length;
  }

  it('ticket: a NUL in the subject (start input) flags the ticket; the local activity no longer jams its task', async () => {
    const input = ticketInput({ subject: `Playback${NUL}stops`, customerRef: SECRET_REF }, { firstResponse: 3_600_000, resolution: 7_200_000 });
    const h = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    await waitFor(() => flagged(h), { what: 'the ticket flagged' });
    const first = await h.query(statusQuery);
    expect(first.needsAttention).toMatchObject({ field: 'view.subject', failedRecords: 1 });

    // Later updates answer (they hung behind the retrying local activity before).
    const assigned = await h.executeUpdate(assignUpdate, { args: [{ actor: 'agent-ann', assignee: 'agent-ann' }] });
    expect(assigned.assignee).toBe('agent-ann');
    const before = await expectFlaggedOnce(h, await h.query(statusQuery), 'recordTicketTransition', 'opened');
    const replied = await h.executeUpdate(replyUpdate, { args: [{ actor: 'agent-ann', author: 'agent', message: 'We are on it' }] });
    expect(replied.agentReplies).toBe(1);
    expect(replied.needsAttention?.failedRecords).toBe(3);
    // One more transition adds its own few events, not a retry loop.
    const after = await expectFlaggedOnce(h, await h.query(statusQuery), 'recordTicketTransition', 'opened');
    expect(after - before).toBeLessThan(15);
    expect(attemptsOf(h.workflowId, 'recordTicketTransition')).toBe(3);
  });

  it('ticket: the refused record fails once, non-retryable, naming the SQLSTATE and field but no text or customer reference', async () => {
    const input = ticketInput({ subject: `Card${NUL}stolen`, customerRef: SECRET_REF });
    const view = { id: input.ticketId, subject: input.subject, customerRef: SECRET_REF, sla: {}, slaHistory: [], openedAt: new Date().toISOString() };
    const err = await activities
      .recordTicketTransition({ view: view as never, requestHash: 'h' }, { eventKey: `${input.ticketId}:opened`, type: 'opened', actor: 'test', occurredAt: new Date().toISOString(), data: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(UNSTORABLE_RECORD);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details?.[0]).toMatchObject({ sqlstate: expect.stringMatching(/^22/), field: 'view.subject' });
    for (const text of [NUL, 'stolen', SECRET_REF, 'INSERT']) expect(failure.message).not.toContain(text);
    expect(failure.cause).toBeUndefined();
  });

  it('incident: a NUL in a note (update argument) flags the incident; acknowledging still answers', async () => {
    const input = manualIncidentInput(`incident-manual-${id26()}`);
    const h = await stack.client.workflow.start(incidentWorkflow, { workflowId: input.incidentId, taskQueue, args: [input] });
    // The note must land after the opening record; sent earlier, the opening record carries it and is the one refused.
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM incident_events WHERE incident_id = $1`, [input.incidentId])).length > 0, { what: 'the opening record' });
    const noted = await h.executeUpdate(noteIncidentUpdate, { args: [{ actor: 'sre-kim', text: `rolled back${NUL}` }] });
    expect(noted.needsAttention).toMatchObject({ reason: 'record_refused', step: 'note', field: expect.stringContaining('notes') });
    const acked = await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-kim' }] });
    expect(acked.acknowledgedBy).toBe('sre-kim');
    await expectFlaggedOnce(h, await h.query(incidentStatusQuery), 'recordIncident', 'note');
  });

  it('refund: a NUL in the customer reference (start input) flags the case; confirming identity still answers', async () => {
    const policy = refundInput().policy;
    const input = refundInput({
      customerRef: `${SECRET_REF}${NUL}`,
      // Long waits: the case stays where the test can act on it.
      policy: { ...policy, refunds: { ...policy.refunds, identityTimeoutMs: 600_000, retentionOfferWindowMs: 600_000 } },
    });
    const h = await stack.client.workflow.start(refundWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    await waitFor(() => flagged(h), { what: 'the refund flagged' });
    const confirmed = await h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: 'agent-bo', method: 'email code' }] });
    expect(confirmed.identity).not.toBeNull();
    await waitFor(async () => (await h.query(refundStatusQuery)).state === 'retention_offered', { what: 'the retention offer' });
    await expectFlaggedOnce(h, await h.query(refundStatusQuery), 'recordBillingCase', 'opened');
  });

  it('dispute: a NUL in evidence (update argument) flags the case; more evidence still answers', async () => {
    const charge = stack.fakes.stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH91' });
    const disputeId = `dp_${id26()}`;
    const policy = pinBillingPolicy(fixtures.find('uoozee')!);
    const input: DisputeInput = {
      caseId: `dispute-${disputeId}`,
      disputeId,
      chargeId: String(charge.id),
      brand: 'uoozee',
      amountMinor: 9999,
      currency: 'usd',
      reason: 'product_not_received',
      dueBy: Date.now() + 10 * 86_400_000,
      policy,
    };
    stack.fakes.stripe.addDispute({ id: disputeId, charge: String(charge.id), dueBy: input.dueBy });
    const h = await stack.client.workflow.start(disputeWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    await waitFor(async () => (await h.query(disputeStatusQuery)).status === 'evidence_staged', { what: 'evidence staged' });
    const added = await h.executeUpdate(addEvidenceUpdate, { args: [{ actor: 'agent-x', item: 'access_log', value: `login 10:02${NUL}` }] });
    expect(added.needsAttention).toMatchObject({ reason: 'record_refused', step: 'evidence_added' });
    const more = await h.executeUpdate(addEvidenceUpdate, { args: [{ actor: 'agent-x', item: 'cancellation_policy', value: 'Cancel any time in settings' }] });
    expect(more.evidence.cancellation_policy).toBe('Cancel any time in settings');
    await expectFlaggedOnce(h, await h.query(disputeStatusQuery), 'recordBillingCase', 'evidence_added');
  });

  it('dunning: a NUL in the identity method (update argument) flags the case; the retention offer still answers', async () => {
    const sub = String(stack.fakes.stripe.addSubscription().id);
    const invoiceId = `in_${id26().slice(0, 16)}`;
    const policy = pinBillingPolicy(fixtures.find('uoozee')!);
    const input: DunningInput = {
      caseId: `dunning-${invoiceId}`,
      invoiceId,
      subscriptionId: sub,
      customerId: 'cus_att1',
      brand: 'uoozee',
      amountDueMinor: 999,
      currency: 'USD',
      failedAt: Date.now(),
      policy: { ...policy, dunning: { steps: [{ afterMs: 600_000, kind: 'notify_update_card' }, { afterMs: 1_200_000, kind: 'cancel' }] } },
    };
    const h = await stack.client.workflow.start(dunningWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    // Opened on the record first, so the refusal is the update's own.
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM billing_case_events WHERE case_id = $1 AND type = 'opened'`, [input.caseId])).length === 1, { what: 'the opened event' });
    const confirmed = await h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: 'agent-bo', method: `email${NUL}code` }] });
    expect(confirmed.needsAttention).toMatchObject({ reason: 'record_refused', step: 'confirm_identity' });
    const offered = await h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: 'agent-bo', offer: 'two months at half price' }] });
    expect(offered.retentionOffer?.offer).toBe('two months at half price');
    expect(offered.status).toBe('dunning');
    await expectFlaggedOnce(h, await h.query(dunningStatusQuery), 'recordBillingCase', 'confirm_identity');
  });

  it('takedown: a NUL in a note (update argument) flags the case; the next note is stored again', async () => {
    const input = takedownInput(copyrightNotice(), { policy: testTakedownPolicy() });
    const h = await startTakedown(stack.client, taskQueue, input);
    const noted = await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: { id: 'legal-omar', role: 'legal' }, text: `see ${NUL}ticket` }] });
    expect(noted.needsAttention).toMatchObject({ reason: 'record_refused', step: 'note', field: 'event.data.text' });
    const again = await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: { id: 'legal-omar', role: 'legal' }, text: 'checked the upload' }] });
    expect(again.id).toBe(input.caseId);
    await expectFlaggedOnce(h, await h.query(takedownStatusQuery), 'recordTakedown', 'note');
    // The note without a NUL was stored: the read model catches up once a record is storable.
    const notes: { type: string }[] = await stack.ds.query(`SELECT type FROM takedown_events WHERE case_id = $1 AND type = 'note'`, [input.caseId]);
    expect(notes).toHaveLength(1);
  });

  it('preservation: a NUL in the authority reference (start input) flags the hold; extending still answers', async () => {
    const policy = testTakedownPolicy();
    const input: PreservationInput = {
      holdId: `preservation-${id26()}`,
      caseId: `takedown-${id26()}`,
      brand: 'uoozee',
      authority: 'Polizei Berlin, LKA 7',
      reference: `LKA7${NUL}-1`,
      items: [{ contentId: 'vid_901' }],
      requestedBy: 'legal-ines',
      requestedAt: Date.now(),
      policy: policy.clocks.preservation!,
      escalateTo: policy.escalateTo,
    };
    const h = await stack.client.workflow.start(preservationWorkflow, { workflowId: input.holdId, taskQueue, args: [input] });
    await waitFor(() => flagged(h), { what: 'the hold flagged' });
    const extended = await h.executeUpdate(extendPreservationUpdate, { args: [{ actor: { id: 'legal-ines', role: 'legal' }, reference: 'renewed-1' }] });
    expect(extended.extension?.reference).toBe('renewed-1');
    const view = await h.query(preservationStatusQuery);
    await expectFlaggedOnce(h, view, 'recordPreservation', view.needsAttention!.step);
    expect(view.needsAttention!.field).toBe('view.reference');
  });
});
