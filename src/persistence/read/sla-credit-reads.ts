import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SlaCreditRow } from '../sla-credit-rows';

export interface SlaCreditFilter {
  settled?: boolean;
  brand?: string;
  /** The customer_ref values that are this customer's: its pseudonym, or the reference itself in rows from before sealing. */
  customerRefs?: string[];
  limit: number;
}

/** SLA credits owed, newest breach first. Rows come as stored: the customer's reference still sealed. */
@Injectable()
export class SlaCreditReads {
  constructor(private readonly dataSource: DataSource) {}

  list(f: SlaCreditFilter): Promise<SlaCreditRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.settled !== undefined) where.push(`settled_at IS ${f.settled ? 'NOT ' : ''}NULL`);
    if (f.brand) where.push(`brand = $${args.push(f.brand)}`);
    if (f.customerRefs) where.push(`customer_ref = ANY($${args.push(f.customerRefs)})`);
    return this.dataSource.query(
      `SELECT key, ticket_id, brand, customer_ref, customer_ref_sealed, priority, metric, percent, owed_minor, currency, breached_at, settled_at, settlement_ref, settlement_kind, settlement_failure
         FROM sla_credits ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY breached_at DESC, key LIMIT $${args.push(f.limit)}`,
      args,
    );
  }
}
