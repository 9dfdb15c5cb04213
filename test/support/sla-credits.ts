import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** Puts an SLA credit in sla_credits as the ticket engine records one (see src/activities/sla-credits.ts). */
export async function insertSlaCredit(ds: DataSource, c: { customerRef: string; owedMinor: number; breachedAt?: Date; currency?: string }): Promise<string> {
  const ticketId = `ticket-${randomUUID().slice(0, 8)}`;
  const key = `${ticketId}:firstResponse:c1:credit`;
  await ds.query(
    `INSERT INTO sla_credits (key, ticket_id, brand, customer_ref, plan, priority, metric, percent, amount_minor, owed_minor, currency, rule, breached_at)
     VALUES ($1, $2, 'vivtone', $3, 'enterprise', 'S1', 'firstResponse', 10, $4, $4, $5, 'test: S1 firstResponse breach = 10%', $6)`,
    [key, ticketId, c.customerRef, c.owedMinor, c.currency ?? 'USD', c.breachedAt ?? new Date()],
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
