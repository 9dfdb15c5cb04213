import type { PlaybackThresholds } from '../playback/checklist';
import { ALWAYS_OPEN, BusinessCalendar } from '../sla/calendar';
import { parseDuration } from '../sla/duration';
import type { Channel, EscalationLevel, PolicyCalendar, PolicyPack, SlaMetric } from './policy.schema';
import { SLA_METRICS } from './policy.schema';
import { resolveTargetMs } from './resolve-targets';

/**
 * The part of a brand's policy pack one ticket lives by, resolved to numbers and pinned into the
 * workflow's input when the ticket opens. A later pack version changes nothing for this ticket
 * unless someone re-pins it explicitly (and that is recorded).
 */
export interface TicketPolicy {
  brand: string;
  version: string;
  /** Per priority: the coverage calendar and each metric's target (channel rule applied). */
  priorities: Record<string, { calendar: BusinessCalendar; targets: Partial<Record<SlaMetric, number>> }>;
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

/**
 * Coverage rule: a ticket under a support plan follows the plan's calendar (what the customer
 * bought: Enterprise is 24×7 whatever the severity); without a plan, the priority's calendar
 * (a streaming P1 is 24×7, P2–P4 business hours).
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

  const priorities: TicketPolicy['priorities'] = {};
  for (const [name, def] of Object.entries(pack.priorities)) {
    const targets: Partial<Record<SlaMetric, number>> = {};
    for (const metric of SLA_METRICS) {
      const ms = resolveTargetMs(pack, name, channel, metric);
      if (ms !== undefined) targets[metric] = ms;
    }
    priorities[name] = { calendar: calendarNamed(planDef?.coverage ?? def.coverage), targets };
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
  };
}

/** The credit one breach earns, in minor units, rounded down (never over-credit). */
export function slaCreditFor(policy: TicketPolicy, priority: string, metric: SlaMetric): { percent: number; amountMinor: number; currency: string } | null {
  const c = policy.credits;
  const rule = c?.percent.find((r) => r.priority === priority && r.metric === metric);
  if (!c || !rule) return null;
  return { percent: rule.percent, amountMinor: Math.floor((c.monthlyFee.amountMinor * rule.percent) / 100), currency: c.monthlyFee.currency };
}
