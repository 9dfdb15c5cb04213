import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../src/activities';
import { REPORT_COLUMN_BACKFILLS } from '../../src/persistence/migrations/1765700000000-report-columns';
import type { IncidentView } from '../../src/workflows/incident/messages';
import type { TakedownView } from '../../src/workflows/takedown/messages';
import type { SlaMetricView, TicketView } from '../../src/workflows/ticket/messages';
import { openDataSource, realActivities, testConfig } from '../support/harness';

/**
 * The report columns (migration 1765700000000) are filled by the write layer with every snapshot,
 * and for rows written before them by the migration, from the (sealed) snapshot. Both must agree,
 * or a report would count old and new cases differently: a row recorded through the activity,
 * its columns emptied and backfilled, reads the same.
 */
describe('report columns: the migration fills a row from its snapshot as the write layer does', () => {
  let ds: DataSource;
  let activities: Activities;
  const at = new Date(Date.UTC(2026, 0, 5, 10, 0, 0)).toISOString();
  const unique = () => randomUUID().slice(0, 8);
  const event = (caseId: string, step: string, seq: number) => ({ eventKey: `${caseId}:${step}`, type: step, actor: 'agent-rc', occurredAt: at, data: {}, seq });

  /** The columns as written, then emptied and filled again by the backfill for this row only. */
  async function writtenAndBackfilled(table: keyof typeof REPORT_COLUMN_BACKFILLS, columns: string[], id: string) {
    const read = async () => (await ds.query(`SELECT ${columns.join(', ')} FROM ${table} WHERE id = $1`, [id]))[0] as Record<string, unknown>;
    const written = await read();
    await ds.query(`UPDATE ${table} SET ${columns.map((c) => `${c} = NULL`).join(', ')} WHERE id = $1`, [id]);
    expect(Object.values(await read()).every((v) => v === null)).toBe(true);
    await ds.query(`${REPORT_COLUMN_BACKFILLS[table]} WHERE id = $1`, [id]);
    return { written, backfilled: await read() };
  }

  beforeAll(async () => {
    const config = testConfig();
    ds = await openDataSource(config);
    activities = realActivities(config, ds);
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  it('tickets: settled clocks per metric, listed and only counted', async () => {
    const id = `ticket-rc-${unique()}`;
    const clock = (metric: SlaMetricView['metric'], state: SlaMetricView['state'], cycle: number) => ({ metric, state, cycle }) as SlaMetricView;
    const view = {
      id,
      brand: 'uoozee',
      channel: 'email',
      priority: 'P3',
      plan: null,
      status: 'open',
      assignee: null,
      subject: 'Subtitles out of sync',
      description: 'By two seconds.',
      customerRef: `cust-rc-${id}`,
      policyVersion: 'test',
      openedAt: at,
      resolvedAt: null,
      closedAt: null,
      slaBreached: true,
      atRisk: false,
      nextDeadlineAt: null,
      sla: { firstResponse: clock('firstResponse', 'met', 1), nextResponse: clock('nextResponse', 'breached', 5), resolution: clock('resolution', 'running', 2) },
      slaHistory: [clock('resolution', 'met', 1), clock('nextResponse', 'met', 4)],
      slaHistoryEarlier: { nextResponse: { met: 2, breached: 1, count: 3 } },
      agentReplies: 4,
      reopenCount: 1,
      firstContactResolution: null,
      csat: null,
    } as unknown as TicketView;
    await activities.recordTicketTransition({ view, requestHash: `h-${id}`, version: 1 }, event(id, 'opened', 1));
    const columns = ['met', 'breached'].flatMap((s) => ['first_response', 'next_response', 'resolution', 'mitigation'].map((m) => `sla_${m}_${s}`));
    const { written, backfilled } = await writtenAndBackfilled('tickets', columns, id);
    expect(written).toMatchObject({ sla_first_response_met: 1, sla_next_response_met: 3, sla_next_response_breached: 2, sla_resolution_met: 1, sla_resolution_breached: 0 });
    expect(backfilled).toEqual(written);
  });

  it('incidents: clock states and the review', async () => {
    const id = `incident-rc-${unique()}`;
    const view = {
      id,
      brand: 'uoozee',
      priority: 'P1',
      status: 'review_pending',
      source: 'manual',
      fingerprint: null,
      alertCount: 1,
      openedAt: at,
      acknowledgedAt: at,
      mitigatedAt: at,
      resolvedAt: at,
      closedAt: null,
      slaBreached: false,
      sla: { firstResponse: { metric: 'firstResponse', state: 'met' }, mitigation: { metric: 'mitigation', state: 'breached' } },
      review: { at: '2026-01-07T10:00:00.000Z', by: 'sre-rc' },
      reviewDueAt: '2026-01-08T10:00:00.000Z',
    } as unknown as IncidentView;
    await activities.recordIncident(view, event(id, 'resolved', 1), 1);
    const { written, backfilled } = await writtenAndBackfilled('incidents', ['sla_first_response_state', 'sla_mitigation_state', 'sla_resolution_state', 'review_due_at', 'reviewed_at'], id);
    expect(written).toEqual({
      sla_first_response_state: 'met',
      sla_mitigation_state: 'breached',
      sla_resolution_state: null,
      review_due_at: new Date('2026-01-08T10:00:00.000Z'),
      reviewed_at: new Date('2026-01-07T10:00:00.000Z'),
    });
    expect(backfilled).toEqual(written);
  });

  it("takedowns: the decision's measure and ground, from a sealed snapshot", async () => {
    const id = `takedown-rc-${unique()}`;
    const view = {
      id,
      brand: 'uoozee',
      state: 'decided',
      regimes: ['dsa'],
      legalBasis: 'eu_illegal_content',
      tier: 'standard',
      channel: 'public',
      reviewer: 'legal-rc',
      receivedAt: at,
      decisionDue: null,
      decidedAt: at,
      decision: { outcome: 'restrict', measure: { kind: 'geo_restriction', countries: ['DE'] }, ground: { kind: 'contractual', reference: 'ToS 4.2', explanation: 'x' }, facts: 'y', by: 'legal-rc' },
      slaBreached: false,
      notifierRole: 'trusted_flagger',
      claimedJurisdictions: ['DE'],
    } as unknown as TakedownView;
    await activities.recordTakedown({ view, event: event(id, 'decided', 1) });
    const { written, backfilled } = await writtenAndBackfilled('takedowns', ['decision_measure', 'decision_ground'], id);
    expect(written).toEqual({ decision_measure: 'geo_restriction', decision_ground: 'contractual' });
    expect(backfilled).toEqual(written);
  });
});
