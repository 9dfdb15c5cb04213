import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { testSealer } from './sealed-rows';

/**
 * Puts an SLA credit in sla_credits as the ticket engine records one (see src/activities/sla-credits.ts):
 * the customer's pseudonym in customer_ref, the reference itself sealed under the ticket's key.
 * `plaintext`: as a row written before sealing (the reference in customer_ref, no sealed copy).
 */
export async function insertSlaCredit(ds: DataSource, c: { customerRef: string; owedMinor: number; breachedAt?: Date; currency?: string; plaintext?: boolean }): Promise<string> {
  const ticketId = `ticket-${randomUUID().slice(0, 8)}`;
  const key = `${ticketId}:firstResponse:c1:credit`;
  const sealer = testSealer();
  const [customerRef, sealedRef] = c.plaintext ? [c.customerRef, null] : [sealer.pseudonym(c.customerRef), await sealer.sealText(ticketId, c.customerRef)];
  await ds.query(
    `INSERT INTO sla_credits (key, ticket_id, brand, customer_ref, customer_ref_sealed, plan, priority, metric, percent, amount_minor, owed_minor, currency, rule, breached_at)
     VALUES ($1, $2, 'vivtone', $3, $4, 'enterprise', 'S1', 'firstResponse', 10, $5, $5, $6, 'test: S1 firstResponse breach = 10%', $7)`,
    [key, ticketId, customerRef, sealedRef, c.owedMinor, c.currency ?? 'USD', c.breachedAt ?? new Date()],
  );
  return key;
}

export async function slaCreditRow(ds: DataSource, key: string) {
  const [row]: { settled_at: Date | null; settlement_ref: string | null; settlement_kind: string | null; settlement_failure: string | null }[] = await ds.query(
    `SELECT settled_at, settlement_ref, settlement_kind, settlement_failure FROM sla_credits WHERE key = $1`,
    [key],
  );
  return row;
}
