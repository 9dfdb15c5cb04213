import { z } from 'zod';
import { holidayRulesSchema } from '../calendar/holiday-rules.schema';
import { validateCalendar } from '../sla/calendar';
import { isDuration } from '../sla/duration';
import { alertRulesSchema } from '../incident/alert';
import { incidentCoverageFields, incidentCoverageProblems } from '../incident/engagement';
import { disputePolicySchema } from '../billing/dispute';
import { dunningPolicySchema } from '../billing/dunning';
import { refundPolicySchema } from '../billing/refund';
import { takedownPolicySchema } from '../takedown/deadlines';
import { regimeConfigSchema } from '../takedown/regime';
import { DEFAULT_RETENTION, retentionPolicySchema } from '../retention/retention';
import { staffingPolicySchema } from '../staffing/staffing-policy';
import { kpiPolicySchema } from '../reporting/kpi-policy';
import { curriculumSchema } from '../onboarding/curriculum';
import { rootCausesSchema } from '../ticket/root-causes';
import { customerSuccessSchema } from '../customer/churn-signals';

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case slug');

export const CHANNELS = ['email', 'chat', 'phone', 'social', 'portal'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * queueWait: how long a chat waits in the queue until an agent picks it up (assignment or the first
 * agent reply, whichever first), apart from first response (001: "sub-2-minute wait for live chat"
 * beside "≤5 minutes for chat during core hours").
 */
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution', 'mitigation', 'queueWait'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/**
 * The clock a target runs on: 'business' counts only the coverage calendar's open time (001
 * "initial response ≤8 business hours"); 'calendar' counts elapsed time around the clock (001
 * "resolution target ≤72 hours"). A plain duration in a pack is business time, as it always was.
 */
export const SLA_CLOCK_KINDS = ['business', 'calendar'] as const;
export type SlaClockKind = (typeof SLA_CLOCK_KINDS)[number];

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

/**
 * One target: a duration (business time on the coverage calendar), or `{ after, clock }` naming
 * its clock, e.g. `resolution: { after: 72h, clock: calendar }`.
 */
const target = z.union([duration, z.object({ after: duration, clock: z.enum(SLA_CLOCK_KINDS) }).strict()]);
type TargetInput = z.infer<typeof target>;
type TargetClocks = Partial<Record<SlaMetric, SlaClockKind>>;

/**
 * SLA targets for one priority or one channel; every metric is optional. `clocks` is the parsed
 * form (each target's clock, by metric); a pack may also write it directly.
 */
const targets = z
  .object({
    firstResponse: target.optional(),
    nextResponse: target.optional(),
    resolution: target.optional(),
    mitigation: target.optional(),
    queueWait: target.optional(),
    clocks: z.record(z.enum(SLA_METRICS), z.enum(SLA_CLOCK_KINDS)).optional(),
  })
  .strict();

/**
 * Parsed targets: every metric a plain duration string (what every reader of a pack has always
 * read), and the clock of each target in `clocks` (a target not listed there runs on business time).
 */
