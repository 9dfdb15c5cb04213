import type { DisputeStatus } from '../billing/dispute';
import type { DunningStatus } from '../billing/dunning';
import type { RefundState } from '../billing/refund';
import type { TakedownState } from '../takedown/case';

/** The case kinds the retention purge covers, in the order a run visits them. */
export const PURGE_KINDS = ['ticket', 'incident', 'refund', 'dispute', 'dunning', 'takedown', 'takedown_preservation'] as const;
export type PurgeKind = (typeof PURGE_KINDS)[number];

/**
 * The states in which a billing case or takedown has ended, so its retention clock runs from its
 * last change. Tickets and incidents carry a closed_at; a preservation hold its released_at.
 * Left out on purpose: a refund `failed` or in `manual_remediation`, a dispute or dunning case in
 * `manual_remediation` — a person still has to act on them, so they are never purged.
 */
export const ENDED_REFUND_STATES: readonly RefundState[] = ['settled', 'retained'];
export const ENDED_DISPUTE_STATES: readonly DisputeStatus[] = ['won', 'lost', 'accepted'];
export const ENDED_DUNNING_STATES: readonly DunningStatus[] = ['recovered', 'exhausted', 'cancelled'];
/** `closed` still admits a counter-notice or complaint: the purge leaves a case whose workflow still runs. */
export const ENDED_TAKEDOWN_STATES: readonly TakedownState[] = ['closed', 'lapsed', 'rejected', 'restored', 'kept', 'upheld', 'reversed'];
