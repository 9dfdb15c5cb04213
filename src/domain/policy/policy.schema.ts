import { z } from 'zod';
import { holidayRulesSchema } from '../calendar/holiday-rules.schema';
import { validateCalendar } from '../sla/calendar';
import { isDuration } from '../sla/duration';
import { alertRulesSchema } from '../incident/alert';
import { disputePolicySchema } from '../billing/dispute';
import { dunningPolicySchema } from '../billing/dunning';
import { refundPolicySchema } from '../billing/refund';
import { takedownPolicySchema } from '../takedown/deadlines';
import { regimeConfigSchema } from '../takedown/regime';
import { DEFAULT_RETENTION, retentionPolicySchema } from '../retention/retention';
import { staffingPolicySchema } from '../staffing/staffing-policy';

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case slug');

export const CHANNELS = ['email', 'chat', 'phone', 'social', 'portal'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution', 'mitigation'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export const ESCALATION_LEVELS = ['assignee', 'team_lead', 'level2', 'level3'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

/**
 * A coverage calendar: '24x7', or working windows in an IANA time zone with holidays. Holidays are
 * rules (`holidayRules`: named sets such as us-federal, fixed dates with an observed-day shift, nth
 * weekdays, removals) plus any extra dates in `holidays`; a calendar with a list only counts as before.
 */
const calendarSchema = z.union([
  z.literal('24x7'),
  z
    .object({
      timeZone: z.string().min(1),
      weekly: z.record(z.enum(WEEKDAYS), z.array(z.object({ start: hhmm, end: hhmm }).strict())),
      holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')).default([]),
      holidayRules: holidayRulesSchema.optional(),
    })
    .strict(),
]);

/** SLA targets for one priority or one channel; every metric is optional. */
const targets = z
  .object({
    firstResponse: duration.optional(),
    nextResponse: duration.optional(),
    resolution: duration.optional(),
    mitigation: duration.optional(),
  })
  .strict();

const money = z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) }).strict();