function flattenTargets<T extends { [M in SlaMetric]?: TargetInput } & { clocks?: TargetClocks }>(
  raw: T,
  ctx: z.RefinementCtx,
): Omit<T, SlaMetric | 'clocks'> & { [M in SlaMetric]?: string } & { clocks?: TargetClocks } {
  const out: Record<string, unknown> = { ...raw };
  const clocks: TargetClocks = { ...raw.clocks };
  for (const metric of SLA_METRICS) {
    const t = raw[metric];
    if (t === undefined || typeof t === 'string') continue;
    if (raw.clocks?.[metric] !== undefined && raw.clocks[metric] !== t.clock) {
      ctx.addIssue({ code: 'custom', path: [metric, 'clock'], message: `clock "${t.clock}" contradicts clocks.${metric} "${raw.clocks[metric]}"` });
    }
    out[metric] = t.after;
    clocks[metric] = t.clock;
  }
  for (const metric of Object.keys(clocks) as SlaMetric[]) {
    if (raw[metric] === undefined) ctx.addIssue({ code: 'custom', path: ['clocks', metric], message: `no ${metric} target to give a clock` });
  }
  delete out.clocks;
  if (Object.keys(clocks).length) out.clocks = clocks;
  return out as Omit<T, SlaMetric | 'clocks'> & { [M in SlaMetric]?: string } & { clocks?: TargetClocks };
}

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
        targets.extend({ label: z.string().min(1), coverage: slug.default('24x7') }).transform(flattenTargets),
      )
      .refine((p) => Object.keys(p).length > 0, 'at least one priority'),
    channels: z.record(z.enum(CHANNELS), targets.transform(flattenTargets)).default({}),
    /** Support plans (SaaS brands). When a ticket names a plan, the plan's coverage applies. */
    plans: z
      .record(
        slug,
        z
          .object({
            label: z.string().min(1),
            coverage: slug,
            /**
             * A channel covered on another calendar than the plan's (001: "24×5 phone for standard
             * customers"): `channelCoverage: { phone: weekdays }`.
             */
            channelCoverage: z.record(z.enum(CHANNELS), slug).optional(),
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
        /** Incident coverage per priority, enterprise coverage, timed Level 2/3 engagements (src/domain/incident/engagement.ts). */
        ...incidentCoverageFields,
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
    /** KPI targets the stored reports judge by, and who hears of a KPI off target two periods running (src/domain/reporting/kpi-policy.ts). */
    kpis: kpiPolicySchema.optional(),
    /** Root-cause vocabulary agents tag tickets with (src/domain/ticket/root-causes.ts); absent: none. */
    rootCauses: rootCausesSchema.optional(),
    /** The training curriculum new agents follow (src/domain/onboarding/curriculum.ts); absent: none. */
    onboarding: curriculumSchema.optional(),
    /** Churn and expansion signals that give the account's CSM a CRM task (src/domain/customer/churn-signals.ts); absent: none. */
    customerSuccess: customerSuccessSchema.optional(),
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
      for (const [channel, calendar] of Object.entries(p.channelCoverage ?? {})) {
        if (!known.has(calendar)) ctx.addIssue({ code: 'custom', path: ['plans', name, 'channelCoverage', channel], message: `unknown calendar "${calendar}"` });
        if (!p.channels.includes(channel as Channel)) {
          ctx.addIssue({ code: 'custom', path: ['plans', name, 'channelCoverage', channel], message: `plan ${name} does not include ${channel}` });
        }
      }
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
    for (const p of pack.incidents ? incidentCoverageProblems(pack.incidents, Object.keys(pack.priorities), Object.keys(pack.calendars)) : []) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    for (const plan of Object.keys(pack.retention.plans)) {
      if (!Object.hasOwn(pack.plans, plan)) ctx.addIssue({ code: 'custom', path: ['retention', 'plans', plan], message: `unknown plan "${plan}"` });
    }
    if (pack.onboarding && !Object.hasOwn(pack.calendars, pack.onboarding.calendar)) {
      ctx.addIssue({ code: 'custom', path: ['onboarding', 'calendar'], message: `unknown calendar "${pack.onboarding.calendar}"` });
    } else if (pack.onboarding && pack.calendars[pack.onboarding.calendar] === '24x7') {
      ctx.addIssue({ code: 'custom', path: ['onboarding', 'calendar'], message: 'training days need a working calendar, not 24x7' });
    }
    // An unknown name here would silently count phone calls around the clock.
    const phoneCalendar = pack.kpis?.targets.phoneServiceLevel?.calendar;
    if (phoneCalendar !== undefined && !known.has(phoneCalendar)) {
      ctx.addIssue({ code: 'custom', path: ['kpis', 'targets', 'phoneServiceLevel', 'calendar'], message: `unknown calendar "${phoneCalendar}"` });
    }
    for (const [i, priority] of (pack.playbackChecklist?.attachLogsFor ?? []).entries()) {
      if (!Object.hasOwn(pack.priorities, priority)) ctx.addIssue({ code: 'custom', path: ['playbackChecklist', 'attachLogsFor', i], message: `unknown priority "${priority}"` });
    }
  });

export type PolicyPack = z.infer<typeof policyPackSchema>;
export type PolicyCalendar = z.infer<typeof calendarSchema>;
