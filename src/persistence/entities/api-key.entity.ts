import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `privacy`: the data-protection officer's role (subject export and erasure). */
export const ROLES = ['client', 'agent', 'sre', 'legal', 'admin', 'billing', 'privacy', 'trainer'] as const;
export type Role = (typeof ROLES)[number];

/** An API key. Only its SHA-256 is stored; the key itself is shown once, when created. */
@Entity({ name: 'api_keys' })
export class ApiKeyRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Index({ unique: true })
  @Column({ name: 'key_hash', type: 'text' })
  keyHash: string;

  /** First characters of the key, to tell keys apart in listings without revealing them. */
  @Column({ name: 'key_prefix', type: 'text' })
  keyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** A client key's account (accounts.id): the only tickets it sees. NULL on a client key: it sees none. */
  @Column({ name: 'account_id', type: 'text', nullable: true })
  accountId: string | null;

  /**
   * The brand the key works for: an agent key sees that brand's cases only (NULL: every brand's).
   * On a client key, its account's brand, copied when the key is made.
   */
  @Column({ type: 'text', nullable: true })
  brand: string | null;
}
