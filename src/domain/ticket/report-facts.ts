/**
 * What a ticket keeps for the cadence reports (issue 19 §2) beyond its lifecycle: the NPS answer
 * given with CSAT, the root causes an agent tagged, and the agents' logged handle time. Pure; the
 * workflow holds one and carries it across continue-as-new.
 */
export interface TicketReportFacts {
  /** 0–10 "how likely are you to recommend us", answered with the CSAT survey (001 "NPS ≥ +35"). */
  nps: { score: number; at: number } | null;
  /** Root-cause ids from the pinned vocabulary (root-causes.ts), in the order tagged. */
  rootCauseTags: string[];
  /** Any tag preventable; null until tagged. */
  preventable: boolean | null;
  /** Sum of the agents' logged working time on the ticket's steps, seconds (AHT). */
  handleSeconds: number;
}

export const NO_REPORT_FACTS: TicketReportFacts = Object.freeze({ nps: null, rootCauseTags: [], preventable: null, handleSeconds: 0 }) as TicketReportFacts;

/** A fresh copy (the frozen default is never mutated). */
export function reportFactsFrom(carried: TicketReportFacts | undefined): TicketReportFacts {
  const f = carried ?? NO_REPORT_FACTS;
  return { nps: f.nps, rootCauseTags: [...f.rootCauseTags], preventable: f.preventable, handleSeconds: f.handleSeconds };
}

/**
 * One step's logged handle time at most: 4 hours. A helpdesk's timer on one reply or resolution
 * beyond a shift's half is a timer left running, not work (AHT targets are minutes: 000 "6–10 min
 * technical", 001 "4–6 minutes").
 */
export const MAX_HANDLE_SECONDS = 14_400;

/** Why `value` is not a step's handle time (whole seconds, 0–14400), or null when it is one. */
export function handleSecondsProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_HANDLE_SECONDS) {
    return `handleSeconds must be a whole number of seconds from 0 to ${MAX_HANDLE_SECONDS}`;
  }
  return null;
}

/** Why `value` is not an NPS answer (0–10), or null when it is one. */
export function npsProblem(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) return 'nps must be an integer from 0 to 10';
  return null;
}

/** The facts after a step that logged `handleSeconds` (absent: nothing logged). */
export function withHandleTime(facts: TicketReportFacts, handleSeconds: number | undefined): TicketReportFacts {
  return handleSeconds ? { ...facts, handleSeconds: facts.handleSeconds + handleSeconds } : facts;
}

/** How the ticket's view shows the facts (TicketView's nps, rootCauseTags, preventable, handleSeconds). */
export function reportFactsView(f: TicketReportFacts): {
  nps: { score: number; at: string } | null;
  rootCauseTags: string[];
  preventable: boolean | null;
  handleSeconds: number;
} {
  return {
    nps: f.nps && { score: f.nps.score, at: new Date(f.nps.at).toISOString() },
    rootCauseTags: [...f.rootCauseTags],
    preventable: f.preventable,
    handleSeconds: f.handleSeconds,
  };
}
