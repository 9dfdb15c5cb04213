import { Injectable, Logger } from '@nestjs/common';
import { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
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
import { billingProblem } from './billing-problems';
import { assertBillingScope, scopedView } from './billing-scope';
import { billingCaseEvents, BillingEventPage, BillingEventsQuery } from './billing-events';
import { endedCaseProblem, endedCaseView, isCaseEnded } from '../temporal/ended-case';
import { readOnceStarted, withTimeout } from '../temporal/with-timeout';
import { CreateRefundDto } from './refund.dto';

const REFUND_ID = /^refund-[a-z0-9]{26}$/;

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
    let replayed = false;
    try {
      await this.temporal.workflow.start(refundWorkflow, {
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
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      replayed = true;
    }
    const refund = await readOnceStarted(() => this.getRefund(caseId, caller));
    return { refund, replayed };
  }

  /** A refund the caller may see (an agent of one brand: that brand's). */
  async getRefund(id: string, caller: Principal): Promise<RefundView> {
    return scopedView(caller, 'refund', id, await this.refundView(id));
  }

  private async refundView(id: string): Promise<RefundView> {
    if (!REFUND_ID.test(id)) throw Problem.notFound('refund', id);
    // Terminated (the server's limits, an operator), timed out or failed: the last record, marked ended.
    const ended = await endedCaseView<RefundView>(this.temporal, id, 'state', () => this.recordedView<RefundView>(id, 'refund'));
    if (ended) return ended;
    const live = await withTimeout(this.temporal.workflow.getHandle<typeof refundWorkflow>(id).query(refundStatusQuery), this.config.QUERY_TIMEOUT_MS).catch(() => undefined);
    if (live) return live;
    const snapshot = await this.recordedView<RefundView>(id, 'refund');
    if (!snapshot) throw Problem.notFound('refund', id);
    return snapshot;
  }

  async events(id: string, caller: Principal, q: BillingEventsQuery = {}): Promise<BillingEventPage> {
    await this.getRefund(id, caller);
    return billingCaseEvents(this.dataSource, this.sealer, id, q);
  }

  /** A dispute's whole history (its view holds the last steps only), each evidence value as added. */
  async disputeEvents(id: string, caller: Principal, q: BillingEventsQuery): Promise<BillingEventPage> {
    await this.getDispute(id, caller);
    return billingCaseEvents(this.dataSource, this.sealer, id, q);
  }

  /** A dispute the caller may see (an agent of one brand: that brand's). */
  async getDispute(id: string, caller: Principal): Promise<DisputeView> {
    return scopedView(caller, 'dispute', id, await this.disputeView(id));
  }

  private async disputeView(id: string): Promise<DisputeView> {
    if (!/^dispute-[A-Za-z0-9_]{1,100}$/.test(id)) throw Problem.notFound('dispute', id);
    const ended = await endedCaseView<DisputeView>(this.temporal, id, 'status', () => this.recordedView<DisputeView>(id, 'dispute'));
    if (ended) return ended;
    const live = await withTimeout(this.temporal.workflow.getHandle(id).query(disputeStatusQuery), this.config.QUERY_TIMEOUT_MS).catch(() => undefined);
    if (live) return live;
    const snapshot = await this.recordedView<DisputeView>(id, 'dispute');
    if (!snapshot) throw Problem.notFound('dispute', id);
    return snapshot;
  }

  async addEvidence(id: string, item: string, value: string, caller: Principal): Promise<DisputeView> {
    // Evidence text goes to workflow history and the gateway: a card number is refused here, before
    // Temporal sees it (the workflow's validator refuses it too).
    if (containsCardNumber(value)) {
      throw Problem.validation([{ field: 'value', message: `the ${item} evidence must not contain a card number (give the last four digits at most)` }], 422);
    }
    await this.getDispute(id, caller);
    try {
      return await this.temporal.workflow.getHandle(id).executeUpdate(addEvidenceUpdate, { args: [{ actor: caller.name, item: item as never, value }] });
    } catch (err) {
      // A case that has ended (decided, accepted, failed), also while this update was in flight: its state, not a 404 or a 500.
      if (isCaseEnded(err)) throw await endedCaseProblem(this.temporal, 'dispute', id, () => this.recordedState(id, 'dispute'), { action: 'add_evidence' });
      return billingProblem(err, 'dispute', id);
    }
  }

  confirmIdentity = (id: string, method: string, caller: Principal) => this.update(id, caller, (h) => h.executeUpdate(confirmIdentityUpdate, { args: [{ actor: caller.name, method }] }));
  retentionAnswer = (id: string, accepted: boolean, caller: Principal) => this.update(id, caller, (h) => h.executeUpdate(retentionAnswerUpdate, { args: [{ actor: caller.name, accepted }] }));

  private async update(id: string, caller: Principal, send: (h: WorkflowHandle<typeof refundWorkflow>) => Promise<RefundView>): Promise<RefundView> {
    if (!REFUND_ID.test(id)) throw Problem.notFound('refund', id);
    await assertBillingScope(this.dataSource, caller, 'refund', id, () => this.refundView(id));
    try {
      return await send(this.temporal.workflow.getHandle<typeof refundWorkflow>(id));
    } catch (err) {
      if (isCaseEnded(err)) throw await endedCaseProblem(this.temporal, 'refund', id, () => this.recordedState(id, 'refund'));
      return billingProblem(err, 'refund', id);
    }
  }

  /** The case's last recorded view, its personal data opened (stored sealed under the case's key). */
  private async recordedView<V>(id: string, kind: 'refund' | 'dispute'): Promise<V | undefined> {
    const rows: { snapshot: V }[] = await this.dataSource.query(`SELECT snapshot FROM billing_cases WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0] ? this.sealer.open(rows[0].snapshot) : undefined;
  }

  private async recordedState(id: string, kind: 'refund' | 'dispute'): Promise<string | undefined> {
    const rows: { state: string }[] = await this.dataSource.query(`SELECT state FROM billing_cases WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0]?.state;
  }

  /**
   * A verified gateway event, acted on once per event ID (gateways deliver at least once).
   * Returns false for a duplicate.
   */
  async applyWebhook(event: StripeWebhookEvent, brand: string | undefined): Promise<{ duplicate: boolean; action: string }> {
    const fresh: unknown[] = await this.dataSource.query(
      `INSERT INTO billing_webhook_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.eventId, event.type],
    );
    if (fresh.length === 0) return { duplicate: true, action: 'none' };
    try {
      return { duplicate: false, action: await this.act(event, brand) };
    } catch (err) {
      // Not acted on: forget the event so the gateway's retry is processed.
      await this.dataSource.query(`DELETE FROM billing_webhook_events WHERE event_id = $1`, [event.eventId]);
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
          if (err instanceof Error && err.name === 'WorkflowNotFoundError') return 'ignored: no dunning case for this invoice';
          throw err;
        }
      }
      case 'charge.dispute.closed': {
        const caseId = `dispute-${event.dispute.id}`;
        try {
          await this.temporal.workflow.getHandle(caseId).signal(disputeClosedSignal, { status: event.dispute.status });
          return `signalled ${caseId}`;
        } catch (err) {
          if (err instanceof Error && err.name === 'WorkflowNotFoundError') return `ignored: no open case ${caseId}`;
          throw err;
        }
      }
      case 'refund.updated':
      case 'charge.refund.updated': {
        const caseId = event.refund.metadata.caseId;
        if (typeof caseId !== 'string' || !REFUND_ID.test(caseId)) return 'ignored: not a Caseworks refund';
        try {
          await this.temporal.workflow
            .getHandle(caseId)
            .signal(refundUpdatedSignal, { refundId: event.refund.id, status: event.refund.status, failureReason: event.refund.failureReason });
          return `signalled ${caseId}`;
        } catch (err) {
          if (err instanceof Error && err.name === 'WorkflowNotFoundError') return `ignored: ${caseId} has ended`;
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
