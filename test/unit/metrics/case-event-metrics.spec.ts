import { caseMetricsFor, CaseMetricChange, labelValue, latenessSeconds, OTHER_LABEL } from '../../../src/observability/metrics/case-event-metrics';
import type { CaseEventRecord } from '../../../src/persistence/read-model/case-records';
import type { RecordedCaseFacts } from '../../../src/persistence/read-model/recorded-events';

const AT = '2026-03-02T10:00:05.000Z';
const event = (type: string, data: Record<string, unknown> = {}, occurredAt = AT): CaseEventRecord => ({ eventKey: `k-${type}`, type, actor: 'system', occurredAt, data });
const ticket: RecordedCaseFacts = { kind: 'ticket', brand: 'uoozee', priority: 'P2' };
const incident: RecordedCaseFacts = { kind: 'incident', brand: 'vivtone', priority: 'P1' };
const counters = (changes: CaseMetricChange[]) => changes.map((c) => [c.metric, c.labels]);

describe('caseMetricsFor: which metrics a newly stored event moves', () => {
  it('counts a ticket opened and closed by kind, brand and priority', () => {
    expect(counters(caseMetricsFor(ticket, event('opened')))).toEqual([['casesOpened', { kind: 'ticket', brand: 'uoozee', priority: 'P2' }]]);
    expect(counters(caseMetricsFor(ticket, event('closed', { automatic: true })))).toEqual([['casesClosed', { kind: 'ticket', brand: 'uoozee', priority: 'P2' }]]);
    expect(caseMetricsFor(ticket, event('customer_reply'))).toEqual([]);
  });

  it('counts an at-risk warning and a breach by metric, with the breach lateness from the deadline to the record', () => {
    expect(counters(caseMetricsFor(ticket, event('sla_at_risk', { metric: 'firstResponse', deadlineAt: AT })))).toEqual([
      ['slaAtRisk', { kind: 'ticket', brand: 'uoozee', priority: 'P2', metric: 'firstResponse' }],
    ]);
    expect(caseMetricsFor(ticket, event('sla_breached', { metric: 'resolution', deadlineAt: '2026-03-02T10:00:02.500Z' }))).toEqual([
      { metric: 'slaBreached', labels: { kind: 'ticket', brand: 'uoozee', priority: 'P2', metric: 'resolution' } },
      { metric: 'slaBreachLateness', labels: { kind: 'ticket', metric: 'resolution' }, seconds: 2.5 },
    ]);
  });

  it('labels a ticket escalation by its level and an incident breach escalation as sla_breach', () => {
    expect(counters(caseMetricsFor(ticket, event('escalated', { metric: 'firstResponse', step: 1, level: 'team_lead' })))).toEqual([['escalations', { kind: 'ticket', brand: 'uoozee', step: 'team_lead' }]]);
    expect(counters(caseMetricsFor(incident, event('sla_breach_escalated', { metric: 'mitigation', escalatedTo: 'sre-manager@example.com' })))).toEqual([
      ['escalations', { kind: 'incident', brand: 'vivtone', step: 'sla_breach' }],
    ]);
  });

  it('counts an incident triggered as opened, and a page only when the pager took it', () => {
    expect(counters(caseMetricsFor(incident, event('triggered')))).toEqual([['casesOpened', { kind: 'incident', brand: 'vivtone', priority: 'P1' }]]);
    expect(counters(caseMetricsFor(incident, event('paged', { step: 0, response: { status: 'success', dedupKey: 'x' } })))).toEqual([['pagesSent', { brand: 'vivtone', priority: 'P1' }]]);
    expect(caseMetricsFor(incident, event('paged', { step: 0, response: { status: 'rejected', dedupKey: 'x' } }))).toEqual([]);
  });

  it('counts refund outcomes; a refund handed to a person is an outcome but not a close', () => {
    const refund: RecordedCaseFacts = { kind: 'refund', brand: 'uoozee', priority: null };
    expect(counters(caseMetricsFor(refund, event('opened')))).toEqual([['casesOpened', { kind: 'refund', brand: 'uoozee', priority: 'none' }]]);
    expect(counters(caseMetricsFor(refund, event('refund_succeeded')))).toEqual([
      ['casesClosed', { kind: 'refund', brand: 'uoozee', priority: 'none' }],
      ['refunds', { brand: 'uoozee', outcome: 'refunded' }],
    ]);
    expect(counters(caseMetricsFor(refund, event('escalate', { reason: 'x' })))).toEqual([['refunds', { brand: 'uoozee', outcome: 'manual_remediation' }]]);
    expect(caseMetricsFor(refund, event('settlement_breached', { breachAt: '2026-03-02T10:00:04.000Z' }))).toEqual([
      { metric: 'slaBreached', labels: { kind: 'refund', brand: 'uoozee', priority: 'none', metric: 'settlement' } },
      { metric: 'slaBreachLateness', labels: { kind: 'refund', metric: 'settlement' }, seconds: 1 },
    ]);
  });

  it('counts dispute outcomes and closes', () => {
    const dispute: RecordedCaseFacts = { kind: 'dispute', brand: 'vivtone', priority: null };
    expect(counters(caseMetricsFor(dispute, event('lost', { gatewayStatus: 'lost' })))).toEqual([
      ['casesClosed', { kind: 'dispute', brand: 'vivtone', priority: 'none' }],
      ['disputes', { brand: 'vivtone', outcome: 'lost' }],
    ]);
    expect(caseMetricsFor(dispute, event('evidence_added'))).toEqual([]);
  });

  it("counts a takedown's decision clock at risk by its regimes, and its breach as an SLA breach", () => {
    const takedown: RecordedCaseFacts = { kind: 'takedown', brand: 'uoozee', priority: 'standard', regimes: ['dsa', 'dmca'] };
    expect(counters(caseMetricsFor(takedown, event('deadline_at_risk', { dueAt: AT })))).toEqual([
      ['takedownClocksAtRisk', { regime: 'dmca+dsa', clock: 'decision' }],
      ['slaAtRisk', { kind: 'takedown', brand: 'uoozee', priority: 'standard', metric: 'decision' }],
    ]);
    expect(counters(caseMetricsFor(takedown, event('received')))).toEqual([['casesOpened', { kind: 'takedown', brand: 'uoozee', priority: 'standard' }]]);
    expect(counters(caseMetricsFor(takedown, event('deadline_breached', { dueAt: AT })))).toEqual([
      ['slaBreached', { kind: 'takedown', brand: 'uoozee', priority: 'standard', metric: 'decision' }],
      ['slaBreachLateness', { kind: 'takedown', metric: 'decision' }],
    ]);
  });

  it('never lets an ID, an address or free text through as a label value', () => {
    const odd: RecordedCaseFacts = { kind: 'ticket', brand: 'ticket-01JH2ZK8Q6W9YB3XQ2M4V5N6P7R', priority: 'ann@example.com' };
    expect(counters(caseMetricsFor(odd, event('escalated', { level: 'Call Ann on +44 20 7946 0000' })))).toEqual([['escalations', { kind: 'ticket', brand: OTHER_LABEL, step: OTHER_LABEL }]]);
    expect(counters(caseMetricsFor(odd, event('opened')))).toEqual([['casesOpened', { kind: 'ticket', brand: OTHER_LABEL, priority: OTHER_LABEL }]]);
  });
});

describe('labelValue', () => {
  it.each([
    ['uoozee', 'uoozee'],
    ['P1', 'P1'],
    ['team_lead', 'team_lead'],
    [2, '2'],
    ['dsa+platform_terms', 'dsa+platform_terms'],
    ['cust_4711@example.com', OTHER_LABEL],
    ['a very long label value that goes on', OTHER_LABEL],
    ['incident-4f6c2a9e8b7d', OTHER_LABEL],
    ['0123', OTHER_LABEL],
    ['', OTHER_LABEL],
    [null, OTHER_LABEL],
    [{ a: 1 }, OTHER_LABEL],
  ])('%p → %p', (value, label) => expect(labelValue(value)).toBe(label));
});

describe('latenessSeconds', () => {
  it('is the time from the deadline to the record, never negative, null without a deadline', () => {
    expect(latenessSeconds('2026-03-02T10:01:00.000Z', '2026-03-02T10:00:00.000Z')).toBe(60);
    expect(latenessSeconds('2026-03-02T09:59:59.000Z', '2026-03-02T10:00:00.000Z')).toBe(0);
    expect(latenessSeconds(AT, undefined)).toBeNull();
    expect(latenessSeconds(AT, 'not a date')).toBeNull();
  });
});
