import { caseworksSchedules, REPORT_SCHEDULE_IDS, reportSchedule } from '../../../src/worker/schedules';

describe('report schedules (001_…txt: "Operational reporting is run on daily, weekly, and monthly cadences")', () => {
  it('every deployment ensures one schedule per cadence at worker start, each with a static summary for the Temporal UI', () => {
    const ids = caseworksSchedules('q').map((s) => s.scheduleId);
    expect(ids).toEqual(expect.arrayContaining(['caseworks-report-daily', 'caseworks-report-weekly', 'caseworks-report-monthly', 'caseworks-report-quarterly']));
    for (const kind of ['daily', 'weekly', 'monthly', 'quarterly'] as const) {
      const s = reportSchedule('q', kind);
      expect(s.scheduleId).toBe(REPORT_SCHEDULE_IDS[kind]);
      expect(s.action).toMatchObject({ type: 'startWorkflow', workflowId: `report-${kind}`, taskQueue: 'q' });
      expect(s.action.type === 'startWorkflow' && s.action.staticSummary).toMatch(/report/i);
      expect(s.policies?.overlap).toBe('SKIP');
    }
  });

  it('runs each after its period ends: daily 01:00, weekly Monday 02:00, monthly the 1st 03:00, quarterly 1 Jan/Apr/Jul/Oct 04:00 (UTC)', () => {
    expect(reportSchedule('q', 'daily').spec.calendars).toEqual([expect.objectContaining({ hour: 1, minute: 0 })]);
    expect(reportSchedule('q', 'weekly').spec.calendars).toEqual([expect.objectContaining({ dayOfWeek: 'MONDAY', hour: 2 })]);
    expect(reportSchedule('q', 'monthly').spec.calendars).toEqual([expect.objectContaining({ dayOfMonth: 1, hour: 3 })]);
    expect(reportSchedule('q', 'quarterly').spec.calendars).toEqual([expect.objectContaining({ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 4 })]);
  });
});
