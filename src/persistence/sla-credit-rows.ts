import { pseudonymOf } from './read-model-sealer';
import { ERASED_TEXT } from './sealed-text';

/** A row of sla_credits as pg returns it (numeric and bigint arrive as strings). */
export interface SlaCreditRow {
  key: string;
  ticket_id: string;
  brand: string;
  /** The customer's pseudonym (rows written before sealing: the reference itself). */
  customer_ref: string;
  /** The reference the gateway pays, sealed under the ticket's key (opened by the reader); NULL before sealing. */
  customer_ref_sealed?: string | null;
  priority: string;
  metric: string;
  percent: string;
  owed_minor: string;
  currency: string;
  breached_at: Date;
  settled_at: Date | null;
  settlement_ref: string | null;
  settlement_kind: string | null;
  settlement_failure: string | null;
}

/** A credit the ticket engine recorded, as the settlement workflow and the API see it. */
export interface OwedSlaCredit {
  key: string;
  ticketId: string;
  brand: string;
  customerRef: string;
  priority: string;
  metric: string;
  percent: number;
  owedMinor: number;
  currency: string;
  breachedAt: string;
  settledAt: string | null;
  settlementRef: string | null;
}

/** What every pseudonym starts with (read-model-sealer.ts). */
const PSEUDONYM_PREFIX = pseudonymOf('');

/**
 * The reference the credit is owed to, from a row opened by ReadModelSealer.open: the sealed
 * copy's (or "[erased]"); in rows from before sealing, customer_ref itself — unless erasure has
 * since replaced it with the pseudonym, which names nobody the gateway knows.
 */
function customerRefOf(r: SlaCreditRow): string {
  if (r.customer_ref_sealed) return r.customer_ref_sealed;
  // `erased:…` is what erasure writes over a reference (src/api/privacy/erasure.service.ts).
  return r.customer_ref.startsWith(PSEUDONYM_PREFIX) || r.customer_ref.startsWith('erased:') ? ERASED_TEXT : r.customer_ref;
}

export function toOwedSlaCredit(r: SlaCreditRow): OwedSlaCredit {
  return {
    key: r.key,
    ticketId: r.ticket_id,
    brand: r.brand,
    customerRef: customerRefOf(r),
    priority: r.priority,
    metric: r.metric,
    percent: Number(r.percent),
    owedMinor: Number(r.owed_minor),
    currency: r.currency,
    breachedAt: r.breached_at.toISOString(),
    settledAt: r.settled_at?.toISOString() ?? null,
    settlementRef: r.settlement_ref,
  };
}
