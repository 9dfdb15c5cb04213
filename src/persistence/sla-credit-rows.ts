/** A row of sla_credits as pg returns it (numeric and bigint arrive as strings). */
export interface SlaCreditRow {
  key: string;
  ticket_id: string;
  brand: string;
  customer_ref: string;
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

export function toOwedSlaCredit(r: SlaCreditRow): OwedSlaCredit {
  return {
    key: r.key,
    ticketId: r.ticket_id,
    brand: r.brand,
    customerRef: r.customer_ref,
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
