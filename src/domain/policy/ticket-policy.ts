import type { PlaybackThresholds } from '../playback/checklist';
import type { RootCause } from '../ticket/root-causes';
import { ALWAYS_OPEN, BusinessCalendar } from '../sla/calendar';
import { parseDuration } from '../sla/duration';
import type { Channel, EscalationLevel, PolicyCalendar, PolicyPack, SlaClockKind, SlaMetric } from './policy.schema';
import { SLA_METRICS } from './policy.schema';
import { resolveTarget } from './resolve-targets';

/**
 * The part of a brand's policy pack one ticket lives by, resolved to numbers and pinned into the
 * workflow's input when the ticket opens. A later pack version changes nothing for this ticket
 * unless someone re-pins it explicitly (and that is recorded).
 */
export interface TicketPolicy {
  brand: string;
  version: string;
  /**
   * Per priority: the coverage calendar, each metric's target (channel rule applied) and the clock
   * each target runs on. `clocks` is absent in policies pinned before targets had clocks: every
   * target of those is business time on the coverage calendar, as it was (ticketTargetClock).
   */
  priorities: Record<string, { calendar: BusinessCalendar; targets: Partial<Record<SlaMetric, number>>; clocks?: Partial<Record<SlaMetric, SlaClockKind>> }>;
  atRiskRatio: number;
  escalation: { level: EscalationLevel; afterMs: number }[];
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  csatSurveyOpenForMs: number;
  /** Present when the ticket's plan earns SLA credits. */
  credits: {
    plan: string;
    monthlyFee: { amountMinor: number; currency: string };
    monthlyCapPercent: number;
    percent: { priority: string; metric: SlaMetric; percent: number }[];
  } | null;
  /** Present for brands with a playback troubleshooting checklist. */
  playbackChecklist: PlaybackThresholds | null;
  /** The brand's root-cause vocabulary (src/domain/ticket/root-causes.ts); absent in pins made before it existed: no vocabulary. */
  rootCauses?: RootCause[];
}

export class PolicyFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyFieldError';
  }
}

export function toBusinessCalendar(calendar: PolicyCalendar): BusinessCalendar {
  if (calendar === '24x7') return ALWAYS_OPEN;
  // holidayRules only when declared: a list-only calendar pins exactly the object it pinned before rules existed.
  const { timeZone, weekly, holidays, holidayRules } = calendar;
  return { timeZone, weekly, holidays, ...(holidayRules ? { holidayRules } : {}) };
}

/** The clock a pinned priority's metric runs on: business time unless the pin says calendar. */
export function ticketTargetClock(pinned: TicketPolicy['priorities'][string], metric: SlaMetric): SlaClockKind {
  return pinned.clocks?.[metric] ?? 'business';
}

/**
 * Coverage rule: a ticket under a support plan follows the plan's calendar (what the customer
 * bought: Enterprise is 24×7 whatever the severity), or the plan's calendar for the ticket's
 * channel where it names one (001: "24×5 phone for standard customers"); without a plan, the
 * priority's calendar (a streaming P1 is 24×7, P2–P4 business hours).
 */
export function pinTicketPolicy(pack: PolicyPack, channel: Channel, plan: string | null): TicketPolicy {
  const planDef = plan === null || !Object.hasOwn(pack.plans, plan) ? undefined : pack.plans[plan];
  if (plan !== null && !planDef) {
    throw new PolicyFieldError('plan', `unknown plan "${plan}" for ${pack.brand}; known: ${Object.keys(pack.plans).join(', ') || 'none'}`);
  }
  if (plan === null && Object.keys(pack.plans).length > 0) {
    throw new PolicyFieldError('plan', `${pack.brand} tickets need a plan: ${Object.keys(pack.plans).join(', ')}`);
  }
  if (planDef && !planDef.channels.includes(channel)) {
    throw new PolicyFieldError('channel', `plan ${plan} does not include ${channel}; it includes ${planDef.channels.join(', ')}`);
  }
  const calendarNamed = (name: string): BusinessCalendar =>
    name === '24x7' ? ALWAYS_OPEN : toBusinessCalendar(pack.calendars[name] ?? '24x7');

  const planCoverage = planDef ? (planDef.channelCoverage?.[channel] ?? planDef.coverage) : undefined;
  const priorities: TicketPolicy['priorities'] = {};
  for (const [name, def] of Object.entries(pack.priorities)) {
    const targets: Partial<Record<SlaMetric, number>> = {};
    const clocks: Partial<Record<SlaMetric, SlaClockKind>> = {};
    for (const metric of SLA_METRICS) {
      const target = resolveTarget(pack, name, channel, metric);
      if (target === undefined) continue;
      targets[metric] = target.ms;
      clocks[metric] = target.clock;
    }
    priorities[name] = { calendar: calendarNamed(planCoverage ?? def.coverage), targets, clocks };
  }

  const credits =
    planDef && pack.credits?.plans.includes(plan!) && planDef.monthlyFee
      ? { plan: plan!, monthlyFee: planDef.monthlyFee, monthlyCapPercent: pack.credits.monthlyCapPercent, percent: pack.credits.perBreach }
      : null;

  return {
    brand: pack.brand,
    version: pack.version,
    priorities,
    atRiskRatio: pack.atRiskAt,
    escalation: pack.escalation.map((s) => ({ level: s.level, afterMs: s.after === '0s' ? 0 : parseDuration(s.after) })),
    reopenWindowMs: parseDuration(pack.reopenWindow),
    autoCloseAfterMs: parseDuration(pack.autoCloseAfter),
    csatSurveyOpenForMs: parseDuration(pack.csatSurveyOpenFor),
    credits,
    playbackChecklist: pack.playbackChecklist
      ? {
          minHdMbps: pack.playbackChecklist.minHdMbps,
          min4kMbps: pack.playbackChecklist.min4kMbps,
          maxMajorVersionsBehind: pack.playbackChecklist.maxMajorVersionsBehind,
          maxClockSkewMs: parseDuration(pack.playbackChecklist.maxClockSkew),
          certificateWarnWithinMs: parseDuration(pack.playbackChecklist.certificateWarnWithin),
          attachLogsForPriorities: pack.playbackChecklist.attachLogsFor,
        }
      : null,
    // Only when the pack has one, so a pack without it pins exactly the object it pinned before.
    ...(pack.rootCauses ? { rootCauses: pack.rootCauses } : {}),
  };
}

/** The credit one breach earns, in minor units, rounded down (never over-credit). */
export function slaCreditFor(policy: TicketPolicy, priority: string, metric: SlaMetric): { percent: number; amountMinor: number; currency: string } | null {
  const c = policy.credits;
  const rule = c?.percent.find((r) => r.priority === priority && r.metric === metric);
  if (!c || !rule) return null;
  return { percent: rule.percent, amountMinor: Math.floor((c.monthlyFee.amountMinor * rule.percent) / 100), currency: c.monthlyFee.currency };
}