export const policyPackSchema = z
  .object({
    brand: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case slug'),
    version: z.string().min(1),
    displayName: z.string().min(1),
    /** Where the numbers come from, so a reviewer can check them against the document. */
    source: z.string().min(1),
    /** Named coverage calendars; '24x7' is always available without being declared. */
    calendars: z.record(slug, calendarSchema).default({}),
    priorities: z
      .record(
        z.string().regex(/^[A-Z0-9]+$/),
        targets.extend({ label: z.string().min(1), coverage: slug.default('24x7') }),
      )
      .refine((p) => Object.keys(p).length > 0, 'at least one priority'),
    channels: z.record(z.enum(CHANNELS), targets).default({}),
    /** Support plans (SaaS brands). When a ticket names a plan, the plan's coverage applies. */
    plans: z
      .record(
        slug,
        z
          .object({
            label: z.string().min(1),
            coverage: slug,
            channels: z.array(z.enum(CHANNELS)).min(1),
            monthlyFee: money.optional(),
          })
          .strict(),
      )
      .default({}),
    /** Share of a window after which a still-running clock is "at risk". */
    atRiskAt: z.number().gt(0).lt(1).default(0.75),
    /** After a breach: who is told, and how long after the breach. Each step happens once. */
    escalation: z
      .array(z.object({ level: z.enum(ESCALATION_LEVELS), after: z.string().refine((d) => d === '0s' || isDuration(d), 'duration') }).strict())
      .default([{ level: 'assignee', after: '0s' }]),
    reopenWindow: duration.default('7d'),
    /** A resolved ticket closes after this long without further action. */
    autoCloseAfter: duration.default('4d'),
    csatSurveyOpenFor: duration.default('3d'),
    /** SLA credits owed when a plan's targets are missed: percent of the monthly fee per breach. */
    credits: z
      .object({
        plans: z.array(slug).min(1),
        perBreach: z.array(z.object({ priority: z.string(), metric: z.enum(SLA_METRICS), percent: z.number().gt(0).max(100) }).strict()),
        monthlyCapPercent: z.number().gt(0).max(100),
      })
      .strict()
      .optional(),
    /** Incidents: which alert signatures open which priority, who is paged, and how. */
    incidents: z
      .object({
        alerting: alertRulesSchema,
        /** Priorities that page on-call people (P1 at once, 24×7; others within their coverage). */
        pagePriorities: z.array(z.string()).default([]),
        /**
         * The escalation ladder used when no escalation policy for the brand is stored in
         * PostgreSQL: targets are "rotation:<name>" or "user:<name>".
         */
        escalation: z
          .object({
            levels: z.array(z.object({ targets: z.array(z.string().min(1)).min(1), ackTimeout: duration }).strict()).min(1),
            loops: z.number().int().min(1).max(10).default(1),
          })
          .strict(),
        /**
         * Who is told when an incident misses its acknowledgement or mitigation SLA (once per
         * incident and metric): an incident manager, a duty lead. Unset: the review's escalateTo.
         */
        breachEscalateTo: z.string().trim().min(1).max(200).optional(),
        /** Post-incident reviews (every P1): due in business time on a calendar, reminders, who is told when overdue. */
        review: z
          .object({
            dueAfter: duration,
            calendar: slug.default('24x7'),
            remindBefore: z.array(duration).default([]),
            escalateTo: z.string().min(1),
            /** Corrective actions become backlog items for this owner to triage within backlogWithin. */
            triageOwner: z.string().min(1),
            backlogWithin: duration.default('14d'),
          })
          .strict(),
      })
      .strict()
      .optional(),
    /** Billing: refunds, chargebacks and failed renewals through the gateway. */
    billing: z
      .object({
        /** The calendar business days are counted on (settlement "within 5–7 business days"). */
        calendar: slug.default('24x7'),
        refunds: refundPolicySchema,
        /** Offer a retention promotion before cancelling (000_…txt: "offer retention promotions"). */
        offerRetention: z.boolean().default(true),
        /** How often a pending refund is polled when no gateway webhook has settled it. */
        settlementPollEvery: duration.default('6h'),
        /**
         * Test packs only: settlement warn/breach as wall-clock durations instead of business days,
         * so a test sees both in seconds. Shipped packs leave it out.
         */
        settlementClock: z.object({ warnAfter: duration, breachAfter: duration }).strict().optional(),
        disputes: disputePolicySchema,
        dunning: dunningPolicySchema,
      })
      .strict()
      .optional(),
    /**
     * Takedown requests for legal staff: which regime a jurisdiction falls under, the decision,
     * needs_info, §512(g) and Art. 20 clocks, and the legal lead told of deadlines at risk or
     * missed and of every report of a threat to life or safety.
     */
    takedowns: z
      .object({
        jurisdictions: regimeConfigSchema.default({}),
        clocks: takedownPolicySchema,
        escalateTo: z.string().min(1),
        /** Paged at once for a threat to life or safety (the PagerDuty service is PAGERDUTY_LEGAL_ROUTING_KEY's). */
        legalOnCall: z.string().min(1).default('rotation:legal-oncall'),
        /** Paged when an "escalate to safety" decision is applied (through the same paging adapter). */
        safetyTeam: z.string().min(1).default('rotation:safety-oncall'),
      })
      .strict()
      .optional(),
    /** How long closed cases stay in the read model (calendar months after closing), per support plan. */
    retention: retentionPolicySchema.default(DEFAULT_RETENTION),
    /** Streaming brands: the playback troubleshooting checklist's thresholds (run on playback tickets). */
    playbackChecklist: z
      .object({
        minHdMbps: z.number().positive(),
        min4kMbps: z.number().positive(),
        maxMajorVersionsBehind: z.number().int().nonnegative(),
        maxClockSkew: duration,
        certificateWarnWithin: duration,
        /** Escalations of these priorities carry the collected logs. */
        attachLogsFor: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    /** Staffing forecast (Erlang C) inputs and the seeds' headcount ratios (src/domain/staffing/). */
    staffing: staffingPolicySchema.optional(),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const known = new Set(['24x7', ...Object.keys(pack.calendars)]);
    for (const [name, cal] of Object.entries(pack.calendars)) {
      if (cal === '24x7') continue;
      for (const problem of validateCalendar(cal)) ctx.addIssue({ code: 'custom', path: ['calendars', name], message: problem });
    }
    for (const [name, p] of Object.entries(pack.priorities)) {
      if (!known.has(p.coverage)) ctx.addIssue({ code: 'custom', path: ['priorities', name, 'coverage'], message: `unknown calendar "${p.coverage}"` });
    }
    for (const [name, p] of Object.entries(pack.plans)) {
      if (!known.has(p.coverage)) ctx.addIssue({ code: 'custom', path: ['plans', name, 'coverage'], message: `unknown calendar "${p.coverage}"` });
    }
    for (const [i, rule] of (pack.credits?.perBreach ?? []).entries()) {
      if (!Object.hasOwn(pack.priorities, rule.priority)) ctx.addIssue({ code: 'custom', path: ['credits', 'perBreach', i, 'priority'], message: `unknown priority "${rule.priority}"` });
    }
    for (const [i, plan] of (pack.credits?.plans ?? []).entries()) {
      if (!Object.hasOwn(pack.plans, plan)) ctx.addIssue({ code: 'custom', path: ['credits', 'plans', i], message: `unknown plan "${plan}"` });
    }
    for (const [i, priority] of (pack.incidents?.pagePriorities ?? []).entries()) {
      if (!Object.hasOwn(pack.priorities, priority)) ctx.addIssue({ code: 'custom', path: ['incidents', 'pagePriorities', i], message: `unknown priority "${priority}"` });
    }
    for (const [i, rule] of [...(pack.incidents?.alerting.rules ?? []), ...(pack.incidents ? [pack.incidents.alerting.default] : [])].entries()) {
      if (!Object.hasOwn(pack.priorities, rule.priority)) ctx.addIssue({ code: 'custom', path: ['incidents', 'alerting', i, 'priority'], message: `unknown priority "${rule.priority}"` });
    }
    for (const plan of Object.keys(pack.retention.plans)) {
      if (!Object.hasOwn(pack.plans, plan)) ctx.addIssue({ code: 'custom', path: ['retention', 'plans', plan], message: `unknown plan "${plan}"` });
    }
    for (const [i, priority] of (pack.playbackChecklist?.attachLogsFor ?? []).entries()) {
      if (!Object.hasOwn(pack.priorities, priority)) ctx.addIssue({ code: 'custom', path: ['playbackChecklist', 'attachLogsFor', i], message: `unknown priority "${priority}"` });
    }
  });

export type PolicyPack = z.infer<typeof policyPackSchema>;
export type PolicyCalendar = z.infer<typeof calendarSchema>;
