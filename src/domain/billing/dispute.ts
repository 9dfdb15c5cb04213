import { z } from 'zod';
import { isDuration, parseDuration } from '../sla/duration';
import { CaseTransitionError } from '../case-transition';

/**
 * Chargebacks: when our evidence must be in, what it must contain, whether to fight at all, and
 * the rule that keeps us from paying twice. Pure; instants are epoch ms passed in by the caller.
 */

export interface DisputePolicy {
  /** Submit this long before the network's due_by, so a failed submission can still be retried. */
  submitBeforeDueMs: number;
  /** Reminders, measured back from the internal deadline (not from due_by). */
  remindBeforeDeadlineMs: number[];
  /** Not worth contesting below these amounts (per currency; none = always consider contesting). */
  acceptBelow: Array<{ amountMinor: number; currency: string }>;
  /**
   * A "fraudulent" dispute on a payment without 3-D Secure: the issuer holds no liability shift
   * and our usage logs rarely beat a cardholder's "not me", so accepting saves the dispute fee.
   */
  acceptFraudWithout3ds: boolean;
}

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');
const money = z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Za-z]{3}$/) }).strict();

/** The `disputes:` block of a policy pack. */
export const disputePolicySchema = z
  .object({
    submitBeforeDue: duration.default('48h'),
    remindBefore: z.array(duration).default(['72h', '24h']),
    acceptBelow: z.array(money).default([]),
    acceptFraudWithout3ds: z.boolean().default(true),
  })
  .strict()
  .transform(
    (p): DisputePolicy => ({
      submitBeforeDueMs: parseDuration(p.submitBeforeDue),
      remindBeforeDeadlineMs: p.remindBefore.map(parseDuration),
      acceptBelow: p.acceptBelow,
      acceptFraudWithout3ds: p.acceptFraudWithout3ds,
    }),
  );

export type DisputePolicyInput = z.input<typeof disputePolicySchema>;
export const DEFAULT_DISPUTE_POLICY: DisputePolicy = disputePolicySchema.parse({});

// ── Deadlines ──────────────────────────────────────────────────────────────────────────────────

/** Our own deadline: due_by minus the safety margin. */
export function internalDeadline(dueBy: number, policy: DisputePolicy): number {
  return dueBy - policy.submitBeforeDueMs;
}

/** Reminder instants still ahead of `now`, earliest first (a reminder already past is not sent late). */
export function reminderTimes(dueBy: number, now: number, policy: DisputePolicy): number[] {
  const deadline = internalDeadline(dueBy, policy);
  return [...new Set(policy.remindBeforeDeadlineMs.map((ms) => deadline - ms))].filter((t) => t > now).sort((a, b) => a - b);
}

// ── Evidence ───────────────────────────────────────────────────────────────────────────────────

/** What every contested dispute carries; the agent sees each item, never the full card number. */
export const EVIDENCE_ITEMS = ['transaction_id', 'authorization_code', 'access_log', 'cancellation_policy', 'customer_communication'] as const;
export type EvidenceItem = (typeof EVIDENCE_ITEMS)[number];
/**
 * The checklist items, plus what the gateway tells us beyond it: `refund_issued` describes refunds
 * already made on the disputed charge (never set by agents, not on the checklist).
 */
export type DisputeEvidence = Partial<Record<EvidenceItem, string | null>> & { refund_issued?: string | null };

export const EVIDENCE_LABELS: Record<EvidenceItem, string> = {
  transaction_id: 'Transaction ID',
  authorization_code: 'Authorization code',
  access_log: 'Usage / access log',
  cancellation_policy: 'Cancellation policy shown to the customer',
  customer_communication: 'Customer communication',
};

/** Checklist items still empty, in checklist order. */
export function missingEvidence(evidence: DisputeEvidence): EvidenceItem[] {
  return EVIDENCE_ITEMS.filter((item) => (evidence[item] ?? '').trim() === '');
}

// ── When to submit ─────────────────────────────────────────────────────────────────────────────

/** Why the evidence went to the network: the checklist was complete, or our deadline came first. */
export type SubmissionTrigger = 'checklist_complete' | 'internal_deadline';

export type DisputeSubmission = { submit: false; missing: EvidenceItem[] } | { submit: true; trigger: SubmissionTrigger; missing: EvidenceItem[] };

