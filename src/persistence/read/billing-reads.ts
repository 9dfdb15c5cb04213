import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type BillingKind = 'refund' | 'dispute' | 'dunning';

export interface BillingEventRow {
  id: string;
  seq: string | null;
  type: string;
  actor: string;
  occurred_at: Date;
  data: unknown;
}

/**
 * The billing read model (refunds, disputes, dunning cases and their events) as the API reads it.
 * Snapshots and event data are stored sealed under the case's key: rows here come sealed, and the
 * caller opens them (ReadModelSealer) before answering with them.
 */
@Injectable()
export class BillingReads {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot<V>(kind: BillingKind, id: string): Promise<V | undefined> {
    const rows: { snapshot: V }[] = await this.dataSource.query(`SELECT snapshot FROM billing_cases WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0]?.snapshot;
  }

  async state(kind: BillingKind, id: string): Promise<string | undefined> {
    const rows: { state: string }[] = await this.dataSource.query(`SELECT state FROM billing_cases WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0]?.state;
  }

  async brand(kind: BillingKind, id: string): Promise<string | undefined> {
    const rows: { brand: string }[] = await this.dataSource.query(`SELECT brand FROM billing_cases WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0]?.brand;
  }

  /** One page of a case's events after (seq, id), in the order the case applied them (rows from before `seq` first). */
  events(caseId: string, after: { seq: number; id: number }, limit: number): Promise<BillingEventRow[]> {
    return this.dataSource.query(
      `SELECT id, seq, type, actor, occurred_at, data FROM billing_case_events
       WHERE case_id = $1 AND (COALESCE(seq, 0), id) > ($2::bigint, $3::bigint)
       ORDER BY COALESCE(seq, 0), id LIMIT $4`,
      [caseId, after.seq, after.id, limit],
    );
  }

  /** The case's customer pseudonym and its sealed snapshot (which holds the reference itself). */
  customer(caseId: string): Promise<{ customer_ref: string; snapshot: { customerRef?: unknown } }[]> {
    return this.dataSource.query(`SELECT customer_ref, snapshot FROM billing_cases WHERE id = $1`, [caseId]);
  }

  /** Records a gateway event ID; false when it was recorded before (gateways deliver at least once). */
  async claimWebhookEvent(eventId: string, type: string): Promise<boolean> {
    const fresh: unknown[] = await this.dataSource.query(
      `INSERT INTO billing_webhook_events (event_id, type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return fresh.length > 0;
  }

  /** Forgets an event not acted on, so the gateway's retry is processed. */
  async releaseWebhookEvent(eventId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM billing_webhook_events WHERE event_id = $1`, [eventId]);
  }
}
