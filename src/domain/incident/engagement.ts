import { z } from 'zod';
import { addBusinessTime, BusinessCalendar } from '../sla/calendar';
import { isDuration, parseDuration } from '../sla/duration';
import { CaseTransitionError } from '../case-transition';
import type { IncidentStatus } from './incident';

/**
 * Timed level engagements (issue 19 §1). 001_a1369c1885b9e67c.txt: "SLA-driven escalation to
 * Level 2 within 4 hours for severity 1 incidents" and, for enterprise customers, "a named
 * escalation path reaching Level 3 engineering within 4 hours".
 *
 * The acknowledgement ladder (escalation.ts) only climbs while nobody acknowledges: once Level 1
 * acknowledges, nobody else is paged, so an S1 that L1 is sitting on never reaches Level 2. An
 * engagement is a durable timer from the incident's opening, independent of the ladder:
 *
 *  - it is due `within` after the opening, counted on the incident's coverage calendar (24×7 for
 *    VIVtone's S1s, so elapsed time);
 *  - it is engaged (paged once, with the idempotency key `<incident>:engage:L<level>`) when due,
 *    whether or not L1 acknowledged: an acknowledgement says someone looks, not that it is fixed;
 *  - it is not needed once the incident is mitigated or resolved before it is due (cancelled:
 *    the customer impact the engagement is for has stopped);
 *  - if the ladder pages exactly the same targets first, that page is the engagement (recorded as
 *    engaged `via: ladder`, no second page);
 *  - `enterpriseOnly` levels apply only to an incident affecting an enterprise customer.
 *
 * Pure: no clock, no I/O; the workflow passes the times in.
 */

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');
const coverageName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a calendar name from calendars, or 24x7');

/** One timed engagement as a pack writes it (the `incidents.engagements` list). */
export const levelEngagementSchema = z
  .object({
    /** The support level engaged: 2 = Level 2 (technical specialists), 3 = Level 3 (engineering). */
    level: z.number().int().min(1).max(9),
    /** Priorities it applies to (e.g. [S1]). */
    priorities: z.array(z.string().min(1)).min(1),
    /** Page targets: "rotation:<name>" or "user:<name>", as in the ladder. */
    targets: z.array(z.string().min(1)).min(1),
    /** Engaged at the latest this long after the opening, on the incident's coverage calendar. */
    within: duration,
    /** Only for incidents affecting an enterprise customer (001: "For enterprise customers: … Level 3 engineering within 4 hours"). */
    enterpriseOnly: z.boolean().default(false),
  })
  .strict();

/** Additive fields of a pack's `incidents` section (src/domain/policy/policy.schema.ts spreads them in). */
export const incidentCoverageFields = {
  /**
   * The coverage an incident of a priority runs on, when it differs from the priority's own
   * (tickets keep theirs): VIVtone's S1 is a business-hours ticket priority but a 24×7 incident.
   */
  coverage: z.record(z.string(), coverageName).default({}),
  /** Every priority of an incident affecting an enterprise customer runs on this calendar (001: "24×7 for enterprise customers"). */
  enterpriseCoverage: coverageName.optional(),
  engagements: z.array(levelEngagementSchema).default([]),
};

export type LevelEngagementInput = z.infer<typeof levelEngagementSchema>;

/** Problems a pack's incident coverage and engagements can have that zod cannot see: unknown names. */
export function incidentCoverageProblems(
  incidents: { coverage: Record<string, string>; enterpriseCoverage?: string; engagements: LevelEngagementInput[] },
  priorities: readonly string[],
  calendars: readonly string[],
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const knownCalendar = (name: string) => name === '24x7' || calendars.includes(name);
  for (const [priority, calendar] of Object.entries(incidents.coverage)) {
    if (!priorities.includes(priority)) problems.push({ path: ['incidents', 'coverage', priority], message: `unknown priority "${priority}"` });
    if (!knownCalendar(calendar)) problems.push({ path: ['incidents', 'coverage', priority], message: `unknown calendar "${calendar}"` });
  }
  if (incidents.enterpriseCoverage !== undefined && !knownCalendar(incidents.enterpriseCoverage)) {
    problems.push({ path: ['incidents', 'enterpriseCoverage'], message: `unknown calendar "${incidents.enterpriseCoverage}"` });
  }
  const seen = new Set<string>();
  for (const [i, e] of incidents.engagements.entries()) {
    for (const [j, p] of e.priorities.entries()) {
      if (!priorities.includes(p)) problems.push({ path: ['incidents', 'engagements', i, 'priorities', j], message: `unknown priority "${p}"` });
      // One engagement of a level per priority: its idempotency key is the level's.
      const key = `${p}/${e.level}`;
      if (seen.has(key)) problems.push({ path: ['incidents', 'engagements', i, 'level'], message: `level ${e.level} is engaged twice for ${p}` });
      seen.add(key);
    }
  }
  return problems;
}

