import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { curriculumSchema, extendedClose, mentoredWindow, monthsAfter, onboardingPlan, plannedClassroomHours, weekLength } from '../../src/domain/onboarding/curriculum';
import { policyPackSchema } from '../../src/domain/policy/policy.schema';
import { toBusinessCalendar } from '../../src/domain/policy/ticket-policy';
import type { PolicyPack } from '../../src/domain/policy/policy.schema';

const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
/** Test packs: a "week" of 5 s and a "month" of 10 s, elapsed. */
const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));
const calendarOf = (pack: PolicyPack) => {
  const cal = pack.calendars[pack.onboarding!.calendar];
  if (cal === '24x7' || cal === undefined) throw new Error('a working calendar');
  return toBusinessCalendar(cal);
};
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

describe('onboarding curricula in the shipped packs (issue 14)', () => {
  it('001: a VIVtone hire starting Monday 2026-03-02 in Austin: classroom due Friday 03-27, mentored window 04-24 to 05-22 (each at the 17:00 close)', () => {
    const vivtone = shipped.find('vivtone')!;
    const plan = onboardingPlan(vivtone.onboarding!, calendarOf(vivtone), Date.parse('2026-03-02T08:00:00-06:00'));
    expect(iso(plan.startsAt)).toBe('2026-03-02T15:00:00.000Z'); // 09:00 CST
    expect(iso(plan.classroomDueAt)).toBe('2026-03-27T22:00:00.000Z'); // Friday 17:00 CDT (DST began 03-08)
    expect(plan.mentored && { startsAt: iso(plan.mentored.startsAt), earliestEndAt: iso(plan.mentored.earliestEndAt), closesAt: iso(plan.mentored.closesAt) }).toEqual({
      startsAt: '2026-03-30T14:00:00.000Z', // Monday 09:00 CDT
      earliestEndAt: '2026-04-24T22:00:00.000Z',
      closesAt: '2026-05-22T22:00:00.000Z',
    });
    // "minimum 40 hours": the modules add up to it.
    expect(plannedClassroomHours(vivtone.onboarding!)).toBe(40);
  });

  it('a start on a closed day begins on the next training day; a holiday on the last Friday ends the span on the Thursday', () => {
    const vivtone = shipped.find('vivtone')!;
    const cal = calendarOf(vivtone);
    // Saturday 2026-11-28: training starts Monday 11-30; four weeks end Friday 12-25, Christmas (closed) → Thursday 12-24.
    const plan = onboardingPlan(vivtone.onboarding!, cal, Date.parse('2026-11-28T12:00:00-06:00'));
    expect(iso(plan.startsAt)).toBe('2026-11-30T15:00:00.000Z');
    expect(iso(plan.classroomDueAt)).toBe('2026-12-24T23:00:00.000Z');
    // The mentored period begins on the next training day after Christmas: Monday 12-28 (Saturday and Sunday closed).
    expect(iso(plan.mentored!.startsAt)).toBe('2026-12-28T15:00:00.000Z');
  });

  it('000: Uoozee training is competency-based: module ranges, no deadline by the calendar', () => {
    const uoozee = shipped.find('uoozee')!;
    expect(uoozee.onboarding!.classroom.modules.map((m) => [m.id, m.hours.min, m.hours.max])).toEqual([
      ['technical-diagnostics', 15, 20],
      ['billing-policy', 8, 12],
      ['soft-skills', 6, 8],
    ]);
    const plan = onboardingPlan(uoozee.onboarding!, calendarOf(uoozee), Date.parse('2026-03-02T08:00:00-05:00'));
    expect(plan.classroomDueAt).toBeNull();
    expect(plan.mentored).toBeNull();
    expect(plannedClassroomHours(uoozee.onboarding!)).toBe(29);
  });

  it('refuses a broken curriculum naming the field', () => {
    const bad = curriculumSchema.safeParse({ classroom: { modules: [{ id: 'a', name: 'A', hours: { min: 5, max: 3 } }, { id: 'a', name: 'B', hours: { min: 1 } }] }, mentored: { minWeeks: 8, maxWeeks: 4 } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['classroom.modules.0.hours.max', 'classroom.modules.1.id', 'mentored.maxWeeks']));
    const raw = parseYaml(readFileSync(resolve(__dirname, '..', '..', 'policies', 'vivtone.yaml'), 'utf8'));
    const pack = { ...raw, onboarding: { calendar: 'nowhere', classroom: { modules: [{ id: 'a', name: 'A', hours: { min: 1 } }] } } };
    const parsed = policyPackSchema.safeParse(pack);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['onboarding.calendar', 'unknown calendar "nowhere"']);
  });
});

