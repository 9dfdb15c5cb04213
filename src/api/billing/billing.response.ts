import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DISPUTE_STATUSES, type DisputeEvidence, type DisputeStatus } from '../../domain/billing/dispute';
import type { DunningStatus } from '../../domain/billing/dunning';
import type { IdentityConfirmation } from '../../domain/billing/identity';
import { REFUND_REASONS, REFUND_STATES, type RefundEligibility, type RefundReason, type RefundState } from '../../domain/billing/refund';
import type { DisputeView, DunningView, RefundView } from '../../workflows/billing/messages';
import { NeedsAttentionResponse } from '../common/case-parts.response';
import type { SlaCreditItem } from './sla-credits.service';

const OBJECT = { type: 'object', additionalProperties: true } as const;

class IdentityConfirmationResponse {
  @ApiProperty() confirmedBy: string;
  @ApiProperty({ description: 'How the agent confirmed it, never the secret itself', example: 'one-time code' }) method: string;
  @ApiProperty() at: string;
}

class ChargeResponse {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) paymentIntentId: string | null;
  @ApiProperty({ nullable: true, type: String }) authorizationCode: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The card brand' }) brand: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The last four digits, never more' }) last4: string | null;
  @ApiProperty() disputed: boolean;
}

class GatewayRefundResponse {
  @ApiProperty() idempotencyKey: string;
  @ApiProperty({ nullable: true, type: String }) gatewayRefundId: string | null;
  @ApiProperty({ nullable: true, enum: ['pending', 'succeeded', 'failed', 'canceled'] }) status: 'pending' | 'succeeded' | 'failed' | 'canceled' | null;
  @ApiProperty({ description: 'Minor units' }) amountMinor: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty() requestedAt: string;
  @ApiProperty({ nullable: true, type: String }) settledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) failureReason: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The acquirer reference number (ARN); null until the network assigns it' }) traceNumber: string | null;
}

class RetentionOfferAnswerResponse {
  @ApiProperty() offeredAt: string;
  @ApiProperty() closesAt: string;
  @ApiProperty({ nullable: true, enum: ['accepted', 'declined', 'expired'] }) answer: 'accepted' | 'declined' | 'expired' | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt: string | null;
}

class SettlementClockResponse {
  @ApiProperty() warnAt: string;
  @ApiProperty() breachAt: string;
  @ApiProperty({ nullable: true, type: String }) atRiskSince: string | null;
  @ApiProperty({ nullable: true, type: String }) breachedAt: string | null;
}

/** A refund case as GET /v1/refunds/:id and every refund action answer it (the workflow's view). */
export class RefundResponse implements RefundView {
  @ApiProperty({ example: 'refund-01jd8k9d3v4m2q7w5x6y8z0a1b' }) id: string;
  @ApiProperty() brand: string;
  @ApiProperty({ enum: REFUND_STATES }) state: RefundState;
  @ApiProperty() customerRef: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty() chargeId: string;
  @ApiProperty() agent: string;
  @ApiProperty({ enum: REFUND_REASONS }) reason: RefundReason;
  @ApiProperty() openedAt: string;
  @ApiProperty({ nullable: true, type: IdentityConfirmationResponse }) identity: IdentityConfirmation | null;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'Which rule applied, with its inputs (kind, amountMinor, currency…)' }) eligibility: RefundEligibility | null;
  @ApiProperty({ nullable: true, type: RetentionOfferAnswerResponse }) retention: RefundView['retention'];
  @ApiProperty({ nullable: true, type: ChargeResponse, description: "The payment as the agent sees it: IDs, codes, the card's brand and last four digits" }) charge: RefundView['charge'];
  @ApiProperty({ nullable: true, type: GatewayRefundResponse }) refund: RefundView['refund'];
  @ApiProperty({ nullable: true, type: SettlementClockResponse }) settlement: RefundView['settlement'];
  @ApiProperty({ nullable: true, type: String }) remediationReason: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

class DisputeDecisionResponse {
  @ApiProperty({ enum: ['contest', 'accept'] }) decision: 'contest' | 'accept';
  @ApiProperty({ description: 'The policy rule that decided' }) rule: string;
}

class DisputedCardResponse {
  @ApiProperty({ nullable: true, type: String }) brand: string | null;
  @ApiProperty({ nullable: true, type: String }) last4: string | null;
  @ApiProperty({ ...OBJECT, nullable: true, description: "The payment's 3-D Secure result" }) threeDSecure: unknown;
}

class DisputeStepResponse {
  @ApiProperty() type: string;
  @ApiProperty() actor: string;
  @ApiProperty() at: string;
}

