import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { engagedByLadderPage, engagementsFor, PlannedEngagement, syncEngagements } from '../../../src/domain/incident/engagement';
import { escalationSteps } from '../../../src/domain/incident/escalation';
import { IncidentPolicy, pinIncidentPolicy } from '../../../src/domain/incident/incident-policy';
import { incidentSchedule, pageDueTimes } from '../../../src/domain/incident/schedule';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import { addBusinessTime } from '../../../src/domain/sla/calendar';
import { startSlaClock } from '../../../src/domain/sla/clock';

/**
 * Issue 19 §1, the reported case: a VIVtone S1 incident opened at 01:41 Chicago had its Level 2
 * page and its 30-minute response deadline at 09:30. 001_a1369c1885b9e67c.txt:
 *   "24×7 for enterprise customers";
 *   "SLA-driven escalation to Level 2 within 4 hours for severity 1 incidents";
 *   "For enterprise customers: … a named escalation path reaching Level 3 engineering within 4 hours".
 */
const shipped = (brand: string): Record<string, any> => parseYaml(readFileSync(resolve(__dirname, '..', '..', '..', 'policies', `${brand}.yaml`), 'utf8'));
const vivtone = (): IncidentPolicy => pinIncidentPolicy(policyPackSchema.parse(shipped('vivtone')));

const HOUR = 3_600_000;
// Tuesday 2026-12-08 01:41 in Chicago (CST, UTC−6), and a Saturday night for good measure.
const TUESDAY_0141 = Date.parse('2026-12-08T07:41:00Z');
const SATURDAY_0141 = Date.parse('2026-12-12T07:41:00Z');

function plan(policy: IncidentPolicy, openedAt: number, enterprise: boolean, status: 'triggered' | 'acknowledged' | 'mitigated' = 'triggered', current: PlannedEngagement[] = []): PlannedEngagement[] {
  return syncEngagements(current, engagementsFor(policy.engagements, 'S1', enterprise), { incidentId: 'incident-x', openedAt, calendar: policy.priorities.S1.calendar, status });
}

