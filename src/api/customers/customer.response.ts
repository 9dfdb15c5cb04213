import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CustomerProfile } from '../../integrations/crm/crm-port';

/** The case kinds the customer view lists. Takedowns are not among them: a notice names no customer (no uploader reference). */
export const CUSTOMER_CASE_KINDS = ['ticket', 'incident', 'refund', 'dispute', 'dunning'] as const;
export type CustomerCaseKind = (typeof CUSTOMER_CASE_KINDS)[number];

export const PROFILE_STATUSES = ['found', 'unknown', 'unavailable'] as const;
export type ProfileStatus = (typeof PROFILE_STATUSES)[number];

/** What the CRM holds about the customer: their entitlement and account, no person's name or address. */
export class CustomerProfileResponse implements CustomerProfile {
  @ApiProperty({ example: 'cust_4711' }) customerRef: string;
  @ApiProperty({ nullable: true, type: String, example: 'vivtone', description: 'The brand the customer is a customer of, when the CRM says' }) brand: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'enterprise', description: 'The support plan bought; null for brands without plans' }) plan: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'strategic' }) tier: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'eu-west' }) region: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'C-7', description: "The contract's reference" }) contract: string | null;
  @ApiProperty() enterprise: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'Northwind', description: "The organisation's name (a company, not a person)" }) company: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The account's Customer Success Manager (the CRM owner ID)" }) csmOwnerId: string | null;
  @ApiProperty({ example: 'built-in', description: "The CRM that answered: 'hubspot', 'built-in'" }) source: string;
}

/** One of the customer's cases as the read model holds it: what it is, where it stands, and its SLA. */
export class CustomerCaseResponse {
  @ApiProperty({ enum: CUSTOMER_CASE_KINDS }) kind: CustomerCaseKind;
  @ApiProperty({ example: 'ticket-01jd8k9d3v4m2q7w5x6y8z0a1b', description: 'Read the case itself at /v1/<kind>s/{id} (dunning: /v1/dunning/{id})' }) id: string;
  @ApiProperty({ example: 'uoozee' }) brand: string;
  @ApiProperty({ example: 'open', description: "The case's status in its kind's own vocabulary (a ticket's status, a refund's state…)" }) status: string;
  @ApiProperty({ nullable: true, type: String, example: 'P2', description: 'Tickets and incidents; null for billing cases' }) priority: string | null;
  @ApiProperty({ example: '2026-11-27T17:30:00.000Z' }) openedAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The next SLA deadline: a ticket's or incident's nearest clock, a refund's settlement breach, a chargeback's evidence deadline (ours), a dunning case's next step; null when none runs",
  })
  nextDeadlineAt: string | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'Whether an SLA clock of the case breached; null for kinds without an SLA (dunning)' }) slaBreached: boolean | null;
  @ApiProperty({ nullable: true, type: String, example: 'enterprise', description: 'Tickets: the support plan the ticket runs on; null otherwise' }) plan: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['verified', 'corrected', 'unconfirmed', 'unverified'],
    description: 'Tickets: how the plan was established (see the ticket’s entitlement); null otherwise, and on tickets opened before the CRM lookup',
  })
  entitlement: string | null;
  @ApiPropertyOptional({ type: [String], description: "Incidents only: the customer's tickets linked to the incident (those the caller may see; never other customers')" })
  linkedTickets?: string[];
}

export class CustomerViewResponse {
  @ApiProperty({ example: 'cust_4711' }) customerRef: string;
  @ApiProperty({ type: CustomerProfileResponse, nullable: true, description: 'The CRM profile; null when the CRM does not know the customer or did not answer in time' })
  profile: CustomerProfileResponse | null;
  @ApiProperty({ enum: PROFILE_STATUSES, description: 'found; unknown: the CRM answered that it knows no such customer; unavailable: the CRM did not answer within CRM_LOOKUP_BUDGET_MS' })
  profileStatus: ProfileStatus;
  @ApiProperty({ type: [CustomerCaseResponse], description: 'This page of the cases, newest first (openedAt, then kind and ID)' }) cases: CustomerCaseResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}

/** One event of one of the customer's cases, as its history recorded it. */
export class CustomerTimelineEventResponse {
  @ApiProperty({ enum: CUSTOMER_CASE_KINDS }) caseKind: CustomerCaseKind;
  @ApiProperty({ example: 'ticket-01jd8k9d3v4m2q7w5x6y8z0a1b' }) caseId: string;
  @ApiProperty({ example: 'replied' }) type: string;
  @ApiProperty({ example: 'ann', description: "Who acted, as recorded (a customer's action may be recorded under their pseudonym, subject:…)" }) actor: string;
  @ApiProperty({ example: '2026-11-27T17:30:00.000Z' }) occurredAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the event recorded (its own fields per type), opened from the seal; an erased case reads "[erased]"' })
  data: unknown;
}

export class CustomerTimelineResponse {
  @ApiProperty({ example: 'cust_4711' }) customerRef: string;
  @ApiProperty({ type: [CustomerTimelineEventResponse], description: "This page of the events of the customer's cases, merged, newest first" }) events: CustomerTimelineEventResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor: string | null;
}