/**
 * Whether a contested dispute's staged evidence goes to the network now. A complete checklist is
 * submitted at once (early); otherwise, at the internal deadline (due_by − submitBeforeDue), what is
 * staged is submitted anyway with the missing items named: an unanswered dispute is lost by default,
 * and a partial answer still has a chance. A conceded dispute is never submitted. The caller submits
 * at most once; `missing` is what the submission lacked (empty when complete).
 */
export function disputeSubmission(evidence: DisputeEvidence, decision: DisputeDecision, now: number, deadline: number): DisputeSubmission {
  const missing = missingEvidence(evidence);
  if (decision !== 'contest') return { submit: false, missing };
  if (missing.length === 0) return { submit: true, trigger: 'checklist_complete', missing };
  if (now >= deadline) return { submit: true, trigger: 'internal_deadline', missing };
  return { submit: false, missing };
}

// ── Contest or accept ──────────────────────────────────────────────────────────────────────────

/** Stripe's dispute reasons we treat specially; anything else is contested on the checklist. */
export interface DisputeFacts {
  amountMinor: number;
  currency: string;
  reason: string;
  /** The payment was authenticated with 3-D Secure (liability shifted to the issuer). */
  threeDSecure: boolean;
  /** What the charge already had refunded (pending refunds included, as Stripe counts them); absent = 0. */
  amountRefundedMinor?: number;
}

/**
 * Stripe's `payment_method_details.card.three_d_secure.result` values that shift fraud liability
 * to the issuer: `authenticated` (the cardholder passed 3-D Secure) and `attempt_acknowledged`
 * (the issuer took part in the attempt without authenticating; networks still shift liability).
 * `exempted`, `failed`, `not_supported`, `processing_error`, no 3-D Secure at all (null) or any
 * value Stripe adds later do not.
 */
export const THREE_D_SECURE_RESULTS = ['attempt_acknowledged', 'authenticated', 'exempted', 'failed', 'not_supported', 'processing_error'] as const;
export type ThreeDSecureResult = (typeof THREE_D_SECURE_RESULTS)[number];

/** The gateway's raw value as one we know, or null: an unexpected value never passes as "authenticated". */
export function threeDSecureResult(raw: unknown): ThreeDSecureResult | null {
  return typeof raw === 'string' && (THREE_D_SECURE_RESULTS as readonly string[]).includes(raw) ? (raw as ThreeDSecureResult) : null;
}

export function threeDSecureShiftsLiability(result: ThreeDSecureResult | null | undefined): boolean {
  return result === 'authenticated' || result === 'attempt_acknowledged';
}

export type DisputeDecision = 'contest' | 'accept';

/**
 * In order: small amounts are accepted (the fee and the agent's time cost more), then unprotected
 * fraud claims are accepted (see DisputePolicy.acceptFraudWithout3ds); everything else is
 * contested with the evidence checklist.
 */
export function explainDisputeDecision(policy: DisputePolicy, dispute: DisputeFacts): { decision: DisputeDecision; rule: string } {
  const refunded = dispute.amountRefundedMinor ?? 0;
  if (!canConcedeDispute(refunded)) {
    return {
      decision: 'contest',
      rule: `the charge was already refunded (${refunded} ${dispute.currency} minor units): conceding would pay the cardholder twice, so the dispute is contested with the refund as evidence`,
    };
  }
  const threshold = policy.acceptBelow.find((t) => t.currency.toLowerCase() === dispute.currency.toLowerCase());
  if (threshold && dispute.amountMinor < threshold.amountMinor) {
    return { decision: 'accept', rule: `amount ${dispute.amountMinor} ${dispute.currency} is below the ${threshold.amountMinor} contest threshold` };
  }
  if (dispute.reason === 'fraudulent' && !dispute.threeDSecure && policy.acceptFraudWithout3ds) {
    return { decision: 'accept', rule: 'fraud claim on a payment without 3-D Secure: no liability shift' };
  }
  if (dispute.reason === 'fraudulent' && dispute.threeDSecure) {
    return { decision: 'contest', rule: 'contest "fraudulent": the payment was authenticated with 3-D Secure (liability shifted to the issuer)' };
  }
  return { decision: 'contest', rule: `contest "${dispute.reason}" with the evidence checklist` };
}

