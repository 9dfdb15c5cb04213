import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import { judgeKpi, kpiTargets } from '../../../src/domain/reporting/kpi-policy';
import { offTargetRun } from '../../../src/domain/reporting/kpi-streak';
import { buildMonthlyReport, rcaItems } from '../../../src/domain/reporting/report-builders';

const packs = PolicyRegistry.fromDirectory(resolve(__dirname, '../../../policies'));
const targetsOf = (brand: string) => kpiTargets(packs.find(brand)!.kpis);

describe('KPI targets in the shipped packs', () => {
  it('uoozee (000_…txt): "CSAT of ≥88%, a Net Promoter Score (NPS) above 35, … FCR rate of ≥75%", "AHT of 6–10 minutes on chat and phone"', () => {
    const t = targetsOf('uoozee');
    expect(t.csat).toEqual({ min: 0.88 });
    expect(t.nps).toEqual({ above: 35 });
    expect(t.fcr).toEqual({ min: 0.75 });
    expect(t.aht).toEqual({ min: 360, max: 600 });
    expect(packs.find('uoozee')!.kpis!.targets.aht!.channels).toEqual(['chat', 'phone']);
    expect(t.phoneServiceLevel).toEqual({ min: 0.8 });
  });

  it('vivtone (001_…txt): "CSAT ≥ 88–92%, NPS ≥ +35, FCR ≥ 75%, and AHT of 4–6 minutes"; 88 % is the target, 92 % the stretch; preventable −15 % per quarter', () => {
    const t = targetsOf('vivtone');
    expect(t.csat).toEqual({ min: 0.88, stretch: 0.92 });
    expect(t.nps).toEqual({ min: 35 });
    expect(t.fcr).toEqual({ min: 0.75 });
    expect(t.aht).toEqual({ min: 240, max: 360 });
    expect(t.preventableChange).toEqual({ max: -0.15 });
  });

  it("refuses a phone service level on a calendar the pack does not define (it would count calls around the clock)", () => {
    const raw = parseYaml(readFileSync(resolve(__dirname, '../../../policies/vivtone.yaml'), 'utf8')) as { kpis: { targets: { phoneServiceLevel: { calendar: string } } } };
    raw.kpis.targets.phoneServiceLevel.calendar = 'weekdayz';
    const r = policyPackSchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['kpis.targets.phoneServiceLevel.calendar', 'unknown calendar "weekdayz"']]);
    raw.kpis.targets.phoneServiceLevel.calendar = 'weekdays';
    expect(policyPackSchema.safeParse(raw).success).toBe(true);
  });

  it('judges met / not met / null (no data), bounds inclusive except "above"', () => {
    const v = targetsOf('vivtone');
    const u = targetsOf('uoozee');
    expect(judgeKpi('csat', 'share', 0.88, v.csat).met).toBe(true);
    expect(judgeKpi('csat', 'share', 0.9, v.csat).met).toBe(true); // within 88–92: on target
    expect(judgeKpi('csat', 'share', 0.8799, v.csat).met).toBe(false);
    expect(judgeKpi('nps', 'score', 35, v.nps).met).toBe(true); // "≥ +35"
    expect(judgeKpi('nps', 'score', 35, u.nps).met).toBe(false); // "above 35"
    expect(judgeKpi('aht', 'seconds', 361, v.aht).met).toBe(false); // over 6 minutes
    expect(judgeKpi('aht', 'seconds', 239, v.aht).met).toBe(false); // under 4 minutes: off target too
    expect(judgeKpi('aht', 'seconds', 300, v.aht).met).toBe(true);
    expect(judgeKpi('fcr', 'share', null, v.fcr).met).toBeNull();
    expect(judgeKpi('fcr', 'share', 0.5, null)).toEqual({ name: 'fcr', unit: 'share', value: 0.5, target: null, met: null });
  });
});

describe('a KPI off target two periods running notifies the operations lead once (issue 19)', () => {
  const v = (period: string, met: boolean | null) => ({ period, met });

  it('one miss: nothing; two in a row: a run named by its first period', () => {
    expect(offTargetRun([v('2026-09', true), v('2026-10', false)])).toBeNull();
    expect(offTargetRun([v('2026-09', true), v('2026-10', false), v('2026-11', false)])).toEqual({ since: '2026-10', periods: 2 });
  });

  it('a third miss continues the same run (same name: told once); a met period ends it and a new pair starts a new run', () => {
    expect(offTargetRun([v('2026-10', false), v('2026-11', false), v('2026-12', false)])).toEqual({ since: '2026-10', periods: 3 });
    expect(offTargetRun([v('2026-10', false), v('2026-11', false), v('2026-12', true), v('2027-01', false)])).toBeNull();
    expect(offTargetRun([v('2026-10', false), v('2026-11', false), v('2026-12', true), v('2027-01', false), v('2027-02', false)])).toEqual({ since: '2027-01', periods: 2 });
  });

  it('a period without data breaks a run (nobody is told of a miss nobody measured)', () => {
    expect(offTargetRun([v('2026-10', false), v('2026-11', null), v('2026-12', false)])).toBeNull();
  });
});

