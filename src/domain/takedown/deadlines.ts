import { z } from 'zod';
import { holidayRulesSchema } from '../calendar/holiday-rules.schema';
import { addBusinessTime, BusinessCalendar, validateCalendar } from '../sla/calendar';
import { isDuration, parseDuration } from '../sla/duration';
import type { LegalBasis, NotifierRole } from './notice';
import type { PreservationPolicy } from './preservation';
import { REGIMES, Regime } from './regime';

/**
 * Time limits of a takedown case, from the legal team's policy pack:
 *
 * - decide by: per regime and tier. Tiers in order: safety (child sexual abuse, threat to life or
 *   safety), trusted (DSA Art. 22 trusted flaggers and authority orders), standard. Legal
 *   deadlines are wall-clock time ("within 24 hours"), so these run 24×7.
 * - needs_info: how long the notifier has to complete the notice before the case lapses.
 * - §512(g)(2)(C) restore window: 10 to 14 business days after the counter-notice arrives, on the
 *   legal team's business calendar — the only limit here stated in business days.
 * - DSA Art. 20 complaint window: at least six months after the decision, counted in months.
 */
export const TAKEDOWN_TIERS = ['safety', 'trusted', 'standard'] as const;
export type TakedownTier = (typeof TAKEDOWN_TIERS)[number];

/** §512(g)(2)(C): "not less than 10, nor more than 14, business days following receipt". Statute, not policy. */
export const RESTORE_MIN_BUSINESS_DAYS = 10;
export const RESTORE_MAX_BUSINESS_DAYS = 14;

const duration = z.string().refine(isDuration, 'must be a duration like 24h, 72h or 14d');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

// Same shape as a pack's named calendars (policy.schema.ts); 24×7 makes no sense for business days.
const legalCalendarSchema = z
  .object({
    timeZone: z.string().min(1),
    weekly: z.record(z.enum(WEEKDAYS), z.array(z.object({ start: hhmm, end: hhmm }).strict())),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')).default([]),
    /** E.g. `{ sets: [us-federal] }`: §512(g) counts US business days, every year, not a list that runs out. */
    holidayRules: holidayRulesSchema.optional(),
  })
  .strict();

const tierTargets = z.object({ safety: duration, trusted: duration, standard: duration }).strict();

export const takedownPolicySchema = z
  .object({
    /** The legal team's working calendar, e.g. Mon–Fri 09:00–17:00 America/New_York with federal holidays. */
    calendar: legalCalendarSchema,
    decideWithin: tierTargets,
    /** Per-regime overrides of decideWithin, e.g. a tighter safety target under the DSA. */
    regimes: z.record(z.enum(REGIMES), tierTargets.partial()).default({}),
    needsInfoWait: duration.default('14d'),
    /** Months, not a duration: months differ in length and "six months" means calendar months. */
    complaintWindowMonths: z.number().int().min(6, 'the DSA requires at least six months').max(24).default(6),
    atRiskAt: z.number().gt(0).lt(1).default(0.75),
    /**
     * Test packs only: the §512(g) restore window as wall-clock durations after receipt instead of
     * 10–14 business days, so a test sees a restoration in seconds. Shipped packs leave it out.
     */
    restoreClock: z.object({ notBefore: duration, notAfter: duration }).strict().optional(),
    /**
     * Authorities' preservation (retention) requests: how long a hold lasts, the one extension a
     * renewed request buys, and when the legal lead is reminded before it expires.
     */
    preservation: z
      .object({
        holdFor: duration.default('90d'),
        extendBy: duration.default('90d'),
        remindBefore: z.array(duration).max(10).default(['14d', '3d']),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const calendar = legalCalendar(p.calendar);
    for (const problem of validateCalendar(calendar)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['calendar'], message: problem });
    const lengths = new Set(Object.values(p.calendar.weekly).map(openMinutes).filter((m) => m > 0));
    if (lengths.size === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['calendar', 'weekly'], message: 'no working day' });
    // Business days are counted as N × (one day's business time); unequal days would miscount.
    if (lengths.size > 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['calendar', 'weekly'], message: 'every working day must have the same length' });
    if (p.restoreClock && isDuration(p.restoreClock.notBefore) && isDuration(p.restoreClock.notAfter) && parseDuration(p.restoreClock.notBefore) > parseDuration(p.restoreClock.notAfter)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['restoreClock'], message: 'notBefore must not be after notAfter' });
    }
    // Tier order is a promise (safety first); a pack that inverts it is a typo, not a choice.
    for (const regime of REGIMES) {
      const t = { ...p.decideWithin, ...p.regimes[regime] };
      if (!isDuration(t.safety) || !isDuration(t.trusted) || !isDuration(t.standard)) continue;
      const [s, tr, st] = [parseDuration(t.safety), parseDuration(t.trusted), parseDuration(t.standard)];
      if (s > tr || tr > st) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['regimes', regime], message: `${regime}: safety ≤ trusted ≤ standard is required` });
      }
    }
  });

