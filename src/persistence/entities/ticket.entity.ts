import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TicketView } from '../../workflows/ticket/messages';

/** Read model of a ticket. Written only by the ticket's workflow (through an activity). */
@Entity({ name: 'tickets' })
export class TicketRow {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index()
  @Column({ type: 'text' })
  brand: string;

  @Column({ type: 'text' })
  channel: string;

  @Index()
  @Column({ type: 'text' })
  priority: string;

  @Index()
  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ type: 'text', nullable: true })
  plan: string | null;

  @Column({ type: 'text', nullable: true })
  assignee: string | null;

  /** Mentored mode: the certified agent mentoring the assignee (issue 14). */
  @Column({ type: 'text', nullable: true })
  mentor: string | null;

  /** How the plan was established (verified, corrected, unconfirmed, unverified); null for tickets opened before the CRM lookup. */
  @Column({ type: 'text', nullable: true })
  entitlement: string | null;

  @Column({ name: 'customer_ref', type: 'text', nullable: true })
  customerRef: string | null;

  /** The customer account whose client keys see the ticket (NULL: none; agents only). Set when it opens, or once by an adoption (POST /v1/accounts/{id}/tickets/adopt); the workflow's records never overwrite it. */
  @Column({ name: 'account_id', type: 'text', nullable: true })
  accountId: string | null;

  @Column({ name: 'at_risk', type: 'boolean', default: false })
  atRisk: boolean;

  @Column({ name: 'next_deadline_at', type: 'timestamptz', nullable: true })
  nextDeadlineAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'agent_replies', type: 'integer', default: 0 })
  agentReplies: number;

  @Column({ name: 'reopen_count', type: 'integer', default: 0 })
  reopenCount: number;

  @Column({ name: 'first_contact_resolution', type: 'boolean', nullable: true })
  firstContactResolution: boolean | null;

  @Column({ name: 'csat_score', type: 'smallint', nullable: true })
  csatScore: number | null;

  /** What the ticket is about (TICKET_CATEGORIES); NULL: written before the column, its snapshot's category sealed. */
  @Column({ type: 'text', nullable: true })
  category: string | null;

  /** When the customer's message was received (the SLA clocks' start); NULL only for rows whose snapshot did not say. */
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  /** The NPS answer (0–10) given with CSAT. */
  @Column({ name: 'nps_score', type: 'smallint', nullable: true })
  npsScore: number | null;

  /** Root-cause ids tagged from the brand's vocabulary. */
  @Column({ name: 'root_cause_tags', type: 'text', array: true, default: () => "'{}'" })
  rootCauseTags: string[];

  /** Any tagged root cause preventable; NULL until tagged. */
  @Column({ type: 'boolean', nullable: true })
  preventable: boolean | null;

  /** The agents' logged working time, summed (seconds). */
  @Column({ name: 'handle_seconds', type: 'integer', default: 0 })
  handleSeconds: number;

  @Column({ name: 'first_response_due_at', type: 'timestamptz', nullable: true })
  firstResponseDueAt: Date | null;

  @Column({ name: 'first_response_at', type: 'timestamptz', nullable: true })
  firstResponseAt: Date | null;

  @Index()
  @Column({ name: 'sla_breached', type: 'boolean', default: false })
  slaBreached: boolean;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** The workflow's last view, served by GET once the workflow has closed. */
  @Column({ type: 'jsonb' })
  snapshot: TicketView;

  /** Hash of the opening request, so a reused Idempotency-Key with another body is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** The ticket's change number this snapshot shows (its last event's seq); null: written before it existed. */
  @Column({ type: 'bigint', nullable: true })
  version: string | null;
}
