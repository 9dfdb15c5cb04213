import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { DisputeEvidence } from '../../domain/billing/dispute';
import { BillingGateway, CreateRefundRequest, CreditNoteRequest, GatewayCreditNote, GatewayCharge, GatewayDispute, GatewayRefund, GatewayRejectedError, GatewaySubscription } from './stripe-gateway';

/**
 * The gateway `make dev` uses when no Stripe key is configured: a ledger in PostgreSQL
 * (sandbox_ledger) that behaves like a card processor for the calls Caseworks makes. Refunds are
 * keyed by their idempotency key (a replay returns the first refund) and settle `settleAfterMs`
 * after they were requested, as a card refund settles days later. Never used with real money.
 */
export class SandboxGateway implements BillingGateway {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settleAfterMs = 10_000,
  ) {}

  async createRefund(r: CreateRefundRequest): Promise<GatewayRefund> {
    const chargeId = r.chargeId ?? r.paymentIntentId!;
    const id = `re_sandbox_${createHash('sha256').update(r.idempotencyKey).digest('hex').slice(0, 20)}`;
    await this.dataSource.query(
      `INSERT INTO sandbox_ledger (id, kind, charge_id, amount_minor, currency, status, idempotency_key) VALUES ($1, 'refund', $2, $3, $4, 'pending', $5)
       ON CONFLICT (id) DO NOTHING`,
      [id, chargeId, r.amountMinor, (r.currency ?? 'USD').toUpperCase(), r.idempotencyKey],
    );
    const [row]: { amount_minor: string; charge_id: string }[] = await this.dataSource.query(`SELECT amount_minor, charge_id FROM sandbox_ledger WHERE id = $1`, [id]);
    if (Number(row.amount_minor) !== r.amountMinor || row.charge_id !== chargeId) {
      throw new GatewayRejectedError(400, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with');
    }
    return this.getRefund(id);
  }

  async getRefund(refundId: string): Promise<GatewayRefund> {
    await this.dataSource.query(
      `UPDATE sandbox_ledger SET status = 'succeeded' WHERE id = $1 AND status = 'pending' AND created_at <= now() - make_interval(secs => $2)`,
      [refundId, this.settleAfterMs / 1000],
    );
    const [row]: { charge_id: string; status: GatewayRefund['status']; amount_minor: string; currency: string }[] = await this.dataSource.query(
      `SELECT charge_id, status, amount_minor, currency FROM sandbox_ledger WHERE id = $1`,
      [refundId],
    );
    if (!row) throw new GatewayRejectedError(404, 'resource_missing', `No such refund: '${refundId}'`);
    return {
      id: refundId,
      chargeId: row.charge_id,
      status: row.status,
      failureReason: null,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      // Like a card network, the sandbox assigns the trace number (a 23-digit ARN) when the refund settles.
      traceNumber: row.status === 'succeeded' ? sandboxArn(refundId) : null,
    };
  }

  async listRefunds(chargeId: string): Promise<GatewayRefund[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM sandbox_ledger WHERE charge_id = $1 AND kind = 'refund' ORDER BY created_at DESC`, [chargeId]);
    return Promise.all(rows.map((r) => this.getRefund(r.id)));
  }

  async getCharge(chargeId: string): Promise<GatewayCharge> {
    const [refunded]: { sum: string | null }[] = await this.dataSource.query(`SELECT sum(amount_minor) AS sum FROM sandbox_ledger WHERE charge_id = $1 AND kind = 'refund'`, [chargeId]);
    return { id: chargeId, paymentIntentId: null, amountMinor: 0, amountRefundedMinor: Number(refunded.sum ?? 0), currency: 'USD', authorizationCode: 'SANDBOX', brand: 'visa', last4: '4242', disputed: false, threeDSecure: null };
  }

  getDispute(disputeId: string): Promise<GatewayDispute> {
    return Promise.reject(new GatewayRejectedError(404, 'resource_missing', `the sandbox gateway has no dispute ${disputeId}`));
  }

  submitDisputeEvidence(disputeId: string, _evidence: DisputeEvidence, _submit: boolean): Promise<GatewayDispute> {
    return this.getDispute(disputeId);
  }

  closeDispute(disputeId: string): Promise<GatewayDispute> {
    return this.getDispute(disputeId);
  }

  /** Keyed by the idempotency key, forever: the sandbox never forgets a credit it issued. */
  async issueCreditNote(r: CreditNoteRequest): Promise<GatewayCreditNote> {
    const id = `cn_sandbox_${createHash('sha256').update(r.idempotencyKey).digest('hex').slice(0, 20)}`;
    await this.dataSource.query(
      `INSERT INTO sandbox_ledger (id, kind, charge_id, amount_minor, currency, status, idempotency_key) VALUES ($1, 'credit_note', NULL, $2, $3, 'issued', $4)
       ON CONFLICT (id) DO NOTHING`,
      [id, r.amountMinor, r.currency.toUpperCase(), r.idempotencyKey],
    );
    const [row]: { amount_minor: string; currency: string }[] = await this.dataSource.query(`SELECT amount_minor, currency FROM sandbox_ledger WHERE id = $1`, [id]);
    if (Number(row.amount_minor) !== r.amountMinor) {
      throw new GatewayRejectedError(400, 'idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with');
    }
    return { id, invoiceId: null, amountMinor: r.amountMinor, currency: row.currency };
  }

  async cancelSubscription(subscriptionId: string): Promise<GatewaySubscription> {
    await this.dataSource.query(
      `INSERT INTO sandbox_ledger (id, kind, charge_id, amount_minor, currency, status, idempotency_key) VALUES ($1, 'cancellation', NULL, 0, 'USD', 'canceled', $1)
       ON CONFLICT (id) DO NOTHING`,
      [`sub_cancel_${subscriptionId}`],
    );
    return { id: subscriptionId, status: 'canceled' };
  }
}

/** 23 digits derived from the refund: the same refund always shows the same ARN. */
function sandboxArn(refundId: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(refundId).digest('hex').slice(0, 24)}`).toString().padStart(23, '0');
  return `7${digits.slice(0, 22)}`;
}