export type TakedownPolicyInput = z.input<typeof takedownPolicySchema>;

/** The policy resolved to numbers, pinned into a case workflow's input. */
export interface TakedownPolicy {
  calendar: BusinessCalendar;
  /** Business time in one working day of the calendar (8h for 09:00–17:00). */
  businessDayMs: number;
  decideWithinMs: Record<Regime, Record<TakedownTier, number>>;
  needsInfoWaitMs: number;
  complaintWindowMonths: number;
  atRiskRatio: number;
  /** Test packs only (restoreClock): the restore window in wall-clock ms after receipt. */
  restoreClockMs?: { notBefore: number; notAfter: number };
  /** Optional: cases pinned before preservation holds existed lack it (the hold pins its own copy). */
  preservation?: PreservationPolicy;
}

export function pinTakedownPolicy(input: unknown): TakedownPolicy {
  const p = takedownPolicySchema.parse(input);
  const decideWithinMs = Object.fromEntries(
    REGIMES.map((regime) => {
      const t = { ...p.decideWithin, ...p.regimes[regime] };
      return [regime, { safety: parseDuration(t.safety), trusted: parseDuration(t.trusted), standard: parseDuration(t.standard) }];
    }),
  ) as Record<Regime, Record<TakedownTier, number>>;
  const dayMinutes = Math.max(...Object.values(p.calendar.weekly).map(openMinutes));
  return {
    calendar: legalCalendar(p.calendar),
    businessDayMs: dayMinutes * 60_000,
    decideWithinMs,
    needsInfoWaitMs: parseDuration(p.needsInfoWait),
    complaintWindowMonths: p.complaintWindowMonths,
    atRiskRatio: p.atRiskAt,
    preservation: {
      holdMs: parseDuration(p.preservation.holdFor),
      extendByMs: parseDuration(p.preservation.extendBy),
      remindBeforeMs: p.preservation.remindBefore.map(parseDuration),
    },
    ...(p.restoreClock ? { restoreClockMs: { notBefore: parseDuration(p.restoreClock.notBefore), notAfter: parseDuration(p.restoreClock.notAfter) } } : {}),
  };
}

/** The pinned calendar; holidayRules only when declared, so a list-only pack pins exactly what it did before. */
function legalCalendar(c: z.output<typeof legalCalendarSchema>): BusinessCalendar {
  return { timeZone: c.timeZone, weekly: c.weekly, holidays: c.holidays, ...(c.holidayRules ? { holidayRules: c.holidayRules } : {}) };
}

function openMinutes(windows: Array<{ start: string; end: string }> | undefined): number {
  const min = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return (windows ?? []).reduce((sum, w) => sum + Math.max(0, min(w.end) - min(w.start)), 0);
}

// ── Priority ───────────────────────────────────────────────────────────────────────────────────

/**
 * A notice's tier. The notifier role is only claimed at intake: trusted-flagger status is awarded
 * by a Digital Services Coordinator, so it counts only once checked (roleVerified).
 */
