import { z } from 'zod';
import { BusinessCalendar, localDateOf, openIntervalsOfDay } from '../sla/calendar';
import { isDuration, parseDuration } from '../sla/duration';
import { TICKET_CATEGORIES } from '../ticket';

/**
 * A policy pack's `onboarding:` section (issue 14): the brand's training curriculum, pinned into
 * each onboarding case like a ticket's policy. The seeds:
 * - 000 (Uoozee): competency-based modules — technical diagnostics 15–20 h, billing and policy
 *   8–12 h, soft skills 6–8 h; double-blind QA on a 15-point rubric, pass rate ≥ 90 %; quarterly
 *   refreshers.
 * - 001 (VIVtone): a 4-week classroom of at least 40 hours, then a 4–8 week mentored period gated
 *   on AHT within 10 % of target and CSAT ≥ 80 %; quarterly 8 h deep-dives, monthly 2 h
 *   workshops, annual 4 h compliance training.
 */

const hours = z.number().positive().max(1_000);
const moduleId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'a lowercase id: letters, digits, dashes');
const testLength = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

/** The 15-point rubric QA reviewers score a ticket on: each criterion's points, summing to the rubric's total. */
const qaSchema = z
  .object({
    rubric: z.array(z.object({ id: moduleId, name: z.string().trim().min(1).max(200), points: z.number().int().positive().max(15) }).strict()).min(1),
    /** A review passes at this many points or more (of the rubric's total). */
    passScore: z.number().int().positive(),
    /** The certification gate: at least this share of the last `lastReviews` reviews passed (000: "≥ 90 %"). */
    passRate: z.number().min(0).max(1),
    lastReviews: z.number().int().positive().max(100),
    /** Two reviewers further apart than this (points) send the review to a third, calibrating reviewer. */
    calibrateAbove: z.number().int().min(0),
  })
  .strict()
  .superRefine((q, ctx) => {
    const total = q.rubric.reduce((a, c) => a + c.points, 0);
    if (q.passScore > total) ctx.addIssue({ code: 'custom', path: ['passScore'], message: `above the rubric's ${total} points` });
    const ids = new Set(q.rubric.map((c) => c.id));
    if (ids.size !== q.rubric.length) ctx.addIssue({ code: 'custom', path: ['rubric'], message: 'a criterion id twice' });
  });

/** Training after certification: a session of `hours` every `everyMonths` months; a mandatory one overdue by `graceDays` suspends solo work. */
const refresherSchema = z
  .object({
    id: moduleId,
    name: z.string().trim().min(1).max(200),
    hours,
    everyMonths: z.number().int().positive().max(36),
    mandatory: z.boolean().default(false),
    graceDays: z.number().int().min(0).max(365).default(0),
  })
  .strict();

