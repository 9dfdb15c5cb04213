import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A customer organisation of one brand. Its client keys see and act on its tickets only. */
@Entity({ name: 'accounts' })
export class AccountRow {
  /** A slug (`acme`), chosen when the first key is made for it. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  /** The brand whose customer it is: its keys open tickets of that brand only. NULL: not bound to one brand (operator-internal). */
  @Column({ type: 'text', nullable: true })
  brand: string | null;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