/** A chargeback case (the workflow's view). */
export class DisputeResponse implements DisputeView {
  @ApiProperty({ example: 'dispute-du_1Q2w3E4r5T6y' }) id: string;
  @ApiProperty({ description: "The gateway's dispute ID" }) disputeId: string;
  @ApiProperty() chargeId: string;
  @ApiProperty({ nullable: true, type: String }) paymentIntentId: string | null;
  @ApiProperty() brand: string;
  @ApiProperty({ enum: DISPUTE_STATUSES }) status: DisputeStatus;
  @ApiProperty() amountMinor: number;
  @ApiProperty() currency: string;
  @ApiProperty() reason: string;
  @ApiProperty() openedAt: string;
  @ApiProperty({ description: "The gateway's deadline" }) dueBy: string;
  @ApiProperty({ description: "dueBy minus the policy's margin: our own deadline for submitting" }) internalDeadline: string;
  @ApiProperty({ nullable: true, type: DisputeDecisionResponse }) decision: DisputeView['decision'];
  @ApiProperty({ nullable: true, type: DisputedCardResponse }) card: DisputeView['card'];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', nullable: true }, description: 'The evidence checklist as collected, per item' }) evidence: DisputeEvidence;
  @ApiProperty({ type: [String] }) missingEvidence: string[];
  @ApiProperty({ nullable: true, type: String }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiProperty({ type: [DisputeStepResponse], description: 'The last 20 steps, oldest first (all of them: GET /v1/disputes/:id/events)' }) history: DisputeStepResponse[];
  @ApiProperty() historyTotal: number;
  @ApiProperty() historyTruncated: boolean;
  @ApiPropertyOptional({ description: 'Why a person has to take over (status manual_remediation)' }) remediationReason?: string;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

class DunningStepResponse {
  @ApiProperty() attempt: number;
  @ApiProperty({ example: 'retry' }) kind: string;
  @ApiProperty() at: string;
  @ApiProperty() done: boolean;
}

class AppliedOfferResponse {
  @ApiProperty() offer: string;
  @ApiProperty() appliedBy: string;
  @ApiProperty() at: string;
}

class CancellationResponse {
  @ApiProperty() by: string;
  @ApiProperty() reason: string;
  @ApiProperty() at: string;
}

/** A failed renewal (dunning-<invoice>) as GET and every dunning action answer it. */
export class DunningResponse implements DunningView {
  @ApiProperty({ example: 'dunning-in_1Q2w3E4r5T6y' }) id: string;
  @ApiProperty() invoiceId: string;
  @ApiProperty({ nullable: true, type: String }) subscriptionId: string | null;
  @ApiProperty() brand: string;
  @ApiProperty({ enum: ['dunning', 'recovered', 'exhausted', 'cancelled', 'manual_remediation'] }) status: DunningStatus;
  @ApiProperty() amountDueMinor: number;
  @ApiProperty() currency: string;
  @ApiProperty() failedAt: string;
  @ApiProperty({ type: [DunningStepResponse] }) steps: DunningStepResponse[];
  @ApiProperty({ nullable: true, type: IdentityConfirmationResponse }) identity: IdentityConfirmation | null;
  @ApiProperty({ nullable: true, type: AppliedOfferResponse }) retentionOffer: AppliedOfferResponse | null;
  @ApiProperty({ nullable: true, type: CancellationResponse }) cancellation: CancellationResponse | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
  @ApiPropertyOptional({ description: 'Why a person has to take over (status manual_remediation)' }) remediationReason?: string;
  @ApiPropertyOptional({ type: NeedsAttentionResponse }) needsAttention?: NeedsAttentionResponse;
}

/** The gateway's webhook, taken. */
export class WebhookReceiptResponse {
  @ApiProperty({ enum: [true] }) received: true;
  @ApiProperty({ description: 'This event was acted on before' }) duplicate: boolean;
  @ApiProperty({ example: 'dispute_opened', description: 'What the event did' }) action: string;
}

export class SlaCreditResponse implements SlaCreditItem {
  @ApiProperty() key: string;
  @ApiProperty() ticketId: string;
  @ApiProperty() brand: string;
  @ApiProperty() customerRef: string;
  @ApiProperty() priority: string;
  @ApiProperty() metric: string;
  @ApiProperty() percent: number;
  @ApiProperty() owedMinor: number;
  @ApiProperty() currency: string;
  @ApiProperty() breachedAt: string;
  @ApiProperty({ nullable: true, type: String }) settledAt: string | null;
  @ApiProperty({ nullable: true, type: String }) settlementRef: string | null;
  @ApiProperty() settled: boolean;
  @ApiProperty({ nullable: true, type: String }) settlementKind: string | null;
  @ApiProperty({ nullable: true, type: String }) settlementFailure: string | null;
}

export class SlaCreditListResponse {
  @ApiProperty({ type: [SlaCreditResponse] }) items: SlaCreditResponse[];
}

class SettlementFailureResponse {
  @ApiProperty() key: string;
  @ApiProperty() reason: string;
}

class SlaCreditSweepResponse {
  @ApiProperty() breachedBefore: string;
  @ApiProperty({ type: 'array', items: OBJECT, description: 'Each credit settled: its key, credit note and amount' }) settled: unknown[];
  @ApiProperty({ type: [SettlementFailureResponse] }) failed: SettlementFailureResponse[];
  @ApiProperty({ type: [String], description: 'Already being settled by another run' }) inProgress: string[];
}

/** The settlement run: its outcome when it finished in time (200), else its ID (202). */
export class SlaCreditSettleResponse {
  @ApiProperty({ description: 'true: the run finished (200); false: still running (202)' }) done: boolean;
  @ApiPropertyOptional({ type: SlaCreditSweepResponse, description: 'When done' }) sweep?: SlaCreditSweepResponse;
  @ApiProperty() workflowId: string;
}
