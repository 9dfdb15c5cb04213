import { defineStatusQuery } from '../common/read-time';
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BillingPolicy } from '../../domain/billing/billing-policy';
import type { NeedsAttentionView } from '../common/needs-attention';
import type { DisputeEvidence, DisputeStatus, EvidenceItem, ThreeDSecureResult } from '../../domain/billing/dispute';
import type { DunningStatus } from '../../domain/billing/dunning';
import type { IdentityConfirmation } from '../../domain/billing/identity';
import type { PlanInterval, RefundEligibility, RefundReason, RefundState } from '../../domain/billing/refund';
import type { RunLimits } from '../common/run-budget';

/** Signals, queries and updates of billing cases: defined once, used by workflows and API. */

export interface RefundInput {
  caseId: string;
  brand: string;
  customerRef: string;
  subscriptionId: string;
  plan: { interval: PlanInterval; priceMinor: number; currency: string };
  purchasedAt: number;
  currentPeriod: { start: number; end: number };
  /** The gateway's charge (transaction) ID. */
  chargeId: string;
  reason: RefundReason;
  agent: string;
  policy: BillingPolicy;
  openedBy: string;
  /** Set by the run that continued as new (a refund settling for long): the case as it stood. */
  carried?: RefundCarried;
  /** Tests only (the API never sets it): smaller per-run limits, to continue as new sooner. */
  runLimits?: Partial<RunLimits>;
}

/**
 * A refund's state handed to the next run. Only a settling refund continues as new (its polling
 * is what can run long): the refund exists at the gateway, so the next run goes straight back to
 * settling it and never asks for it again.
 */
export interface RefundCarried {
  openedAt: number;
  state: RefundState;
  identity: IdentityConfirmation | null;
  eligibility: RefundEligibility | null;
  retention: RefundView['retention'];
  charge: RefundView['charge'];
  refund: RefundView['refund'];
  settlement: RefundView['settlement'];
  remediationReason: string | null;
  closedAt: number | null;
  /** The gateway's webhook news not yet acted on. */
  gatewayUpdate: { status: string; failureReason: string | null } | null;
  attention: NeedsAttentionView | null;
  seq: number;
  unrecorded: BillingRecord[];
}

export interface RefundView {
  id: string;
  brand: string;
  state: RefundState;
  customerRef: string;
  subscriptionId: string;
  chargeId: string;
  agent: string;
  reason: RefundReason;
  openedAt: string;
  identity: IdentityConfirmation | null;
  /** Which rule applied, with its inputs, recorded on the case. */
  eligibility: RefundEligibility | null;
  retention: { offeredAt: string; closesAt: string; answer: 'accepted' | 'declined' | 'expired' | null; answeredAt: string | null } | null;
  /** What the agent sees of the payment: IDs and codes, the card's brand and last four digits, never more. */
  charge: { id: string; paymentIntentId: string | null; authorizationCode: string | null; brand: string | null; last4: string | null; disputed: boolean } | null;
  refund: {
    idempotencyKey: string;
    gatewayRefundId: string | null;
    status: 'pending' | 'succeeded' | 'failed' | 'canceled' | null;
    amountMinor: number;
    currency: string;
    requestedAt: string;
    settledAt: string | null;
    failureReason: string | null;
    /** The acquirer reference number (ARN) the cardholder's bank can trace the refund by; null until the network assigns it. */
    traceNumber: string | null;
  } | null;
  settlement: { warnAt: string; breachAt: string; atRiskSince: string | null; breachedAt: string | null } | null;
  remediationReason: string | null;
  closedAt: string | null;
  /** Present once a record of the case was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

export interface ConfirmIdentityRequest {
  actor: string;
  /** How the agent confirmed it (e.g. "email code", "last invoice amount"); no secrets. */
  method: string;
}
export interface RetentionAnswerRequest {
  actor: string;
  accepted: boolean;
}

