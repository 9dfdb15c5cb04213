/**
 * Settling the SLA credits the ticket engine recorded (sla_credits): each credit once, as a credit
 * note at the billing gateway. Pure: names and instants only.
 */

/** The gateway's idempotency key for a credit: from the credit's own key, never a run's. */
export function slaCreditIdempotencyKey(creditKey: string): string {
  return `sla-credit:${creditKey}`;
}

/**
 * One settlement workflow per credit, keyed by the credit: a second sweep reaches the same
 * workflow (running) or finds it done, never a second settlement.
 */
export function slaCreditSettlementWorkflowId(creditKey: string): string {
  return `sla-credit-${creditKey}`;
}

/** 00:00 UTC on the first day of the month `now` falls in (the monthly run settles what came before). */
export function startOfUtcMonth(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The credit note's memo: what the customer sees on it (the rule, never card data). */
export function slaCreditMemo(c: { ticketId: string; priority: string; metric: string; percent: number }): string {
  return `SLA credit: ${c.priority} ${c.metric} breach on ticket ${c.ticketId} (${c.percent}% of the monthly fee)`;
}
