/**
 * The CRM as a system of record (issue 16): who the customer is and what they bought, and where
 * each case is mirrored. The port stays small so a second CRM (Salesforce through jsforce) fits
 * behind it; HubSpot (hubspot-crm.ts) is the first real adapter, the `customers` table
 * (table-crm.ts) the built-in default when no CRM is configured.
 */
import type { MirroredCase } from '../../domain/customer/crm-mirror';
import type { CrmEntitlement } from '../../domain/customer/entitlement';

/** What the CRM says about a customer: their entitlement (the fields intake reads) and who looks after them. No names or e-mail addresses. */
export interface CustomerProfile extends CrmEntitlement {
  /** The caller's reference for the customer (a ticket's customerRef). */
  customerRef: string;
  /** The organisation's name as the CRM holds it (a company, not a person). */
  company: string | null;
  /** The account's Customer Success Manager: the CRM owner ID churn tasks go to. */
  csmOwnerId: string | null;
}

/** A case as mirrored into the CRM (src/domain/customer/crm-mirror.ts): a CRM ticket keyed by the case ID, never two for one case. */
export type CrmCase = MirroredCase;

export interface CrmTask {
  /** Keys the task: the same key never makes a second task. */
  key: string;
  customerRef: string;
  ownerId: string | null;
  subject: string;
  body: string;
  /** ISO 8601. */
  dueAt: string;
}

/** The CRM could not answer now (down, timed out, 5xx, rate-limited): worth asking again later. */
export class CrmUnavailableError extends Error {
  constructor(
    message: string,
    /** When the CRM said to come back (429 Retry-After), in ms; null when it did not say. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CrmUnavailableError';
  }
}

/** The CRM refused the request itself (401/403, 400): asking again changes nothing. */
export class CrmRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CrmRefusedError';
  }
}

/** Who the customer is: every CRM, the built-in table included, answers this. */
export interface CustomerLookup {
  /** 'hubspot', 'built-in'. */
  readonly name: string;
  /** The customer's profile; null when the CRM answered that it knows no such customer. */
  lookupCustomer(customerRef: string, signal?: AbortSignal): Promise<CustomerProfile | null>;
}

export interface CrmPort extends CustomerLookup {
  /** Creates or updates the case's CRM record, keyed by caseId; returns the CRM's ID for it. */
  upsertCase(c: CrmCase): Promise<{ crmId: string; created: boolean }>;
  /** A note on the case's CRM record (its timeline). */
  addNote(caseId: string, key: string, text: string): Promise<void>;
  /** A task for a person in the CRM (a CSM's follow-up), once per key. */
  createTask(t: CrmTask): Promise<{ crmId: string; created: boolean }>;
}