export const BillingFailure = {
  InvalidTransition: 'InvalidTransition',
  /** An account change before the agent confirmed the customer's identity (HTTP 409). */
  IdentityNotConfirmed: 'IdentityNotConfirmed',
  InvalidValue: 'InvalidValue',
  /** The case's record held card data and was refused; the case moved to manual remediation (HTTP 409). */
  CardDataRefused: 'CardDataRefused',
} as const;

export const confirmIdentityUpdate = defineUpdate<RefundView, [ConfirmIdentityRequest]>('confirmIdentity');
export const retentionAnswerUpdate = defineUpdate<RefundView, [RetentionAnswerRequest]>('retentionAnswer');
export const refundStatusQuery = defineStatusQuery<RefundView>();
/** From the gateway webhook: the refund moved (succeeded / failed). */
export const refundUpdatedSignal = defineSignal<[{ refundId: string; status: string; failureReason: string | null }]>('refundUpdated');

// ---- chargebacks ----------------------------------------------------------------------------

export interface DisputeInput {
  caseId: string;
  disputeId: string;
  chargeId: string;
  brand: string;
  amountMinor: number;
  currency: string;
  reason: string;
  /** The network's deadline (epoch ms). */
  dueBy: number;
  policy: BillingPolicy;
  /** Set by the run that continued as new: the case as it stood (absent on the first run). */
  carried?: DisputeCarried;
  /** Tests only (the API never sets it): smaller per-run limits, to continue as new sooner. */
  runLimits?: Partial<RunLimits>;
}