describe('VIVtone S1 incidents run 24×7, Level 2 and Level 3 engaged by timer (issue 19 §1)', () => {
  it.each([
    ['Tuesday', TUESDAY_0141],
    ['Saturday', SATURDAY_0141],
  ])('S1 at 01:41 Chicago on a %s: response due 02:11, not 09:30 ("Severity 1 — initial response ≤30 minutes")', (_day, openedAt) => {
    const policy = vivtone();
    const s1 = policy.priorities.S1;
    const clock = startSlaClock('firstResponse', s1.targets.firstResponse!, s1.calendar, openedAt, { atRiskRatio: policy.atRiskRatio });
    expect(clock.deadlineAt).toBe(openedAt + 30 * 60_000);
    expect(new Date(clock.deadlineAt!).toISOString().slice(11, 16)).toBe('08:11'); // 02:11 CST
    // The ack ladder, too, runs 24×7: Level 2 is paged at 02:11 if nobody acknowledges.
    const ladder = pageDueTimes(escalationSteps(policy.escalation), s1.calendar, openedAt);
    expect(ladder).toEqual([openedAt, openedAt + 30 * 60_000]);
  });

  it('"escalation to Level 2 within 4 hours for severity 1 incidents": Level 2 due 05:41 at the latest, whatever the customer', () => {
    const planned = plan(vivtone(), TUESDAY_0141, false);
    expect(planned.map((e) => [e.level, e.targets, new Date(e.dueAt).toISOString(), e.state])).toEqual([[2, ['rotation:support-l2'], '2026-12-08T11:41:00.000Z', 'scheduled']]); // 05:41 CST
    expect(planned[0].dedupKey).toBe('incident-x:engage:L2');
  });

  it('"a named escalation path reaching Level 3 engineering within 4 hours" for enterprise customers: Level 3 due 05:41 too', () => {
    const planned = plan(vivtone(), TUESDAY_0141, true);
    expect(planned.map((e) => [e.level, e.dueAt - TUESDAY_0141])).toEqual([
      [2, 4 * HOUR],
      [3, 4 * HOUR],
    ]);
    expect(planned[1].targets).toEqual(['rotation:engineering-l3']);
  });

  it('an acknowledgement by Level 1 does not stop the engagements; a mitigation before they are due does', () => {
    const policy = vivtone();
    const planned = plan(policy, TUESDAY_0141, true);
    expect(plan(policy, TUESDAY_0141, true, 'acknowledged', planned).map((e) => e.state)).toEqual(['scheduled', 'scheduled']);
    expect(plan(policy, TUESDAY_0141, true, 'mitigated', planned).map((e) => e.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('the engagement is a timer of the incident schedule', () => {
    const planned = plan(vivtone(), TUESDAY_0141, true);
    const due = incidentSchedule({ status: 'acknowledged', clocks: {}, pages: [], engagements: planned, reviewDueAt: null, reviewReminders: [], reviewOverdueSent: false });
    expect(due).toEqual([
      { at: TUESDAY_0141 + 4 * HOUR, summary: 'engage Level 2: rotation:support-l2' },
      { at: TUESDAY_0141 + 4 * HOUR, summary: 'engage Level 3: rotation:engineering-l3' },
    ]);
  });

  it('an engaged level stays engaged; a lowered priority cancels a scheduled one, raising it again schedules it from the opening', () => {
    const policy = vivtone();
    const planned = plan(policy, TUESDAY_0141, true);
    planned[0] = { ...planned[0], state: 'engaged', via: 'ladder', engagedAt: TUESDAY_0141 + 30 * 60_000 };
    const lowered = syncEngagements(planned, engagementsFor(policy.engagements, 'S2', true), { incidentId: 'incident-x', openedAt: TUESDAY_0141, calendar: policy.priorities.S2.calendar, status: 'acknowledged' });
    expect(lowered.map((e) => e.state)).toEqual(['engaged', 'cancelled']);
    const raised = plan(policy, TUESDAY_0141, true, 'acknowledged', lowered);
    expect(raised.map((e) => [e.state, e.dueAt - TUESDAY_0141])).toEqual([
      ['engaged', 4 * HOUR],
      ['scheduled', 4 * HOUR],
    ]);
  });

  it("the ladder's page of Level 2's rotation is the Level 2 engagement (no second page)", () => {
    const planned = plan(vivtone(), TUESDAY_0141, true);
    expect(engagedByLadderPage(planned, ['rotation:support-l2']).map((e) => e.level)).toEqual([2]);
    expect(engagedByLadderPage(planned, ['rotation:support-l1'])).toEqual([]);
  });

  it('S1 tickets keep their business-hours coverage; only the incident runs 24×7', () => {
    const pack = policyPackSchema.parse(shipped('vivtone'));
    expect(pack.priorities.S1.coverage).toBe('business');
    expect(pack.incidents!.coverage).toEqual({ S1: '24x7' });
  });

  it('"24×7 for enterprise customers": an S2 incident affecting an enterprise customer runs on the enterprise calendar', () => {
    const policy = vivtone();
    // Business hours: an S2 at 01:41 on a Tuesday starts counting at 09:00.
    expect(addBusinessTime(policy.priorities.S2.calendar, TUESDAY_0141, 2 * HOUR)).toBe(Date.parse('2026-12-08T17:00:00Z'));
    expect(addBusinessTime(policy.enterpriseCalendar!, TUESDAY_0141, 2 * HOUR)).toBe(TUESDAY_0141 + 2 * HOUR);
  });

  it('a pack naming an unknown priority or calendar is refused, naming the field', () => {
    const raw = shipped('vivtone');
    raw.incidents.coverage = { S9: 'nights' };
    raw.incidents.engagements[0].priorities = ['S7'];
    const parsed = policyPackSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['incidents.coverage.S9', 'incidents.engagements.0.priorities.0']));
  });

  it('inputs pinned before engagements existed have none', () => {
    const old = vivtone();
    delete old.engagements;
    expect(engagementsFor(old.engagements, 'S1', true)).toEqual([]);
  });
});