export const curriculumSchema = z
  .object({
    /** The pack's calendar whose open days count as training days (deadlines fall at its close); escalations wait for its hours. */
    calendar: z.string().min(1).default('business'),
    /**
     * Test packs only: a "week" (and a "month") of this elapsed length instead of the calendar's,
     * so a whole onboarding runs in seconds on the real server. The shipped packs never set it.
     */
    testWeek: testLength.optional(),
    testMonth: testLength.optional(),
    /** Who hears of an overdue module or decision when the agent has no team lead. */
    escalateTo: z.string().min(1).default('user:support-operations-lead'),
    classroom: z
      .object({
        /** Weeks from the first day within which the classroom phase must end (absent: competency-based, no deadline). */
        weeks: z.number().int().positive().max(52).optional(),
        /** Hours in all the classroom phase needs, whatever the modules (001: "minimum 40 hours"). */
        minimumHours: hours.optional(),
        modules: z
          .array(
            z
              .object({
                id: moduleId,
                name: z.string().trim().min(1).max(200),
                /** The module's planned hours: at least `min`; `max` is the plan's upper end (000: "15–20 h"). */
                hours: z.object({ min: hours, max: hours.optional() }).strict(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict()
      .superRefine((c, ctx) => {
        const ids = new Set<string>();
        c.modules.forEach((m, i) => {
          if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['modules', i, 'id'], message: `module "${m.id}" twice` });
          ids.add(m.id);
          if (m.hours.max !== undefined && m.hours.max < m.hours.min) ctx.addIssue({ code: 'custom', path: ['modules', i, 'hours', 'max'], message: 'below min' });
        });
      }),
    /** The mentored period after the classroom: at least `minWeeks`, closed with a decision at `maxWeeks`. */
    mentored: z
      .object({
        minWeeks: z.number().int().positive().max(52),
        maxWeeks: z.number().int().positive().max(52),
        /** The one extension a decision may grant, in weeks past the window's close. */
        extendWeeks: z.number().int().positive().max(52).default(4),
        gates: z
          .object({
            /** AHT within this share of the brand's target (001: "within 10 % of target"). */
            ahtTolerance: z.number().min(0).max(1).optional(),
            /** CSAT (share of 4–5 scores) at least this (001: "CSAT ≥ 80 %"). */
            csatMin: z.number().min(0).max(1).optional(),
            /** Rated tickets a gate needs before it is judged at all. */
            minRatedTickets: z.number().int().positive().max(10_000).default(20),
          })
          .strict()
          .default({ minRatedTickets: 20 }),
      })
      .strict()
      .refine((m) => m.maxWeeks >= m.minWeeks, { path: ['maxWeeks'], message: 'below minWeeks' })
      .optional(),
    qa: qaSchema.optional(),
    refreshers: z.array(refresherSchema).default([]),
    /**
     * The classroom modules a ticket category needs (issue 14 §4): an agent certified without one
     * of them (certified under an older curriculum) takes such tickets only with a mentor named.
     */
    categories: z.record(z.enum(TICKET_CATEGORIES), z.array(moduleId).min(1)).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = new Set(c.classroom.modules.map((m) => m.id));
    c.refreshers.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['refreshers', i, 'id'], message: `"${r.id}" is a classroom module's id too` });
      ids.add(r.id);
    });
    const modules = new Set(c.classroom.modules.map((m) => m.id));
    for (const [category, needs] of Object.entries(c.categories)) {
      needs?.forEach((m, i) => {
        if (!modules.has(m)) ctx.addIssue({ code: 'custom', path: ['categories', category, i], message: `"${m}" is not a classroom module` });
      });
    }
    if ((c.testWeek === undefined) !== (c.testMonth === undefined)) ctx.addIssue({ code: 'custom', path: ['testMonth'], message: 'testWeek and testMonth go together' });
  });

export type CurriculumInput = z.input<typeof curriculumSchema>;
export type Curriculum = z.output<typeof curriculumSchema>;

export interface OnboardingPlan {
  /** The first training day's opening. */
  startsAt: number;
  /** Close of the classroom phase's last training day (null: competency-based, no deadline). */
  classroomDueAt: number | null;
  /** The mentored period: its first day's opening, the earliest close (minWeeks) and the decision (maxWeeks). */
  mentored: { startsAt: number; earliestEndAt: number; closesAt: number } | null;
}

type LocalDay = { y: number; m: number; d: number };

const dayAfter = (day: LocalDay, n: number): LocalDay => {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};

/** The first training day on or after `day` and its opening instant (a year at most: the calendar is validated to open). */
function firstOpenOnOrAfter(cal: BusinessCalendar, day: LocalDay): { day: LocalDay; opensAt: number } {
  for (let i = 0; i <= 366; i++) {
    const candidate = dayAfter(day, i);
    const open = openIntervalsOfDay(cal, candidate.y, candidate.m, candidate.d);
    if (open.length) return { day: candidate, opensAt: open[0][0] };
  }
  throw new RangeError(`no training day within a year of ${day.y}-${day.m}-${day.d} in ${cal.timeZone}`);
}

/** The close of the last training day on or before `day`, not before `notBefore`. */
function lastCloseOnOrBefore(cal: BusinessCalendar, day: LocalDay, notBefore: LocalDay): number {
  for (let i = 0; i <= 366; i++) {
    const candidate = dayAfter(day, -i);
    if (Date.UTC(candidate.y, candidate.m - 1, candidate.d) < Date.UTC(notBefore.y, notBefore.m - 1, notBefore.d)) break;
    const open = openIntervalsOfDay(cal, candidate.y, candidate.m, candidate.d);
    if (open.length) return open[open.length - 1][1];
  }
  throw new RangeError(`no training day between ${notBefore.y}-${notBefore.m}-${notBefore.d} and ${day.y}-${day.m}-${day.d} in ${cal.timeZone}`);
}