describe('the mentored window from a mentor assigned mid-week (shipped VIVtone, America/Chicago Mon–Fri 09:00–17:00)', () => {
  const vivtone = shipped.find('vivtone')!;
  const cal = calendarOf(vivtone);
  const window = (from: number) => {
    const w = mentoredWindow(vivtone.onboarding!, cal, from);
    return w && { startsAt: iso(w.startsAt), earliestEndAt: iso(w.earliestEndAt), closesAt: iso(w.closesAt) };
  };

  it('a mentor assigned Wednesday 2026-04-01 10:00 starts the period Thursday 04-02 09:00; 4 and 8 weeks of training days end on the Wednesdays 04-29 and 05-27 at 17:00 (Good Friday 04-03 is a training day)', () => {
    // Thursday 04-02 + 4 × 7 days − 1 = Wednesday 04-29: 20 training days; + 8 weeks − 1 = Wednesday 05-27 (Memorial Day is not in the pack).
    expect(window(Date.parse('2026-04-01T10:00:00-05:00'))).toEqual({
      startsAt: '2026-04-02T14:00:00.000Z', // Thursday 09:00 CDT
      earliestEndAt: '2026-04-29T22:00:00.000Z', // Wednesday 17:00 CDT
      closesAt: '2026-05-27T22:00:00.000Z', // Wednesday 17:00 CDT
    });
  });

  it('a mentor assigned at local midnight starts the period that day: Thursday 2026-04-02 00:00 CDT → Thursday 09:00', () => {
    expect(window(Date.parse('2026-04-02T00:00:00-05:00'))!.startsAt).toBe('2026-04-02T14:00:00.000Z');
    expect(window(Date.parse('2026-04-02T00:00:00.001-05:00'))!.startsAt).toBe('2026-04-03T14:00:00.000Z');
  });

  it('the classroom\'s close (Friday 17:00) starts the period the next Monday, as the plan does', () => {
    expect(window(Date.parse('2026-03-27T22:00:00.000Z'))).toEqual({ startsAt: '2026-03-30T14:00:00.000Z', earliestEndAt: '2026-04-24T22:00:00.000Z', closesAt: '2026-05-22T22:00:00.000Z' });
  });

  it('a mentor assigned on a Saturday starts the period on Monday; one assigned the day before Thanksgiving starts it on the Friday after', () => {
    expect(window(Date.parse('2026-04-04T12:00:00-05:00'))!.startsAt).toBe('2026-04-06T14:00:00.000Z');
    // Wednesday 2026-11-25 → Thursday 11-26 is Thanksgiving (closed) → Friday 11-27 09:00 CST.
    const w = window(Date.parse('2026-11-25T10:00:00-06:00'))!;
    expect(w.startsAt).toBe('2026-11-27T15:00:00.000Z');
    // Friday 11-27 + 27 days = Thursday 12-24 (Christmas Friday is outside the span): 17:00 CST.
    expect(w.earliestEndAt).toBe('2026-12-24T23:00:00.000Z');
  });

  it('a curriculum without a mentored period has no window', () => {
    const uoozee = shipped.find('uoozee')!;
    expect(mentoredWindow(uoozee.onboarding!, calendarOf(uoozee), Date.parse('2026-04-01T10:00:00-04:00'))).toBeNull();
  });
});