/** An engagement as pinned into an incident's policy (numbers, no zod). */
export interface LevelEngagement {
  level: number;
  priorities: string[];
  targets: string[];
  withinMs: number;
  enterpriseOnly: boolean;
}

export function pinLevelEngagement(e: LevelEngagementInput): LevelEngagement {
  return { level: e.level, priorities: [...e.priorities], targets: [...e.targets], withinMs: parseDuration(e.within), enterpriseOnly: e.enterpriseOnly };
}

/** An engagement as the incident holds it (times in epoch ms). */
export interface PlannedEngagement {
  level: number;
  targets: string[];
  dueAt: number;
  state: 'scheduled' | 'engaged' | 'cancelled';
  dedupKey: string;
  /** How it was engaged: its own page at the due time, or the ladder's page of the same targets. */
  via: 'timer' | 'ladder' | null;
  engagedAt: number | null;
}

/**
 * An incident learnt to affect an enterprise customer after it opened (an alert-born S1, say) is
 * marked so: from then on it runs on the enterprise coverage and enterprise-only engagements apply,
 * due from the opening (at once if that is past). Only while the incident is live, and never
 * unmarked: taking it back would cancel a Level 3 engagement the contract promises.
 */
export function checkMarkEnterprise(status: IncidentStatus, alreadyEnterprise: boolean): void {
  if (status !== 'triggered' && status !== 'acknowledged' && status !== 'mitigated') {
    throw new CaseTransitionError(status, 'mark_enterprise', `cannot mark an incident that is ${status.replace('_', ' ')} as affecting an enterprise customer`);
  }
  if (alreadyEnterprise) throw new CaseTransitionError(status, 'mark_enterprise', 'the incident is already marked as affecting an enterprise customer', 'already marked');
}

/** The engagements of a priority, for an incident that does or does not affect an enterprise customer. */
export function engagementsFor(engagements: readonly LevelEngagement[] | undefined, priority: string, enterprise: boolean): LevelEngagement[] {
  return (engagements ?? []).filter((e) => e.priorities.includes(priority) && (enterprise || !e.enterpriseOnly));
}

export function engagementDedupKey(incidentId: string, level: number): string {
  return `${incidentId}:engage:L${level}`;
}

/** An engagement is still wanted while nobody has mitigated or resolved the incident. */
export function engagementWanted(status: IncidentStatus): boolean {
  return status === 'triggered' || status === 'acknowledged';
}

/**
 * The engagements an incident should have now, given those it has: new levels are scheduled
 * `within` after the opening on `calendar`; levels that no longer apply (priority lowered) are
 * cancelled if not yet engaged; a cancelled level that applies again is scheduled again. An
 * engaged level is never touched: it was paged once and that stands.
 */
export function syncEngagements(
  current: readonly PlannedEngagement[],
  wanted: readonly LevelEngagement[],
  ctx: { incidentId: string; openedAt: number; calendar: BusinessCalendar; status: IncidentStatus },
): PlannedEngagement[] {
  const next = current.map((e) => ({ ...e, targets: [...e.targets] }));
  const live = engagementWanted(ctx.status);
  for (const e of next) {
    if (e.state === 'scheduled' && (!live || !wanted.some((w) => w.level === e.level))) e.state = 'cancelled';
  }
  if (!live) return next;
  for (const w of wanted) {
    const dueAt = addBusinessTime(ctx.calendar, ctx.openedAt, w.withinMs);
    const existing = next.find((e) => e.level === w.level);
    if (existing === undefined) {
      next.push({ level: w.level, targets: [...w.targets], dueAt, state: 'scheduled', dedupKey: engagementDedupKey(ctx.incidentId, w.level), via: null, engagedAt: null });
    } else if (existing.state === 'cancelled') {
      Object.assign(existing, { targets: [...w.targets], dueAt, state: 'scheduled' });
    }
  }
  return next.sort((a, b) => a.level - b.level);
}

/** Scheduled engagements the ladder's page of `targets` fulfils: the same set of targets. */
export function engagedByLadderPage(engagements: readonly PlannedEngagement[], targets: readonly string[]): PlannedEngagement[] {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t) => b.includes(t));
  return engagements.filter((e) => e.state === 'scheduled' && same(e.targets, targets));
}
