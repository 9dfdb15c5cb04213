import type { AlertRules } from './alert';
import { LevelEngagement, pinLevelEngagement } from './engagement';
import type { EscalationPolicy } from './escalation';
import type { PolicyPack } from '../policy/policy.schema';
import { PolicyFieldError, toBusinessCalendar } from '../policy/ticket-policy';
import { ALWAYS_OPEN, BusinessCalendar } from '../sla/calendar';
import { parseDuration } from '../sla/duration';

export const INCIDENT_METRICS = ['firstResponse', 'mitigation', 'resolution'] as const;
export type IncidentMetric = (typeof INCIDENT_METRICS)[number];
/** Breaches of these metrics are escalated (issue 4 item 6): acknowledgement and mitigation. */
export const ESCALATED_BREACH_METRICS: readonly IncidentMetric[] = ['firstResponse', 'mitigation'];

/** Who an incident's SLA breach is escalated to; inputs pinned before the field existed use the review's manager. */
export function breachEscalationTarget(policy: Pick<IncidentPolicy, 'breachEscalateTo' | 'review'>): string {
  return policy.breachEscalateTo ?? policy.review.escalateTo;
}

/**
 * The part of a brand's pack an incident lives by, resolved to numbers and pinned into the
 * workflow's input. firstResponse is an acknowledgement by a person (the priority's target:
 * P1 15 min), mitigation and resolution the priority's own targets (P1 mitigation 2 h, P2
 * "resolution plan within 8 hours"). Coverage is the priority's (P1 24×7, P2–P4 business hours)
 * unless `incidents.coverage` gives incidents of a priority another (VIVtone: S1 24×7, issue 19).
 */
export interface IncidentPolicy {
  brand: string;
  version: string;
  priorities: Record<string, { calendar: BusinessCalendar; targets: Partial<Record<IncidentMetric, number>> }>;
  atRiskRatio: number;
  pagePriorities: string[];
  escalation: EscalationPolicy;
  alerting: AlertRules;
  /**
   * Told when the acknowledgement or mitigation SLA is breached. Optional only for inputs pinned
   * before it existed (open incidents): those fall back to review.escalateTo.
   */
  breachEscalateTo?: string;
  /**
   * Timed level engagements (engagement.ts): Level 2 / Level 3 paged by a timer from the opening,
   * whatever Level 1 does. Absent in inputs pinned before they existed: none.
   */
  engagements?: LevelEngagement[];
  /**
   * The calendar every priority of an incident affecting an enterprise customer runs on (001:
   * "24×7 for enterprise customers"). Absent (old inputs, packs without it): the priority's own.
   */
  enterpriseCalendar?: BusinessCalendar;
  review: {
    dueAfterMs: number;
    calendar: BusinessCalendar;
    remindBeforeMs: number[];
    escalateTo: string;
    triageOwner: string;
    backlogWithinMs: number;
  };
}

export function pinIncidentPolicy(pack: PolicyPack): IncidentPolicy {
  const incidents = pack.incidents;
  if (!incidents) throw new PolicyFieldError('brand', `${pack.brand} has no incident policy`);
  const priorities: IncidentPolicy['priorities'] = {};
  for (const [name, def] of Object.entries(pack.priorities)) {
    const ms = (d: string | undefined) => (d === undefined ? undefined : parseDuration(d));
    const targets: Partial<Record<IncidentMetric, number>> = {};
    const response = ms(def.firstResponse);
    const mitigation = ms(def.mitigation);
    const resolution = ms(def.resolution);
    if (response !== undefined) targets.firstResponse = response;
    if (mitigation !== undefined) targets.mitigation = mitigation;
    if (resolution !== undefined) targets.resolution = resolution;
    // An incident may run on other coverage than a ticket of the same priority (incidents.coverage).
    priorities[name] = { calendar: coverageCalendar(pack, incidents.coverage?.[name] ?? def.coverage), targets };
  }
  return {
    brand: pack.brand,
    version: pack.version,
    priorities,
    atRiskRatio: pack.atRiskAt,
    pagePriorities: incidents.pagePriorities,
    escalation: {
      levels: incidents.escalation.levels.map((l) => ({ targets: l.targets, ackTimeoutMs: parseDuration(l.ackTimeout) })),
      loops: incidents.escalation.loops,
    },
    alerting: incidents.alerting,
    engagements: (incidents.engagements ?? []).map(pinLevelEngagement),
    ...(incidents.enterpriseCoverage === undefined ? {} : { enterpriseCalendar: coverageCalendar(pack, incidents.enterpriseCoverage) }),
    breachEscalateTo: incidents.breachEscalateTo ?? incidents.review.escalateTo,
    review: {
      dueAfterMs: parseDuration(incidents.review.dueAfter),
      calendar: coverageCalendar(pack, incidents.review.calendar),
      remindBeforeMs: incidents.review.remindBefore.map(parseDuration),
      escalateTo: incidents.review.escalateTo,
      triageOwner: incidents.review.triageOwner,
      backlogWithinMs: parseDuration(incidents.review.backlogWithin),
    },
  };
}

/** A pack's calendar by name ('24x7': always open). */
function coverageCalendar(pack: PolicyPack, name: string): BusinessCalendar {
  return name === '24x7' ? ALWAYS_OPEN : toBusinessCalendar(pack.calendars[name] ?? '24x7');
}
