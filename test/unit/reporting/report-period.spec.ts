import { lastCompletePeriod, parseReportPeriod, previousPeriod } from '../../../src/domain/reporting/report-period';

const iso = (ms: number) => new Date(ms).toISOString();

describe('report periods (UTC)', () => {
  it('parses each cadence’s form: 2026-12-03, 2026-W49, 2026-11, 2026-Q4', () => {
    const d = parseReportPeriod('daily', '2026-12-03')!;
    expect([iso(d.from), iso(d.to)]).toEqual(['2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z']);
    const w = parseReportPeriod('weekly', '2026-W49')!;
    expect([iso(w.from), iso(w.to)]).toEqual(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    const m = parseReportPeriod('monthly', '2026-11')!;
    expect([iso(m.from), iso(m.to)]).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    const q = parseReportPeriod('quarterly', '2026-Q4')!;
    expect([iso(q.from), iso(q.to)]).toEqual(['2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('refuses malformed or impossible names', () => {
    for (const [kind, name] of [
      ['daily', '2026-02-30'],
      ['daily', '2026-12-3'],
      ['weekly', '2026-W54'],
      ['weekly', '2026-49'],
      ['monthly', '2026-13'],
      ['quarterly', '2026-Q5'],
      ['quarterly', '2026-12'],
    ] as const) {
      expect(parseReportPeriod(kind, name)).toBeNull();
    }
  });

  it('the last complete period before an instant, and the one before a period', () => {
    const now = Date.parse('2026-12-04T05:00:00Z'); // a Friday
    expect(lastCompletePeriod('daily', now).name).toBe('2026-12-03');
    expect(lastCompletePeriod('weekly', now).name).toBe('2026-W48');
    expect(lastCompletePeriod('monthly', now).name).toBe('2026-11');
    expect(lastCompletePeriod('quarterly', now).name).toBe('2026-Q3');
    expect(previousPeriod(parseReportPeriod('monthly', '2027-01')!).name).toBe('2026-12');
    expect(previousPeriod(parseReportPeriod('quarterly', '2027-Q1')!).name).toBe('2026-Q4');
    expect(previousPeriod(parseReportPeriod('weekly', '2027-W01')!).name).toBe('2026-W53');
    expect(previousPeriod(parseReportPeriod('daily', '2027-03-01')!).name).toBe('2027-02-28');
  });
});