export function disputeDecision(policy: DisputePolicy, dispute: DisputeFacts): DisputeDecision {
  return explainDisputeDecision(policy, dispute).decision;
}

// ── Dispute states ─────────────────────────────────────────────────────────────────────────────

/**
 *   needs_response ─stage_evidence─▶ evidence_staged ─submit─▶ submitted ─won / lost─▶ won | lost
 *          └──────────accept──────────────┴──accept──▶ accepted
 * stage_evidence may repeat while staged; submit needs a complete checklist, or the internal
 * deadline (then what is staged goes, the missing items recorded).
 * manual_remediation: the case's record was refused (card data) and a person took over; the
 * workflow sets it directly, no agent action leads there or out.
 */
export const DISPUTE_STATUSES = ['needs_response', 'evidence_staged', 'submitted', 'won', 'lost', 'accepted', 'manual_remediation'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const DISPUTE_ACTIONS = ['stage_evidence', 'submit', 'accept', 'won', 'lost'] as const;
export type DisputeAction = (typeof DISPUTE_ACTIONS)[number];

const NEXT: Record<DisputeStatus, Partial<Record<DisputeAction, DisputeStatus>>> = {
  needs_response: { stage_evidence: 'evidence_staged', accept: 'accepted' },
  evidence_staged: { stage_evidence: 'evidence_staged', submit: 'submitted', accept: 'accepted' },
  submitted: { won: 'won', lost: 'lost' },
  won: {},
  lost: {},
  accepted: {},
  manual_remediation: {},
};

export class InvalidDisputeTransitionError extends CaseTransitionError {
  constructor(
    readonly status: DisputeStatus,
    override readonly action: DisputeAction,
    override readonly reason?: string,
  ) {
    super(status, action, reason ? `cannot ${action.replace(/_/g, ' ')} the dispute: ${reason}` : `cannot ${action.replace(/_/g, ' ')} a dispute that is ${status.replace(/_/g, ' ')}`, reason);
    this.name = 'InvalidDisputeTransitionError';
  }
}

/**
 * The next status; throws naming the current one. Submitting needs every checklist item, unless
 * the internal deadline has come (`at`: now and the deadline; see disputeSubmission).
 */
export function checkDisputeAction(status: DisputeStatus, action: DisputeAction, evidence: DisputeEvidence = {}, at?: { now: number; deadline: number }): DisputeStatus {
  const next = NEXT[status][action];
  if (next === undefined) throw new InvalidDisputeTransitionError(status, action);
  if (action === 'submit') {
    const missing = missingEvidence(evidence);
    const deadlineCame = at !== undefined && at.now >= at.deadline;
    if (missing.length && !deadlineCame) throw new InvalidDisputeTransitionError(status, action, `missing ${missing.map((m) => EVIDENCE_LABELS[m]).join(', ')}`);
  }
  return next;
}

/**
 * Never refund and also lose, the other way round: accepting a chargeback returns the money to
 * the cardholder, so on a charge that already had money refunded it would pay twice. Such a
 * dispute is contested, with the refund as evidence. Any refund counts (a pending one too: Stripe
 * already counts it in amount_refunded).
 */
export function canConcedeDispute(amountRefundedMinor: number): boolean {
  return !(amountRefundedMinor > 0);
}

/** What the refunds already made on the disputed charge say, as evidence text (IDs and amounts only). */
export function refundEvidenceText(refunds: Array<{ id: string; status: string; amountMinor: number; currency: string }>, amountRefundedMinor: number, currency: string): string {
  const listed = refunds.map((r) => `${r.id} (${r.status}, ${r.amountMinor} ${r.currency} minor units)`).join(', ');
  return `Refunded ${amountRefundedMinor} ${currency} (minor units) before the dispute${listed ? `: ${listed}` : ''}`;
}

/**
 * Never refund and also lose. While a dispute is open the money may go back through the
 * chargeback, so a refund could pay the customer twice. After `won` we kept the money, so a
 * refund is a fresh decision. `accepted` is NOT safe: accepting a chargeback already returned the
 * money to the cardholder. `null` = the charge was never disputed.
 */
export function canRefundWhileDisputed(disputeStatus: DisputeStatus | null): boolean {
  return disputeStatus === null || disputeStatus === 'won';
}
