import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only history of a ticket. `event_key` is derived from the business case and step, so a
 * retried or replayed activity inserts nothing new: each transition and SLA event is recorded once.
 */
@Entity({ name: 'ticket_events' })
export class TicketEventRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Index({ unique: true })
  @Column({ name: 'event_key', type: 'text' })
  eventKey: string;

  @Index()
  @Column({ name: 'ticket_id', type: 'text' })
  ticketId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  actor: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  data: Record<string, unknown>;

  /** The ticket's change number: events read in the order the workflow applied them. Null: older events. */
  @Column({ type: 'bigint', nullable: true })
  seq: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
