import type { DataSource } from 'typeorm';
import type { ReadModelSealer } from '../read-model-sealer';
import { CaseEventRecord, CaseRecords, CaseTables, lastOccurredAt, sealedEvents, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';
import { reportRecordedEvents } from './recorded-events';

/** A refund's, dispute's or dunning case's row, as the billing workflows describe it. */
export interface BillingCaseSnapshot {
  kind: 'refund' | 'dispute' | 'dunning';
  id: string;
  brand: string;
  state: string;
  customerRef: string;
  snapshot: object;
}

const BILLING_CASES: CaseTables = {
  table: 'billing_cases',
  fixedColumns: ['kind', 'brand', 'customer_ref', 'opened_at'],
  events: { table: 'billing_case_events', caseColumn: 'case_id' },
};

/**
 * What a billing case's `customer_ref` column stores. A refund's or a dunning case's reference
 * names the customer: the pseudonym (joins with tickets and the per-subject lookups keep working).
 * A dispute's is the disputed charge's ID, which names a payment: kept, so a subject's chargebacks
 * are still found through the charge of their refunds (the snapshot's `chargeId` stays clear too).
 */
export function storedCustomerRef(sealer: ReadModelSealer, kind: BillingCaseSnapshot['kind'], ref: string): string {
  return kind === 'dispute' ? ref : sealer.pseudonym(ref);
}

/** Billing cases' rows: the snapshot and event data sealed under the case's key. */
export class BillingCaseRecords implements CaseRecords<BillingCaseSnapshot> {
  readonly kind = 'billingCase' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  async recordSnapshot(c: BillingCaseSnapshot, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded> {
    const customerRef = storedCustomerRef(this.sealer, c.kind, c.customerRef);
    const snapshot = await this.sealer.seal(c.id, c.snapshot);
    // Agents and 'system' act on cases; should the customer ever be the actor, the row names their pseudonym.
    const stored = await sealedEvents(this.sealer, c.id, events, { customer: { ref: c.customerRef, stored: customerRef } });
    const at = lastOccurredAt(events);
    const result = await writeCaseRecords(
      this.dataSource,
      BILLING_CASES,
      { id: c.id, kind: c.kind, brand: c.brand, state: c.state, customer_ref: customerRef, snapshot: JSON.stringify(snapshot), opened_at: at, updated_at: at, version: versionOrNull(version) },
      stored,
    );
    return reportRecordedEvents({ kind: c.kind, brand: c.brand, priority: null }, events, result);
  }
}