export function takedownTier(notice: { legalBasis: LegalBasis; notifierRole: NotifierRole; roleVerified: boolean }): TakedownTier {
  if (notice.legalBasis === 'child_safety' || notice.legalBasis === 'threat_to_life_or_safety') return 'safety';
  if (notice.roleVerified && (notice.notifierRole === 'trusted_flagger' || notice.notifierRole === 'authority')) return 'trusted';
  return 'standard';
}

export interface QueuedTakedown {
  tier: TakedownTier;
  decisionDueAt: number;
  receivedAt: number;
}

/**
 * Review queue order: tier first, then the earlier deadline, then the earlier notice. Tier beats
 * deadline: an overdue copyright claim must not hold up a report of a threat to someone's life.
 */
export function compareTakedownUrgency(a: QueuedTakedown, b: QueuedTakedown): number {
  const rank = TAKEDOWN_TIERS.indexOf(a.tier) - TAKEDOWN_TIERS.indexOf(b.tier);
  return rank || a.decisionDueAt - b.decisionDueAt || a.receivedAt - b.receivedAt;
}

// ── Deadlines ──────────────────────────────────────────────────────────────────────────────────

export interface Deadline {
  dueAt: number;
  atRiskAt: number;
}

/** The earliest deadline of the case's regimes: a notice claimed under the DSA and §512 meets both. */
export function decisionDeadline(policy: TakedownPolicy, regimes: readonly Regime[], tier: TakedownTier, startedAt: number): Deadline {
  if (regimes.length === 0) throw new RangeError('a takedown case has at least one regime');
  const windowMs = Math.min(...regimes.map((r) => policy.decideWithinMs[r][tier]));
  return { dueAt: startedAt + windowMs, atRiskAt: startedAt + Math.floor(windowMs * policy.atRiskRatio) };
}

export type DeadlineStatus = 'on_track' | 'at_risk' | 'overdue';

export function deadlineStatus(deadline: Deadline, now: number): DeadlineStatus {
  if (now >= deadline.dueAt) return 'overdue';
  return now >= deadline.atRiskAt ? 'at_risk' : 'on_track';
}

/** When an unanswered request for information lapses the case. */
export function needsInfoLapseAt(policy: TakedownPolicy, requestedAt: number): number {
  return requestedAt + policy.needsInfoWaitMs;
}

export interface RestoreWindow {
  /** Earliest restore: RESTORE_MIN_BUSINESS_DAYS of business time after receipt. */
  notBefore: number;
  /** Latest restore: RESTORE_MAX_BUSINESS_DAYS of business time after receipt. */
  notAfter: number;
}

/**
 * §512(g)(2)(C), counted as business time: N business days = N × the calendar's working day,
 * added with addBusinessTime. A counter-notice received Monday 12:00 opens the window at 12:00 on
 * the Monday two working weeks later (holidays pushing it on), one received out of hours counts
 * from the next opening, so the notifier always gets ten full working days to report a lawsuit.
 */
export function restoreWindow(policy: TakedownPolicy, counterNoticeReceivedAt: number): RestoreWindow {
  if (policy.restoreClockMs) {
    return { notBefore: counterNoticeReceivedAt + policy.restoreClockMs.notBefore, notAfter: counterNoticeReceivedAt + policy.restoreClockMs.notAfter };
  }
  return {
    notBefore: addBusinessTime(policy.calendar, counterNoticeReceivedAt, RESTORE_MIN_BUSINESS_DAYS * policy.businessDayMs),
    notAfter: addBusinessTime(policy.calendar, counterNoticeReceivedAt, RESTORE_MAX_BUSINESS_DAYS * policy.businessDayMs),
  };
}

/**
 * The first instant after the Art. 20 complaint window, in UTC. Months are counted as in
 * Regulation 1182/71 Art. 3(2)(c): the period ends with the day of the same date N months later,
 * or with the month's last day when there is no such date (31 August + 6 months → end of February).
 */
export function complaintDeadline(policy: Pick<TakedownPolicy, 'complaintWindowMonths'>, decidedAt: number): number {
  const d = new Date(decidedAt);
  const month = d.getUTCMonth() + policy.complaintWindowMonths;
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return Date.UTC(d.getUTCFullYear(), month, Math.min(d.getUTCDate(), lastDay) + 1);
}
