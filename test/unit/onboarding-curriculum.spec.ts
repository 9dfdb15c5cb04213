import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { curriculumSchema, onboardingPlan, plannedClassroomHours } from '../../src/domain/onboarding/curriculum';
import { policyPackSchema } from '../../src/domain/policy/policy.schema';
import { toBusinessCalendar } from '../../src/domain/policy/ticket-policy';
import type { PolicyPack } from '../../src/domain/policy/policy.schema';

const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
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
