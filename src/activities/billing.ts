import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import { assertNoCardData, CARD_DATA_REFUSED, CardDataError } from '../domain/billing/card-redaction';
import type { DisputeEvidence } from '../domain/billing/dispute';
import type { BillingGateway, CreateRefundRequest, GatewayCharge, GatewayRefund } from '../integrations/billing/stripe-gateway';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import { type CaseEventRecord, BillingCaseRecords, BillingCaseSnapshot } from '../persistence/read-model';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import { refuseUnstorable } from './permanent-failure';
import { createSlaCreditSettlementActivities } from './sla-credit-settlement';

export interface BillingDeps {
  dataSource: DataSource;
  logger: Logger;
  gateway: BillingGateway;
  /** The CRM's webhook; absent: updates are recorded in crm_updates only. */
  crmWebhook?: WebhookNotificationSender;
  /** Seals the personal data of what is stored under the case's key (read-model-sealer.ts). */
  sealer: ReadModelSealer;
}

export interface BillingCaseRecord extends BillingCaseSnapshot {
  /**
   * The case's change number this snapshot shows (its `seq`, carried across continue-as-new): a
   * snapshot only replaces one with a lower version. Absent: records of runs from before, guarded
   * by updated_at as they were.
   */
  version?: number;
}

/** One event of the case's record: the read-model layer's shape (keyed, numbered). */
export type BillingEventInput = CaseEventRecord;

export function createBillingActivities({ dataSource, logger, gateway, crmWebhook, sealer }: BillingDeps) {
  const billingCases = new BillingCaseRecords(dataSource, sealer);
  return {
    ...createSlaCreditSettlementActivities({ dataSource, logger, gateway, sealer }),

    /** Snapshot + keyed event in one transaction; an older snapshot never overwrites a newer one (read-model/case-records.ts). */
    async recordBillingCase(c: BillingCaseRecord, event: BillingEventInput): Promise<{ eventRecorded: boolean }> {
      // Card data must never reach a table: the gateway gives us the last four digits at most. A
      // refused record would be refused on every retry, so it fails for good, naming the field
      // path (never the value); the workflow moves the case to manual remediation.
      try {
        assertNoCardData(c.snapshot, 'snapshot');
        assertNoCardData(event.data, 'event.data');
      } catch (err) {
        if (!(err instanceof CardDataError)) throw err;
        logger.warn({ caseId: c.id, kind: c.kind, event: event.type, path: err.path }, 'billing record refused: card data');
        throw ApplicationFailure.create({ type: CARD_DATA_REFUSED, nonRetryable: true, message: `billing record of ${c.id} refused: card data at ${err.path}`, details: [{ path: err.path }] });
      }
      // Sealed after the card-data guard (which must see the plaintext), before anything is stored.
      refuseUnstorable(c, event);
      const { version, ...billingCase } = c;
      const { eventsRecorded } = await billingCases.recordSnapshot(billingCase, [event], version);
      const recorded = eventsRecorded > 0;
      logger.info({ caseId: c.id, kind: c.kind, event: event.type, state: c.state, eventRecorded: recorded }, 'billing case transition recorded');
      return { eventRecorded: recorded };
    },

    async createRefund(request: CreateRefundRequest): Promise<GatewayRefund> {
      const refund = await gateway.createRefund(request);
      logger.info({ idempotencyKey: request.idempotencyKey, refundId: refund.id, status: refund.status, amountMinor: refund.amountMinor }, 'refund requested');
      return refund;
    },

    getRefund({ refundId }: { refundId: string }): Promise<GatewayRefund> {
      return gateway.getRefund(refundId);
    },

    /** The refunds already made on a charge (a disputed charge's refunds are evidence). */
    listChargeRefunds({ chargeId }: { chargeId: string }): Promise<GatewayRefund[]> {
      return gateway.listRefunds(chargeId);
    },

    /** Transaction ID, authorization code, last four digits: what the agent may see. */
    getCharge({ chargeId }: { chargeId: string }): Promise<GatewayCharge> {
      return gateway.getCharge(chargeId);
    },

    async cancelSubscription({ subscriptionId }: { subscriptionId: string }): Promise<{ status: string }> {
      const sub = await gateway.cancelSubscription(subscriptionId);
      logger.info({ subscriptionId, status: sub.status }, 'subscription cancelled');
      return { status: sub.status };
    },

    /** Stages the evidence at the gateway (editable until submitted). */
    async stageDisputeEvidence({ disputeId, evidence }: { disputeId: string; evidence: DisputeEvidence }): Promise<void> {
      await gateway.submitDisputeEvidence(disputeId, evidence, false);
    },

    /** Sends the evidence to the card network: the gateway key is derived from it, so a retry never submits twice. */
    async submitDisputeEvidence({ disputeId, evidence }: { disputeId: string; evidence: DisputeEvidence }): Promise<{ submissionCount: number }> {
      const d = await gateway.submitDisputeEvidence(disputeId, evidence, true);
      logger.info({ disputeId, submissionCount: d.submissionCount }, 'dispute evidence submitted');
      return { submissionCount: d.submissionCount };
    },

    /** Concedes the chargeback (the cardholder keeps the money). */
    async acceptDispute({ disputeId }: { disputeId: string }): Promise<void> {
      await gateway.closeDispute(disputeId);
      logger.info({ disputeId }, 'dispute accepted');
    },

    /**
     * Tells the CRM what happened to the customer's account: recorded once per key, then delivered.
     * The CRM (an outside system that knows the customer) gets the reference itself; the row stores
     * the pseudonym and the data sealed under the case's key.
     */
    async updateCrm(u: { key: string; caseId: string; customerRef: string; event: string; data: Record<string, unknown> }): Promise<void> {
      await dataSource.query(
        `INSERT INTO crm_updates (key, case_id, customer_ref, event, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
        [u.key, u.caseId, sealer.pseudonym(u.customerRef), u.event, JSON.stringify(await sealer.seal(u.caseId, u.data))],
      );
      if (crmWebhook) {
        const message = { ...u, kind: 'crm_update' };
        const { status } = await crmWebhook.send(message, Date.now());
        await dataSource.query(`UPDATE crm_updates SET delivered_at = now(), delivery_status = $2 WHERE key = $1`, [u.key, status]);
      }
      logger.info({ caseId: u.caseId, event: u.event, key: u.key }, 'crm updated');
    },
  };
}
