/**
 * The read model's write side: one writer per case kind, each a CaseRecords<V> — the case row
 * (snapshot and the columns reports and lists filter on) and its keyed events, in one
 * transaction, under one version guard (case-records.ts). Activities call these; the sealing of
 * what is stored and the report columns are decided here, once.
 */
export { BillingCaseRecords, storedCustomerRef } from './billing-case-records';
export type { BillingCaseSnapshot } from './billing-case-records';
export { newerVersionGuard } from './case-records';
export type { CaseEventRecord, CaseKind, CaseRecords, SnapshotRecorded } from './case-records';
export { IncidentRecords } from './incident-records';
export { PreservationRecords } from './preservation-records';
export { TakedownRecords } from './takedown-records';
export type { TakedownSnapshot } from './takedown-records';
export { TicketRecords } from './ticket-records';
export type { TicketSnapshot } from './ticket-records';
export { SLA_COUNT_COLUMNS } from './ticket-sla-counts';
export { observeRecordedEvents } from './recorded-events';
export type { RecordedCaseFacts, RecordedEventsObserver } from './recorded-events';
