import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** How the caller proved who they are: an API key, an OIDC sign-in, or the system itself (a job). */
export const ACCESS_VIA = ['api-key', 'oidc', 'system'] as const;
export type AccessVia = (typeof ACCESS_VIA)[number];

/**
 * One access to case data: who, in which role, which case, which operation and field names, when
 * and from where — never the data itself. Append-only: the database refuses UPDATE, and DELETE
 * except through purge_access_log() for rows past retention (migration 1765300000000).
 */
@Entity({ name: 'access_log' })
export class AccessLogRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /** The principal's name (an API key's name, a person's OIDC name or subject), not a credential. */
  @Column({ type: 'text' })
  actor: string;

  /** The principal's stable id: the API key's id, the OIDC subject. */
  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  role: string;

  @Column({ type: 'text' })
  via: AccessVia;

  @Column({ name: 'case_id', type: 'text', nullable: true })
  caseId: string | null;

  @Column({ name: 'case_kind', type: 'text', nullable: true })
  caseKind: string | null;

  /** `<area>.<action>`, e.g. `tickets.read`, `tickets.reply`, `codec.decode`. */
  @Column({ type: 'text' })
  operation: string;

  /** Field names a write carried or a read returned; never their values. */
  @Column({ type: 'text', array: true, nullable: true })
  fields: string[] | null;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** The HTTP status answered, when the access was an API call (a 404 probe is logged too). */
  @Column({ type: 'smallint', nullable: true })
  status: number | null;
}