describe('the monthly report (001_…txt: "Monthly executive reports include CSAT, NPS, backlog by priority, and three RCA items with owners and due dates")', () => {
  const targets = targetsOf('vivtone');
  const report = buildMonthlyReport({
    resolved: [
      { channel: 'email', resolved: 6, firstContact: 5, csatResponses: 5, csatSatisfied: 5, csatScoreSum: 24, handleSeconds: 6 * 300 },
      { channel: 'phone', resolved: 4, firstContact: 2, csatResponses: 5, csatSatisfied: 3, csatScoreSum: 18, handleSeconds: 4 * 600 },
    ],
    npsCounts: { 10: 5, 9: 1, 8: 2, 3: 2 },
    backlogByPriority: { S1: 1, S3: 4 },
    volumeByCategory: [
      { category: 'billing', tickets: 3 },
      { category: null, tickets: 1 },
    ],
    correctiveActions: [{ key: 'incident-x:0', incidentId: 'incident-x', title: 'Alert on DRM licence errors', owner: 'sre-lead', due: '2026-12-20', rootCauseCategory: 'monitoring' }],
    rootCauseTags: [
      { tag: 'known-bug', tickets: 9, preventable: 9 },
      { tag: 'docs-gap', tickets: 5, preventable: 5 },
      { tag: 'feature-request', tickets: 12, preventable: 0 },
    ],
    preventableTickets: 14,
    tagRca: { owner: 'user:support-operations-lead', due: '2026-12-15' },
    ahtChannels: null,
    targets,
  });

  it('CSAT share of 4–5, NPS, FCR and AHT (logged handling time per resolved ticket), each with target and met', () => {
    expect(report.csat).toEqual({ responses: 10, satisfied: 8, share: 0.8, meanScore: 4.2 });
    expect(report.nps.score).toBe(40); // 60 % promoters − 20 % detractors
    expect(report.firstContactResolution).toEqual({ resolved: 10, firstContact: 7, share: 0.7 });
    expect(report.averageHandleTime.seconds).toBe(420); // (1800 + 2400) / 10
    expect(report.volumeByCategory).toEqual({ billing: 3, unknown: 1 });
    expect(report.kpis.map((k) => [k.name, k.value, k.met])).toEqual([
      ['csat', 0.8, false],
      ['nps', 40, true],
      ['fcr', 0.7, false],
      ['aht', 420, false], // 7 minutes: over "4–6 minutes"
    ]);
  });

  it('three RCA items: the review’s corrective action first, then the most frequent preventable tags, each with owner and due date', () => {
    expect(report.rcaItems).toEqual([
      { source: 'incident_review', title: 'Alert on DRM licence errors', owner: 'sre-lead', due: '2026-12-20', reference: 'incident-x' },
      expect.objectContaining({ source: 'root_cause_tag', reference: 'known-bug', owner: 'user:support-operations-lead', due: '2026-12-15', tickets: 9 }),
      expect.objectContaining({ source: 'root_cause_tag', reference: 'docs-gap', tickets: 5 }),
    ]);
    expect(rcaItems([], [{ tag: 'feature-request', tickets: 3, preventable: 0 }], { owner: 'x', due: '2026-12-15' })).toEqual([]);
  });

  it('AHT judged on the channels the pack names (000_…txt: "on chat and phone for technical issues")', () => {
    const u = buildMonthlyReport({
      resolved: [
        { channel: 'email', resolved: 10, firstContact: 10, csatResponses: 0, csatSatisfied: 0, csatScoreSum: 0, handleSeconds: 10 * 60 },
        { channel: 'phone', resolved: 2, firstContact: 2, csatResponses: 0, csatSatisfied: 0, csatScoreSum: 0, handleSeconds: 2 * 480 },
      ],
      npsCounts: {},
      backlogByPriority: {},
      volumeByCategory: [],
      correctiveActions: [],
      rootCauseTags: [],
      preventableTickets: 0,
      tagRca: null,
      ahtChannels: ['chat', 'phone'],
      targets: targetsOf('uoozee'),
    });
    expect(u.averageHandleTime.seconds).toBe(130); // every channel
    expect(u.averageHandleTime.judgedSeconds).toBe(480); // phone only: 8 minutes, within 6–10
    expect(u.kpis.find((k) => k.name === 'aht')!.met).toBe(true);
    expect(u.kpis.find((k) => k.name === 'nps')!.met).toBeNull(); // no answers
  });
});
