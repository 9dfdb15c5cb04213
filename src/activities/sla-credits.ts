import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ReadModelSealer } from '../persistence/read-model-sealer';

export interface SlaCreditInput {
  key: string;
  ticketId: string;
  brand: string;
  customerRef: string;
  plan: string;
  priority: string;
  metric: string;
  percent: number;
  amountMinor: number;
  currency: string;
  monthlyCapPercent: number;
  monthlyFeeMinor: number;
  rule: string;
  breachedAt: string;
}

export function createSlaCreditActivities({ dataSource, logger, sealer }: { dataSource: DataSource; logger: Logger; sealer: ReadModelSealer }) {
  return {
    /**
     * Records the credit a breach earns, for billing to settle later. The customer's credits in
     * the breach's calendar month are capped (the policy's monthly cap): the amount owed is what
     * is left under the cap. Keyed by the breach, so a retry records nothing new.
     */
    async recordSlaCredit(c: SlaCreditInput): Promise<{ owedMinor: number; recorded: boolean }> {
      // The customer is matched by pseudonym (and, in rows from before sealing, by the reference);
      // the reference the gateway pays is kept sealed under the ticket's key.
      const pseudonym = sealer.pseudonym(c.customerRef);
      const sealedRef = await sealer.sealText(c.ticketId, c.customerRef);
      return dataSource.transaction(async (tx) => {
        // One customer's credits are decided one at a time, so two breaches cannot both fill the cap.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sla-credit:${c.brand}:${pseudonym}`]);
        const existing: { owed_minor: string }[] = await tx.query(`SELECT owed_minor FROM sla_credits WHERE key = $1`, [c.key]);
        if (existing.length) return { owedMinor: Number(existing[0].owed_minor), recorded: false };
        const [{ sum }]: { sum: string | null }[] = await tx.query(
          `SELECT sum(owed_minor) AS sum FROM sla_credits
            WHERE brand = $1 AND customer_ref = ANY($2) AND date_trunc('month', breached_at AT TIME ZONE 'UTC') = date_trunc('month', $3::timestamptz AT TIME ZONE 'UTC')`,
          [c.brand, sealer.refMatches(c.customerRef), c.breachedAt],
        );
        const capMinor = Math.floor((c.monthlyFeeMinor * c.monthlyCapPercent) / 100);
        const owedMinor = Math.max(0, Math.min(c.amountMinor, capMinor - Number(sum ?? 0)));
        await tx.query(
          `INSERT INTO sla_credits (key, ticket_id, brand, customer_ref, customer_ref_sealed, plan, priority, metric, percent, amount_minor, owed_minor, currency, rule, breached_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
          [c.key, c.ticketId, c.brand, pseudonym, sealedRef, c.plan, c.priority, c.metric, c.percent, c.amountMinor, owedMinor, c.currency, c.rule, c.breachedAt],
        );
        logger.info({ ticketId: c.ticketId, key: c.key, owedMinor, currency: c.currency }, 'sla credit recorded');
        return { owedMinor, recorded: true };
      });
    },
  };
}