describe('extendedClose: the one extension, extendWeeks (4) more weeks to a training day\'s close', () => {
  const vivtone = shipped.find('vivtone')!;
  const cal = calendarOf(vivtone);
  const extend = (closesAt: string) => iso(extendedClose(vivtone.onboarding!, cal, Date.parse(closesAt)));

  it('the pack extends by 4 weeks', () => {
    expect(vivtone.onboarding!.mentored!.extendWeeks).toBe(4);
  });

  it('Friday 2026-05-22 17:00 → Friday 06-19 17:00 (Juneteenth is not a holiday of the pack); Wednesday 05-27 → Wednesday 06-24', () => {
    expect(extend('2026-05-22T22:00:00.000Z')).toBe('2026-06-19T22:00:00.000Z');
    expect(extend('2026-05-27T22:00:00.000Z')).toBe('2026-06-24T22:00:00.000Z');
  });

  it('keeps the 17:00 local close across the end of daylight saving time (Friday 10-23 CDT → Friday 11-20 CST)', () => {
    expect(extend('2026-10-23T22:00:00.000Z')).toBe('2026-11-20T23:00:00.000Z');
  });

  it('a holiday on the new close moves it back to the training day before: Christmas 2026 (Friday), and Christmas 2027 observed on Friday 12-24', () => {
    // Friday 2026-11-27 (day after Thanksgiving, open) + 28 days = Friday 12-25, closed → Thursday 12-24.
    expect(extend('2026-11-27T23:00:00.000Z')).toBe('2026-12-24T23:00:00.000Z');
    // Christmas 2027 is a Saturday: observed Friday 12-24 (us-federal), so Friday 2027-11-26 + 4 weeks ends Thursday 12-23.
    expect(extend('2027-11-26T23:00:00.000Z')).toBe('2027-12-23T23:00:00.000Z');
  });

  it('a test pack extends by extendWeeks × testWeek of elapsed time (1 × 5 s)', () => {
    const test = fixtures.find('vivtone')!;
    expect(extendedClose(test.onboarding!, calendarOf(test), 1_000_000)).toBe(1_005_000);
  });
});

describe('weekLength and monthsAfter', () => {
  const vivtone = shipped.find('vivtone')!.onboarding!;
  const test = fixtures.find('vivtone')!.onboarding!;

  it('a week is seven days of 24 h, or a test pack\'s testWeek (5 s)', () => {
    expect(weekLength(vivtone)).toBe(604_800_000);
    expect(weekLength(test)).toBe(5_000);
  });

  it('the 31st plus one month is the month\'s last day at the same UTC time: 2027-01-31 → 2027-02-28, 2028-01-31 → 2028-02-29 (leap year)', () => {
    expect(iso(monthsAfter(vivtone, Date.parse('2027-01-31T15:30:00.000Z'), 1))).toBe('2027-02-28T15:30:00.000Z');
    expect(iso(monthsAfter(vivtone, Date.parse('2028-01-31T15:30:00.000Z'), 1))).toBe('2028-02-29T15:30:00.000Z');
    expect(iso(monthsAfter(vivtone, Date.parse('2026-08-31T23:59:59.999Z'), 1))).toBe('2026-09-30T23:59:59.999Z');
  });

  it('crosses years: 2026-12-04 + 12 months is 2027-12-04, + 3 months 2027-03-04, + 1 month 2027-01-04', () => {
    const from = Date.parse('2026-12-04T16:00:00.000Z');
    expect(iso(monthsAfter(vivtone, from, 12))).toBe('2027-12-04T16:00:00.000Z');
    expect(iso(monthsAfter(vivtone, from, 3))).toBe('2027-03-04T16:00:00.000Z');
    expect(iso(monthsAfter(vivtone, from, 1))).toBe('2027-01-04T16:00:00.000Z');
  });

  it('a test pack\'s month is elapsed testMonth (10 s), whatever the date', () => {
    const from = Date.parse('2027-01-31T15:30:00.000Z');
    expect(monthsAfter(test, from, 1)).toBe(from + 10_000);
    expect(monthsAfter(test, from, 12)).toBe(from + 120_000);
  });
});

describe('onboarding curricula in the test packs (elapsed weeks, no calendar)', () => {
  it('VIVtone (test): the classroom is due 2 × 5 s after the start, the mentored window 1 and 2 weeks after that, all elapsed', () => {
    const test = fixtures.find('vivtone')!;
    // A Saturday: a test pack does not wait for a training day.
    const start = Date.parse('2026-03-07T12:00:00.000Z');
    expect(onboardingPlan(test.onboarding!, calendarOf(test), start)).toEqual({
      startsAt: start,
      classroomDueAt: start + 10_000,
      mentored: { startsAt: start + 10_000, earliestEndAt: start + 15_000, closesAt: start + 20_000 },
    });
  });

  it('the stated minimum wins over the modules\' sum: VIVtone (test) plans 4 h for modules of 2 + 1 h', () => {
    expect(plannedClassroomHours(fixtures.find('vivtone')!.onboarding!)).toBe(4);
    expect(plannedClassroomHours(fixtures.find('uoozee')!.onboarding!)).toBe(3);
  });

  it('refuses testWeek without testMonth', () => {
    const bad = curriculumSchema.safeParse({ testWeek: '5s', classroom: { modules: [{ id: 'a', name: 'A', hours: { min: 1 } }] } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.'))).toContain('testMonth');
  });
});
