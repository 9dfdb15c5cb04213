import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../src/activities';
import type { AppConfig } from '../../src/config/config.schema';
import type { IncidentView } from '../../src/workflows/incident/messages';
import type { TakedownView } from '../../src/workflows/takedown/messages';
import type { PreservationView } from '../../src/workflows/takedown/preservation-messages';
import type { SlaMetricView, TicketView } from '../../src/workflows/ticket/messages';
import { openDataSource, realActivities, testConfig } from '../support/harness';

/**
 * Records land in any order: activities run side by side, are retried, and a continued run writes
 * its queue late. Through the activities as the worker calls them, on the real database, an older
 * transition replayed after a newer one leaves the newer snapshot — even when both happened at the
 * same instant (two changes of one workflow task) — while its event, being new, is still stored.
 * A record without a version (a run from before numbering) never replaces a numbered row, and
 * between unnumbered rows the later one still wins.
 */
describe('the read model keeps the newest snapshot of every case kind', () => {
  let config: AppConfig;
  let ds: DataSource;
  let activities: Activities;
  /** Both changes in one workflow task: the same instant. */
  const at = new Date(Date.UTC(2026, 0, 5, 10, 0, 0)).toISOString();
  const later = new Date(Date.UTC(2026, 0, 5, 11, 0, 0)).toISOString();
  const earlier = new Date(Date.UTC(2026, 0, 5, 9, 0, 0)).toISOString();
  const unique = () => randomUUID().slice(0, 8);
  const event = (caseId: string, step: string, seq: number | undefined, occurredAt = at) => ({
    eventKey: `${caseId}:${step}`,
    type: step,
    actor: 'agent-rmv',
    occurredAt,
    data: { step },
    ...(seq === undefined ? {} : { seq }),
  });
  /** The stored row's state column, version and snapshot's own state field, and the case's event keys. */
  async function stored(table: string, stateColumn: string, snapshotField: string, id: string, eventsTable: string, caseColumn: string, caseId = id) {
    const [row]: { state: string; version: string | null; snapshot_state: string }[] = await ds.query(
      `SELECT ${stateColumn} AS state, version, snapshot ->> '${snapshotField}' AS snapshot_state FROM ${table} WHERE id = $1`,
      [id],
    );
    const events: { event_key: string }[] = await ds.query(`SELECT event_key FROM ${eventsTable} WHERE ${caseColumn} = $1 ORDER BY event_key`, [caseId]);
    return { ...row, events: events.map((e) => e.event_key) };
  }

  beforeAll(async () => {
    config = testConfig();
    ds = await openDataSource(config);
    activities = realActivities(config, ds);
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  describe('ticket', () => {
    const clock = (state: SlaMetricView['state']): SlaMetricView => ({
      metric: 'firstResponse',
      cycle: 1,
      state,
      targetSeconds: 3600,
      startedAt: earlier,
      deadlineAt: later,
      remainingSeconds: state === 'running' ? 1800 : 0,
      elapsedSeconds: 1800,
      pauseReason: null,
      atRiskSince: null,
      fulfilledAt: state === 'met' ? at : null,
      breachedAt: null,
    });
    const view = (id: string, status: TicketView['status'], firstResponse: SlaMetricView): TicketView => ({
      id,
      brand: 'uoozee',
      channel: 'email',
      priority: 'P3',
      plan: null,
      status,
      assignee: 'agent-rmv',
      subject: 'Playback stops',
      description: 'The stream stops after a minute.',
      customerRef: `cust-rmv-${id}`,
      socialPost: null,
      policyVersion: 'test',
      openedAt: earlier,
      receivedAt: earlier,
      resolvedAt: null,
      closedAt: null,
      slaBreached: false,
      atRisk: false,
      nextDeadlineAt: null,
      sla: { firstResponse },
      slaHistory: [],
      escalations: [],
      agentReplies: firstResponse.state === 'met' ? 1 : 0,
      reopenCount: 0,
      firstContactResolution: null,
      csat: null,
      surveyClosesAt: null,
      category: 'general',
      troubleshooting: [],
    });
    const record = (v: TicketView, step: string, version: number | undefined, occurredAt = at) =>
      activities.recordTicketTransition({ view: v, requestHash: `h-${v.id}`, ...(version === undefined ? {} : { version }) }, event(v.id, step, version, occurredAt));
    const row = (id: string) => stored('tickets', 'status', 'status', id, 'ticket_events', 'ticket_id');

    it('an older transition replayed after a newer one leaves the newer snapshot and its report columns', async () => {
      const id = `ticket-rmv-${unique()}`;
      await record(view(id, 'open', clock('running')), 'opened', 1);
      await record(view(id, 'pending_customer', clock('met')), 'replied', 2);
      expect(await record(view(id, 'open', clock('running')), 'assigned', 1)).toEqual({ eventRecorded: true });

      expect(await row(id)).toEqual({ state: 'pending_customer', version: '2', snapshot_state: 'pending_customer', events: [`${id}:assigned`, `${id}:opened`, `${id}:replied`] });
      const [columns]: { agent_replies: number; sla_first_response_met: number; sla_first_response_breached: number }[] = await ds.query(
        `SELECT agent_replies, sla_first_response_met, sla_first_response_breached FROM tickets WHERE id = $1`,
        [id],
      );
      expect(columns).toEqual({ agent_replies: 1, sla_first_response_met: 1, sla_first_response_breached: 0 });
    });

    it('an unnumbered record never replaces a numbered row; between unnumbered rows the later wins', async () => {
      const id = `ticket-rmv-${unique()}`;
      await record(view(id, 'pending_customer', clock('met')), 'replied', 2);
      await record(view(id, 'open', clock('running')), 'legacy', undefined, later);
      expect(await row(id)).toMatchObject({ state: 'pending_customer', version: '2' });

      const legacy = `ticket-rmv-${unique()}`;
      await record(view(legacy, 'pending_customer', clock('met')), 'replied', undefined, later);
      await record(view(legacy, 'open', clock('running')), 'opened', undefined, earlier);
      expect(await row(legacy)).toMatchObject({ state: 'pending_customer', version: null });
      await record(view(legacy, 'resolved', clock('met')), 'resolved', 3, later);
      expect(await row(legacy)).toMatchObject({ state: 'resolved', version: '3' });
    });
  });

  describe('incident', () => {
    const view = (id: string, status: IncidentView['status']): IncidentView =>
      ({
        id,
        brand: 'uoozee',
        priority: 'P2',
        status,
        source: 'manual',
        fingerprint: null,
        alertCount: 1,
        openedAt: earlier,
        acknowledgedAt: status === 'triggered' ? null : at,
        mitigatedAt: null,
        resolvedAt: null,
        closedAt: null,
        slaBreached: false,
        sla: { firstResponse: { metric: 'firstResponse', state: status === 'triggered' ? 'running' : 'met' } },
        review: null,
        reviewDueAt: null,
      }) as unknown as IncidentView;
    const row = (id: string) => stored('incidents', 'status', 'status', id, 'incident_events', 'incident_id');

    it('an older transition replayed after a newer one leaves the newer snapshot and its report columns', async () => {
      const id = `incident-rmv-${unique()}`;
      await activities.recordIncident(view(id, 'triggered'), event(id, 'triggered', 1), 1);
      await activities.recordIncident(view(id, 'acknowledged'), event(id, 'acknowledged', 2), 2);
      await activities.recordIncident(view(id, 'triggered'), event(id, 'note', 1), 1);
      expect(await row(id)).toEqual({ state: 'acknowledged', version: '2', snapshot_state: 'acknowledged', events: [`${id}:acknowledged`, `${id}:note`, `${id}:triggered`] });
      const [columns]: { acknowledged_at: Date | null; sla_first_response_state: string }[] = await ds.query(`SELECT acknowledged_at, sla_first_response_state FROM incidents WHERE id = $1`, [id]);
      expect(columns).toEqual({ acknowledged_at: new Date(at), sla_first_response_state: 'met' });
    });

    it('an unnumbered record (a queue from before numbering) never replaces a numbered row', async () => {
      const id = `incident-rmv-${unique()}`;
      await activities.recordIncident(view(id, 'acknowledged'), event(id, 'acknowledged', 2), 2);
      const result = await activities.recordIncident(view(id, 'triggered'), [event(id, 'triggered', undefined, later)]);
      expect(result).toEqual({ eventRecorded: true, eventsRecorded: 1 });
      expect(await row(id)).toMatchObject({ state: 'acknowledged', version: '2', snapshot_state: 'acknowledged' });
    });
  });

  describe('billing case', () => {
    const record = (id: string, state: string, step: string, version: number | undefined, occurredAt = at) =>
      activities.recordBillingCase(
        { kind: 'refund', id, brand: 'uoozee', state, customerRef: `cust-rmv-${id}`, snapshot: { state, chargeId: 'ch_rmv' }, ...(version === undefined ? {} : { version }) },
        event(id, step, version, occurredAt),
      );
    const row = (id: string) => stored('billing_cases', 'state', 'state', id, 'billing_case_events', 'case_id');

    it('an older transition replayed after a newer one leaves the newer snapshot', async () => {
      const id = `refund-rmv-${unique()}`;
      await record(id, 'identity_pending', 'opened', 1);
      await record(id, 'refunded', 'refunded', 3);
      await record(id, 'approved', 'approved', 2);
      expect(await row(id)).toEqual({ state: 'refunded', version: '3', snapshot_state: 'refunded', events: [`${id}:approved`, `${id}:opened`, `${id}:refunded`] });
    });

    it('an unnumbered record never replaces a numbered row', async () => {
      const id = `refund-rmv-${unique()}`;
      await record(id, 'refunded', 'refunded', 3);
      await record(id, 'identity_pending', 'legacy', undefined, later);
      expect(await row(id)).toMatchObject({ state: 'refunded', version: '3' });
    });
  });

  describe('takedown', () => {
    const view = (id: string, state: TakedownView['state'], decided: boolean): TakedownView =>
      ({
        id,
        brand: 'uoozee',
        state,
        regimes: ['dmca'],
        legalBasis: 'copyright',
        tier: 'standard',
        channel: 'public',
        reviewer: 'legal-rmv',
        receivedAt: earlier,
        decisionDue: { dueAt: later, atRiskAt: later, status: 'running' },
        decidedAt: decided ? at : null,
        decision: decided
          ? { outcome: 'remove', measure: { kind: 'global_removal' }, ground: { kind: 'legal', reference: '17 U.S.C. §106', explanation: 'x' }, facts: 'y', automatedDetection: false, automatedDecision: 'not_automated', endsAt: null, by: 'legal-rmv' }
          : null,
        slaBreached: false,
        notifierRole: 'rights_holder',
        claimedJurisdictions: ['US'],
      }) as unknown as TakedownView;
    const record = (v: TakedownView, step: string, seq: number | undefined, occurredAt = at) => activities.recordTakedown({ view: v, event: event(v.id, step, seq, occurredAt) });
    const row = (id: string) => stored('takedowns', 'state', 'state', id, 'takedown_events', 'case_id');

    it('an older transition replayed after a newer one leaves the newer snapshot and its report columns', async () => {
      const id = `takedown-rmv-${unique()}`;
      await record(view(id, 'in_review', false), 'assigned', 1);
      await record(view(id, 'decided', true), 'decided', 2);
      await record(view(id, 'in_review', false), 'noted', 1);
      expect(await row(id)).toEqual({ state: 'decided', version: '2', snapshot_state: 'decided', events: [`${id}:assigned`, `${id}:decided`, `${id}:noted`] });
      const [columns]: { outcome: string; decision_measure: string; decision_ground: string }[] = await ds.query(
        `SELECT outcome, decision_measure, decision_ground FROM takedowns WHERE id = $1`,
        [id],
      );
      expect(columns).toEqual({ outcome: 'remove', decision_measure: 'global_removal', decision_ground: 'legal' });
    });

    it('an unnumbered record never replaces a numbered row', async () => {
      const id = `takedown-rmv-${unique()}`;
      await record(view(id, 'decided', true), 'decided', 2);
      await record(view(id, 'in_review', false), 'legacy', undefined, later);
      expect(await row(id)).toMatchObject({ state: 'decided', version: '2' });
    });
  });

  describe('preservation hold', () => {
    const view = (id: string, caseId: string, state: PreservationView['state']): PreservationView =>
      ({
        id,
        caseId,
        brand: 'uoozee',
        state,
        authority: 'Court of Example',
        reference: 'ref-rmv',
        items: [],
        requestedBy: 'legal-rmv',
        requestedAt: earlier,
        expiresAt: later,
        extension: state === 'extended' ? { at, by: 'legal-rmv', reference: null } : null,
        releasedAt: null,
        remindersSent: [],
        nextReminderAt: null,
      }) as PreservationView;
    const record = (v: PreservationView, step: string, version: number | undefined, occurredAt = at) =>
      activities.recordPreservation({ view: v, event: event(v.id, step, undefined, occurredAt), ...(version === undefined ? {} : { version }) });
    const row = (id: string, caseId: string) => stored('takedown_preservations', 'state', 'state', id, 'takedown_events', 'case_id', caseId);

    it('an older transition replayed after a newer one leaves the newer snapshot', async () => {
      const caseId = `takedown-rmv-${unique()}`;
      const id = `preservation-rmv-${unique()}`;
      await record(view(id, caseId, 'held'), 'requested', 1);
      await record(view(id, caseId, 'extended'), 'extended', 2);
      await record(view(id, caseId, 'held'), 'reminded', 1);
      expect(await row(id, caseId)).toEqual({ state: 'extended', version: '2', snapshot_state: 'extended', events: [`${id}:extended`, `${id}:reminded`, `${id}:requested`] });
    });

    it('an unnumbered record never replaces a numbered row', async () => {
      const caseId = `takedown-rmv-${unique()}`;
      const id = `preservation-rmv-${unique()}`;
      await record(view(id, caseId, 'extended'), 'extended', 2);
      await record(view(id, caseId, 'held'), 'legacy', undefined, later);
      expect(await row(id, caseId)).toMatchObject({ state: 'extended', version: '2' });
    });
  });
});