/**
 * Close of the last training day of a span of `weeks` weeks whose first day is `first`: a 4-week
 * classroom begun on Monday 2 March ends at Friday 27 March's close (the span's last day, Sunday
 * the 29th, is closed; a holiday on the Friday would end it on the Thursday).
 */
function spanEnd(cal: BusinessCalendar, first: LocalDay, weeks: number): number {
  return lastCloseOnOrBefore(cal, dayAfter(first, weeks * 7 - 1), first);
}

/**
 * The dates an onboarding case keeps, from the hire's first day (`startAt`, any instant of it) on
 * the curriculum's calendar. Pure: the workflow's timers and the API's answers both come from it.
 */
export function onboardingPlan(curriculum: Curriculum, cal: BusinessCalendar, startAt: number): OnboardingPlan {
  const weeks = curriculum.classroom.weeks;
  const test = testLengths(curriculum);
  if (test) {
    const classroomDueAt = weeks === undefined ? null : startAt + weeks * test.week;
    const mentored = curriculum.mentored && classroomDueAt !== null ? mentoredWindow(curriculum, cal, classroomDueAt) : null;
    return { startsAt: startAt, classroomDueAt, mentored };
  }
  const start = firstOpenOnOrAfter(cal, localDateOf(cal.timeZone, startAt));
  const classroomDueAt = weeks === undefined ? null : spanEnd(cal, start.day, weeks);
  if (!curriculum.mentored || classroomDueAt === null) return { startsAt: start.opensAt, classroomDueAt, mentored: null };
  // The mentored period begins on the next training day after the classroom's last.
  return { startsAt: start.opensAt, classroomDueAt, mentored: mentoredWindow(curriculum, cal, classroomDueAt) };
}

/**
 * The mentored period of an agent whose mentor was assigned at `from` (or whose classroom closed
 * then): from the next training day's opening, the earliest end after `minWeeks` and the decision
 * due after `maxWeeks`, each at a training day's close. Null when the curriculum has no mentored period.
 */
export function mentoredWindow(curriculum: Curriculum, cal: BusinessCalendar, from: number): OnboardingPlan['mentored'] {
  const m = curriculum.mentored;
  if (!m) return null;
  const test = testLengths(curriculum);
  if (test) return { startsAt: from, earliestEndAt: from + m.minWeeks * test.week, closesAt: from + m.maxWeeks * test.week };
  const first = firstOpenOnOrAfter(cal, dayAfter(localDateOf(cal.timeZone, from - 1), 1));
  return { startsAt: first.opensAt, earliestEndAt: spanEnd(cal, first.day, m.minWeeks), closesAt: spanEnd(cal, first.day, m.maxWeeks) };
}

/** The one extension: `extendWeeks` more weeks past `closesAt`, to a training day's close. */
export function extendedClose(curriculum: Curriculum, cal: BusinessCalendar, closesAt: number): number {
  const weeks = curriculum.mentored?.extendWeeks ?? 4;
  const test = testLengths(curriculum);
  if (test) return closesAt + weeks * test.week;
  const last = localDateOf(cal.timeZone, closesAt - 1);
  return lastCloseOnOrBefore(cal, dayAfter(last, weeks * 7), last);
}

/** A week's length for check-ins: seven days, or a test pack's `testWeek`. */
export function weekLength(curriculum: Curriculum): number {
  return testLengths(curriculum)?.week ?? 7 * 86_400_000;
}

/**
 * `months` calendar months after `from`, at the same UTC time of day (the 31st becomes the
 * month's last day): when a refresher falls due. A test pack's `testMonth` is elapsed time.
 */
export function monthsAfter(curriculum: Curriculum, from: number, months: number): number {
  const test = testLengths(curriculum);
  if (test) return from + months * test.month;
  const d = new Date(from);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

function testLengths(curriculum: Curriculum): { week: number; month: number } | null {
  if (curriculum.testWeek === undefined || curriculum.testMonth === undefined) return null;
  return { week: parseDuration(curriculum.testWeek), month: parseDuration(curriculum.testMonth) };
}

/** Hours the classroom plan asks for in all: the larger of the stated minimum and the modules' minimums. */
export function plannedClassroomHours(curriculum: Curriculum): number {
  const modules = curriculum.classroom.modules.reduce((a, m) => a + m.hours.min, 0);
  return Math.max(curriculum.classroom.minimumHours ?? 0, modules);
}
