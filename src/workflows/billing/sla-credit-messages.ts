/** Inputs and results of SLA credit settlement: shared by the workflows, the API and the schedule. */

export interface SlaCreditSettlement {
  key: string;
  outcome: 'settled' | 'already_settled' | 'nothing_owed';
  /** The gateway's credit note ID (null when nothing was owed). */
  settlementRef: string | null;
  amountMinor: number;
  currency: string;
}

export interface SlaCreditSweepInput {
  /** ISO instant: settle credits for breaches before it. Default: now, or the cutoff's. */
  breachedBefore?: string;
  /** The monthly schedule: only months that have ended (breaches before the 1st, 00:00 UTC). */
  cutoff?: 'start_of_month';
  /** These credits only (still skipped when settled). */
  keys?: string[];
  limit?: number;
}

export interface SlaCreditSweep {
  breachedBefore: string;
  settled: SlaCreditSettlement[];
  failed: { key: string; reason: string }[];
  /** Already being settled by another run (or settled meanwhile). */
  inProgress: string[];
}
