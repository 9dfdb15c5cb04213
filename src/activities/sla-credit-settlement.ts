import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { slaCreditIdempotencyKey, slaCreditMemo } from '../domain/billing/sla-credit-settlement';
import type { BillingGateway, GatewayCreditNote } from '../integrations/billing/stripe-gateway';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import { OwedSlaCredit, SlaCreditRow, toOwedSlaCredit } from '../persistence/sla-credit-rows';
import { ERASED_TEXT } from '../persistence/sealed-text';
import { CaseErasedError } from '../temporal/case-key-codec';

export type { OwedSlaCredit };

/** Settlement of the SLA credits in sla_credits: read, issue at the gateway, mark settled. */
export interface SlaCreditSettlementDeps {
  dataSource: DataSource;
  logger: Logger;
  gateway: BillingGateway;
  sealer: ReadModelSealer;
}

export function createSlaCreditSettlementActivities({ dataSource, logger, gateway, sealer }: SlaCreditSettlementDeps) {
  return {
    /** The credit, its customer's real reference opened (the gateway pays that one, not the pseudonym). */
    async loadSlaCredit({ key }: { key: string }): Promise<OwedSlaCredit | null> {
      const rows: SlaCreditRow[] = await sealer.open(await dataSource.query(`SELECT * FROM sla_credits WHERE key = $1`, [key]));
      return rows[0] ? toOwedSlaCredit(rows[0]) : null;
    },

    /** Keys of credits still owed that were recorded for breaches before `breachedBefore`, oldest first. */
    async listUnsettledSlaCredits({ breachedBefore, limit }: { breachedBefore: string; limit: number }): Promise<string[]> {
      const rows: { key: string }[] = await dataSource.query(
        `SELECT key FROM sla_credits WHERE settled_at IS NULL AND breached_at < $1 ORDER BY breached_at, key LIMIT $2`,
        [breachedBefore, limit],
      );
      return rows.map((r) => r.key);
    },

    /**
     * The gateway call, keyed sla-credit:<credit key>: a retry after the worker died (the note made,
     * the answer lost) returns the first note instead of a second one.
     */
    async issueSlaCreditNote(c: OwedSlaCredit): Promise<GatewayCreditNote> {
      // The customer was erased after the breach: nobody left to pay (a permanent failure, recorded on the credit).
      if (c.customerRef === ERASED_TEXT) throw new CaseErasedError(c.ticketId);
      const note = await gateway.issueCreditNote({
        customerId: c.customerRef,
        amountMinor: c.owedMinor,
        currency: c.currency,
        memo: slaCreditMemo(c),
        metadata: { sla_credit_key: c.key, ticket_id: c.ticketId },
        idempotencyKey: slaCreditIdempotencyKey(c.key),
      });
      logger.info({ key: c.key, ticketId: c.ticketId, creditNoteId: note.id, amountMinor: note.amountMinor }, 'sla credit note issued');
      return note;
    },

    /** Once: a credit already settled keeps its first reference (the answer says which one). */
    async markSlaCreditSettled({ key, settlementRef, kind }: { key: string; settlementRef: string | null; kind: 'credit_note' | 'nothing_owed' }): Promise<{ settlementRef: string | null; updated: boolean }> {
      const updated: { settlement_ref: string | null }[] = await dataSource.query(
        `UPDATE sla_credits SET settled_at = now(), settlement_ref = $2, settlement_kind = $3, settlement_failure = NULL, settlement_failed_at = NULL
          WHERE key = $1 AND settled_at IS NULL RETURNING settlement_ref`,
        [key, settlementRef, kind],
      );
      if (updated.length) {
        logger.info({ key, settlementRef, kind }, 'sla credit settled');
        return { settlementRef, updated: true };
      }
      const [row]: { settlement_ref: string | null }[] = await dataSource.query(`SELECT settlement_ref FROM sla_credits WHERE key = $1`, [key]);
      if (row && row.settlement_ref !== settlementRef) logger.warn({ key, settlementRef, recorded: row.settlement_ref }, 'sla credit was already settled under another reference');
      return { settlementRef: row?.settlement_ref ?? null, updated: false };
    },

    async recordSlaCreditFailure({ key, reason }: { key: string; reason: string }): Promise<void> {
      await dataSource.query(`UPDATE sla_credits SET settlement_failure = $2, settlement_failed_at = now() WHERE key = $1 AND settled_at IS NULL`, [key, reason]);
      logger.warn({ key, reason }, 'sla credit not settled');
    },
  };
}
