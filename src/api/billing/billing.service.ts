import { Injectable, Logger } from '@nestjs/common';
import { Client, UpdateDefinition, WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { PolicyRegistry } from '../../config/policy-registry';
import { BillingPolicy, pinBillingPolicy } from '../../domain/billing/billing-policy';
import { containsCardNumber } from '../../domain/billing/card-redaction';
import { StripeWebhookEvent } from '../../integrations/billing/stripe-webhook';
import { disputeWorkflow, dunningWorkflow, refundWorkflow } from '../../workflows';
import { addEvidenceUpdate, confirmIdentityUpdate, disputeClosedSignal, disputeStatusQuery, DisputeView, invoicePaidSignal, refundStatusQuery, refundUpdatedSignal, RefundView, retentionAnswerUpdate } from '../../workflows/billing/messages';
import type { Principal } from '../auth/principal';
import { admitRequest } from '../idempotency/admit-request';
import { Problem } from '../problem/problem';
import { assertBillingScope, scopedView } from './billing-scope';
import { billingCaseEvents, BillingEventPage, BillingEventsQuery } from './billing-events';
import { readOnceStarted } from '../temporal/with-timeout';
import { CaseClient } from '../cases/case-client';
import { BillingReads } from '../../persistence/read/billing-reads';
import { CreateRefundDto } from './refund.dto';


/** Starts and steers billing cases; applies the gateway's webhooks to them. */
@Injectable()
export class BillingService {
  private readonly logger = new Logger('billing');

  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
    private readonly cases: CaseClient,
    private readonly billing: BillingReads,
  ) {}

  private policyFor(brand: string): BillingPolicy {
    const pack = this.policies.find(brand);
    if (!pack?.billing) {
      const known = this.policies.brands().filter((b) => this.policies.find(b)?.billing);
      throw Problem.validation([{ field: 'brand', message: `no billing policy for "${brand}"; known: ${known.join(', ')}` }], 422);
    }
    return pinBillingPolicy(pack);
  }

  async openRefund(dto: CreateRefundDto, idempotencyKey: string | undefined, caller: Principal): Promise<{ refund: RefundView; replayed: boolean }> {
    if (caller.brand !== undefined && dto.brand !== caller.brand) {
      throw Problem.validation([{ field: 'brand', message: `this key works for brand ${caller.brand} only` }], 422);
    }
    const policy = this.policyFor(dto.brand);
    const start = Date.parse(dto.currentPeriod.start);
    const end = Date.parse(dto.currentPeriod.end);
    if (end <= start) throw Problem.validation([{ field: 'currentPeriod.end', message: 'must be after currentPeriod.start' }], 422);
    // The case ID is the workflow ID and, through refund:<caseId>, the gateway's idempotency key:
    // a retried request reaches the same case and can never cause a second refund.
    const seed = idempotencyKey === undefined ? randomUUID() : `${caller.keyId}\u0000${idempotencyKey}`;
    const caseId = `refund-${createHash('sha256').update(seed).digest('hex').slice(0, 26)}`;
    if (idempotencyKey !== undefined) await admitRequest(this.dataSource, caseId, dto);
    const { replayed } = await this.cases.start(refundWorkflow, {
      workflowId: caseId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Refund · ${dto.reason} · ${dto.plan.interval} plan`,
      args: [
        {
          caseId,
          brand: dto.brand,
          customerRef: dto.customerRef,
          subscriptionId: dto.subscriptionId,
          plan: { interval: dto.plan.interval, priceMinor: dto.plan.priceMinor, currency: dto.plan.currency },
          purchasedAt: Date.parse(dto.purchasedAt),
          currentPeriod: { start, end },
          chargeId: dto.paymentReference,
          reason: dto.reason,
          agent: caller.name,
          policy,
          openedBy: caller.name,
        },
      ],
    });
    const refund = await readOnceStarted(() => this.getRefund(caseId, caller));
    return { refund, replayed };
  }

  /** A refund the caller may see (an agent of one brand: that brand's). */
  async getRefund(id: string, caller: Principal): Promise<RefundView> {
    return scopedView(caller, 'refund', id, await this.refundView(id));
  }

  private async refundView(id: string): Promise<RefundView> {
    return (await this.cases.read('refund', id, refundStatusQuery, () => this.recordedView<RefundView>(id, 'refund'))).view;
  }

  async events(id: string, caller: Principal, q: BillingEventsQuery = {}): Promise<BillingEventPage> {
    await this.getRefund(id, caller);
    return billingCaseEvents(this.billing, this.sealer, id, q);
  }

  /** A dispute's whole history (its view holds the last steps only), each evidence value as added. */
  async disputeEvents(id: string, caller: Principal, q: BillingEventsQuery): Promise<BillingEventPage> {
    await this.getDispute(id, caller);
    return billingCaseEvents(this.billing, this.sealer, id, q);
  }

  /** A dispute the caller may see (an agent of one brand: that brand's). */
  async getDispute(id: string, caller: Principal): Promise<DisputeView> {
    return scopedView(caller, 'dispute', id, await this.disputeView(id));
  }

  private async disputeView(id: string): Promise<DisputeView> {
    return (await this.cases.read('dispute', id, disputeStatusQuery, () => this.recordedView<DisputeView>(id, 'dispute'))).view;
  }

  async addEvidence(id: string, item: string, value: string, caller: Principal): Promise<DisputeView> {
    // Evidence text goes to workflow history and the gateway: a card number is refused here, before
    // Temporal sees it (the workflow's validator refuses it too).
    if (containsCardNumber(value)) {
      throw Problem.validation([{ field: 'value', message: `the ${item} evidence must not contain a card number (give the last four digits at most)` }], 422);
    }
    await this.getDispute(id, caller);
    // A case that has ended (decided, accepted, failed), also while this update was in flight: its state, not a 404 or a 500.
    return this.cases.update('dispute', id, addEvidenceUpdate, [{ actor: caller.name, item: item as never, value }], {
      recordedState: () => this.billing.state('dispute', id),
      extensions: { action: 'add_evidence' },
    });
  }

  confirmIdentity = (id: string, method: string, caller: Principal) => this.update(id, caller, confirmIdentityUpdate, [{ actor: caller.name, method }]);
  retentionAnswer = (id: string, accepted: boolean, caller: Principal) => this.update(id, caller, retentionAnswerUpdate, [{ actor: caller.name, accepted }]);

  private async update<A>(id: string, caller: Principal, update: UpdateDefinition<RefundView, [A]>, args: [A]): Promise<RefundView> {
    this.cases.assertId('refund', id);
    await assertBillingScope(this.billing, caller, 'refund', id, () => this.refundView(id));
    return this.cases.update('refund', id, update, args, { recordedState: () => this.billing.state('refund', id) });
  }

  /** The case's last recorded view, its personal data opened (stored sealed under the case's key). */
  private async recordedView<V>(id: string, kind: 'refund' | 'dispute'): Promise<V | undefined> {
    const snapshot = await this.billing.snapshot<V>(kind, id);
    return snapshot ? this.sealer.open(snapshot) : undefined;
  }

  /**
   * A verified gateway event, acted on once per event ID (gateways deliver at least once).
   * Returns false for a duplicate.
   */
  async applyWebhook(event: StripeWebhookEvent, brand: string | undefined): Promise<{ duplicate: boolean; action: string }> {
    if (!(await this.billing.claimWebhookEvent(event.eventId, event.type))) return { duplicate: true, action: 'none' };
    try {
      return { duplicate: false, action: await this.act(event, brand) };
    } catch (err) {
      // Not acted on: forget the event so the gateway's retry is processed.
      await this.billing.releaseWebhookEvent(event.eventId);
      throw err;
    }
  }

  /** The brand whose billing rules apply: named by the webhook URL (?brand=), or the only brand that bills. */
  private billingBrand(brand: string | undefined): string {
    if (brand) return brand;
    const billing = this.policies.brands().filter((b) => this.policies.find(b)?.billing);
    if (billing.length !== 1) throw Problem.validation([{ field: 'query:brand', message: `name the brand (?brand=): ${billing.join(', ')}` }]);
    return billing[0];
  }

  private async act(event: StripeWebhookEvent, brandParam: string | undefined): Promise<string> {
    switch (event.type) {
      case 'charge.dispute.created': {
        const d = event.dispute;
        const brand = this.billingBrand(brandParam);
        const caseId = `dispute-${d.id}`;
        if (!d.chargeId || d.dueBy === null) return 'ignored: dispute without a charge or a due date';
        await this.temporal.workflow.start(disputeWorkflow, {
          workflowId: caseId,
          taskQueue: this.config.TEMPORAL_TASK_QUEUE,
          // A redelivered "created" for a running dispute reaches the same workflow, never a second.
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `Chargeback · ${d.reason} · ${d.amountMinor} ${d.currency}`,
          args: [{ caseId, disputeId: d.id, chargeId: d.chargeId, brand, amountMinor: d.amountMinor, currency: d.currency, reason: d.reason, dueBy: d.dueBy, policy: this.policyFor(brand) }],
        });
        return `started ${caseId}`;
      }
      case 'invoice.payment_failed': {
        const inv = event.invoice;
        const brand = this.billingBrand(brandParam);
        const caseId = `dunning-${inv.id}`;
        await this.temporal.workflow.start(dunningWorkflow, {
          workflowId: caseId,
          taskQueue: this.config.TEMPORAL_TASK_QUEUE,
          // Stripe sends payment_failed for every retry of the invoice: one dunning case per invoice.
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `Failed renewal · ${inv.amountDueMinor} ${inv.currency}`,
          args: [{ caseId, invoiceId: inv.id, subscriptionId: inv.subscriptionId, customerId: inv.customerId, brand, amountDueMinor: inv.amountDueMinor, currency: inv.currency, failedAt: event.created, policy: this.policyFor(brand), hostedInvoiceUrl: inv.hostedInvoiceUrl }],
        });
        return `started ${caseId}`;
      }
      case 'invoice.paid': {
        const caseId = `dunning-${event.invoice.id}`;
        try {
          await this.temporal.workflow.getHandle(caseId).signal(invoicePaidSignal, { at: event.created });
          return `signalled ${caseId}`;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return 'ignored: no dunning case for this invoice';
          throw err;
        }
      }
      case 'charge.dispute.closed': {
        const caseId = `dispute-${event.dispute.id}`;
        try {
          await this.temporal.workflow.getHandle(caseId).signal(disputeClosedSignal, { status: event.dispute.status });
          return `signalled ${caseId}`;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return `ignored: no open case ${caseId}`;
          throw err;
        }
      }
      case 'refund.updated':
      case 'charge.refund.updated': {
        const caseId = event.refund.metadata.caseId;
        if (typeof caseId !== 'string' || !this.cases.spec('refund').isId(caseId)) return 'ignored: not a Caseworks refund';
        try {
          await this.temporal.workflow
            .getHandle(caseId)
            .signal(refundUpdatedSignal, { refundId: event.refund.id, status: event.refund.status, failureReason: event.refund.failureReason });
          return `signalled ${caseId}`;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) return `ignored: ${caseId} has ended`;
          throw err;
        }
      }
      case 'ignored':
        // Stripe sends what the endpoint subscribed to; anything else is acknowledged and dropped.
        this.logger.log(`billing webhook ${event.eventType} is not used by Caseworks`);
        return 'ignored';
    }
  }
}
