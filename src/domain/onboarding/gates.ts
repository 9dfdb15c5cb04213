import type { Curriculum } from './curriculum';
import { qaGate, type QaReview } from './qa';

/**
 * The mentored period's quality gates (issue 14 §2, seed 001: "AHT within 10% of target and CSAT
 * ≥ 80%"), judged from the agent's real tickets in the read model, and the QA gate (seed 000:
 * "target pass rate ≥ 90 %"). A gate with too little data is not judged (pass null) and holds
 * certification back like a failed one.
 */

/** What the read model knows of the agent's tickets since the period began (activities/onboarding.ts). */
export interface TicketWork {
  /** Resolved tickets assigned to the agent on which the agent logged handle time, and the time logged. */
  ahtTickets: number;
  handleSeconds: number;
  /** Tickets assigned to the agent the customer rated, and those rated 4 or 5. */
  rated: number;
  satisfied: number;
}

export interface GateValues {
  at: number;
  /** The start of the period the tickets were counted from. */
  since: number;
  /** Mean handle time against the brand's AHT range widened by the tolerance (001: 4–6 min ± 10 % → 3.6–6.6 min). */
  aht: { seconds: number | null; tickets: number; minSeconds: number; maxSeconds: number; pass: boolean | null } | null;
  csat: { rated: number; satisfiedShare: number | null; min: number; pass: boolean | null } | null;
  qa: { reviews: number; passRate: number | null; min: number; pass: boolean | null } | null;
}

/** The brand's AHT target range in seconds (the pack's kpis.targets.aht), when it has one. */
export interface AhtTarget {
  minSeconds: number;
  maxSeconds: number;
}

export function judgeGates(curriculum: Curriculum, aht: AhtTarget | null, work: TicketWork, reviews: readonly QaReview[], since: number, at: number): GateValues {
  const g = curriculum.mentored?.gates;
  const enough = g?.minRatedTickets ?? 1;
  let ahtGate: GateValues['aht'] = null;
  if (g?.ahtTolerance !== undefined && aht) {
    const seconds = work.ahtTickets ? Math.round(work.handleSeconds / work.ahtTickets) : null;
    const minSeconds = Math.round(aht.minSeconds * (1 - g.ahtTolerance));
    const maxSeconds = Math.round(aht.maxSeconds * (1 + g.ahtTolerance));
    const pass = seconds === null || work.ahtTickets < enough ? null : seconds >= minSeconds && seconds <= maxSeconds;
    ahtGate = { seconds, tickets: work.ahtTickets, minSeconds, maxSeconds, pass };
  }
  let csat: GateValues['csat'] = null;
  if (g?.csatMin !== undefined) {
    const satisfiedShare = work.rated ? Math.round((work.satisfied / work.rated) * 10_000) / 10_000 : null;
    csat = { rated: work.rated, satisfiedShare, min: g.csatMin, pass: satisfiedShare === null || work.rated < enough ? null : satisfiedShare >= g.csatMin };
  }
  return { at, since, aht: ahtGate, csat, qa: curriculum.qa ? qaGate(curriculum.qa, reviews) : null };
}

/** The gates that hold certification back (not passed, or not judged yet), by name. */
export function gatesNotPassed(v: GateValues | null, curriculum: Curriculum): string[] {
  const g = curriculum.mentored?.gates;
  // A measurement without an AHT gate (the brand has no AHT target) holds nothing back for it.
  const ahtGated = g?.ahtTolerance !== undefined && (v === null || v.aht !== null);
  return [
    ...(ahtGated && !v?.aht?.pass ? ['aht'] : []),
    ...(g?.csatMin !== undefined && !v?.csat?.pass ? ['csat'] : []),
    ...(curriculum.qa && !v?.qa?.pass ? ['qa'] : []),
  ];
}
