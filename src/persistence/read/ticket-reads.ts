import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TicketRow } from '../entities';

/** Whose a ticket is, as the read model records it. */
export interface TicketOwnerRow {
  brand: string;
  account: string | null;
  /** Null: recorded before the column (its snapshot's category is sealed). */
  category?: string | null;
}

/** The ticket read model as the API reads it. Rows come as stored: the snapshot's personal data still sealed. */
@Injectable()
export class TicketReads {
  constructor(private readonly dataSource: DataSource) {}

  /** The whole row (sealed snapshot, request hash), or null when not recorded. */
  find(id: string): Promise<TicketRow | null> {
    return this.dataSource.getRepository(TicketRow).findOne({ where: { id } });
  }

  async owner(id: string): Promise<TicketOwnerRow | undefined> {
    const row = await this.dataSource.getRepository(TicketRow).findOne({ select: { id: true, brand: true, accountId: true, category: true }, where: { id } });
    return row ? { brand: row.brand, account: row.accountId, category: row.category } : undefined;
  }

  /** The account the ticket was adopted into (null when none), undefined when not recorded. */
  async accountOf(id: string): Promise<string | null | undefined> {
    const row = await this.dataSource.getRepository(TicketRow).findOne({ select: { id: true, accountId: true }, where: { id } });
    return row ? row.accountId : undefined;
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM tickets WHERE id = $1`, [id]);
    return rows.length > 0;
  }
}