/** One record (keyed event) a run applied while draining; the next run writes it first, in order. */
export interface BillingRecord {
  seq: number;
  eventKey: string;
  type: string;
  actor: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** A dispute's state handed from one run to the next (continue-as-new); the pinned policy stays in the input. */
export interface DisputeCarried {
  openedAt: number;
  status: DisputeStatus;
  /** The checklist as collected: at most one value per item (bounded by EVIDENCE_ITEMS, 20,000 characters each). */
  evidence: DisputeEvidence;
  /** Whether `evidence` is what the gateway has staged (the next run stages again otherwise). */
  evidenceStaged: boolean;
  decision: DisputeView['decision'];
  card: DisputeView['card'];
  paymentIntentId: string | null;
  submittedAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
  /** The last DISPUTE_HISTORY_IN_VIEW entries, and how many there were in all. */
  history: { type: string; actor: string; at: number }[];
  historyTotal: number;
  reminders: number[];
  sentReminders: number;
  missedNotified: boolean;
  refusedPath: string | null;
  remediationReason: string | null;
  attention: NeedsAttentionView | null;
  /** The last change number applied (every record carries its own). */
  seq: number;
  unrecorded: BillingRecord[];
}

export interface DisputeView {
  id: string;
  disputeId: string;
  chargeId: string;
  /** The payment intent the disputed charge belongs to (pi_…); null until read from the gateway, or none. */
  paymentIntentId: string | null;
  brand: string;
  status: DisputeStatus;
  amountMinor: number;
  currency: string;
  reason: string;
  openedAt: string;
  dueBy: string;
  /** due_by minus the policy's margin: our own deadline for submitting. */
  internalDeadline: string;
  decision: { decision: 'contest' | 'accept'; rule: string } | null;
  /**
   * The disputed card as the agent may see it: brand and last four digits, and the payment's
   * 3-D Secure result (null: none) — null until read from the gateway.
   */
  card: { brand: string | null; last4: string | null; threeDSecure: ThreeDSecureResult | null } | null;
  /** The checklist as collected, plus `refund_issued` when the charge had been refunded before the dispute. */
  evidence: DisputeEvidence;
  missingEvidence: string[];
  submittedAt: string | null;
  closedAt: string | null;
  /**
   * The case's last 20 steps, oldest first (`historyTotal` counts them all; `historyTruncated`
   * says older ones are left out). Every step, with each evidence value as it was added, is in
   * GET /v1/disputes/{id}/events.
   */
  history: { type: string; actor: string; at: string }[];
  historyTotal: number;
  historyTruncated: boolean;
  /** Why a person has to take over (status manual_remediation); absent otherwise. */
  remediationReason?: string;
  /** Present once a record of the case was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

export interface AddEvidenceRequest {
  actor: string;
  item: EvidenceItem;
  value: string;
}

export const addEvidenceUpdate = defineUpdate<DisputeView, [AddEvidenceRequest]>('addEvidence');
export const disputeStatusQuery = defineStatusQuery<DisputeView>();
/** From the gateway webhook: the network decided (won / lost), or the dispute was closed otherwise. */
export const disputeClosedSignal = defineSignal<[{ status: string }]>('disputeClosed');

// ---- failed renewals (dunning) ------------------------------------------------------------------

export interface DunningInput {
  caseId: string;
  invoiceId: string;
  subscriptionId: string | null;
  customerId: string | null;
  brand: string;
  amountDueMinor: number;
  currency: string;
  failedAt: number;
  policy: BillingPolicy;
  /** Stripe's hosted invoice page (hosted_invoice_url): where the customer pays with a new card. */
  hostedInvoiceUrl?: string | null;
  /** Set by the run that continued as new: the case as it stood (the schedule is derived from the input again). */
  carried?: DunningCarried;
  /** Tests only (the API never sets it): smaller per-run limits, to continue as new sooner. */
  runLimits?: Partial<RunLimits>;
}

/** A dunning case's state handed to the next run: the steps taken, what agents did, the change number. */
export interface DunningCarried {
  status: DunningStatus;
  paid: boolean;
  agentCancelling: boolean;
  /** Attempts of the schedule already taken (each happens once). */
  done: number[];
  identity: IdentityConfirmation | null;
  retentionOffer: DunningView['retentionOffer'];
  cancellation: DunningView['cancellation'];
  closedAt: number | null;
  remediationReason: string | null;
  attention: NeedsAttentionView | null;
  seq: number;
  unrecorded: BillingRecord[];
}

export interface DunningView {
  id: string;
  invoiceId: string;
  subscriptionId: string | null;
  brand: string;
  status: DunningStatus;
  amountDueMinor: number;
  currency: string;
  failedAt: string;
  steps: { attempt: number; kind: string; at: string; done: boolean }[];
  /** Who confirmed the customer's identity: no account change before it. */
  identity: IdentityConfirmation | null;
  retentionOffer: { offer: string; appliedBy: string; at: string } | null;
  cancellation: { by: string; reason: string; at: string } | null;
  closedAt: string | null;
  /** Why a person has to take over (status manual_remediation); absent otherwise. */
  remediationReason?: string;
  /** Present once a record of the case was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

export interface CancelSubscriptionNowRequest {
  actor: string;
  reason: string;
}
export interface ApplyRetentionOfferRequest {
  actor: string;
  /** The offer the customer accepted, as the agent describes it ("3 months at 50 %"). */
  offer: string;
}

export const dunningStatusQuery = defineStatusQuery<DunningView>();
/** Same update name as the refund case's: an agent confirms identity the same way on every billing case. */
export const confirmDunningIdentityUpdate = defineUpdate<DunningView, [ConfirmIdentityRequest]>('confirmIdentity');
/** The customer asks to cancel now instead of waiting out the schedule. */
export const cancelSubscriptionNowUpdate = defineUpdate<DunningView, [CancelSubscriptionNowRequest]>('cancelSubscriptionNow');
/** The customer takes the retention offer: no further offer messages, the CRM applies it. */
export const applyRetentionOfferUpdate = defineUpdate<DunningView, [ApplyRetentionOfferRequest]>('applyRetentionOffer');
/** From the gateway webhook: the invoice was paid after all. */
export const invoicePaidSignal = defineSignal<[{ at: number }]>('invoicePaid');
