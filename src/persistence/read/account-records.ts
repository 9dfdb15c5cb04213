import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountRow } from '../entities';

/** A ticket an adoption names, as the read model holds it. */
export interface AdoptionCandidate {
  id: string;
  brand: string;
  account_id: string | null;
}

/**
 * Customer accounts, and which tickets belong to one: the API's own records (the workflow's
 * record of a ticket never writes tickets.account_id: ticket-read-model.ts leaves it out).
 */
@Injectable()
export class AccountRecords {
  constructor(private readonly dataSource: DataSource) {}

  find(id: string): Promise<AccountRow | null> {
    return this.dataSource.getRepository(AccountRow).findOneBy({ id });
  }

  /** Creates the account unless its ID exists; true when created. Either way the row is then read with `find`. */
  async createIfAbsent(id: string, brand: string, name: string): Promise<boolean> {
    const inserted = (await this.dataSource.query(`INSERT INTO accounts (id, brand, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`, [id, brand, name])) as { id: string }[];
    return inserted.length > 0;
  }

  /** Tickets with no account, per brand (counts and opening times only). */
  ticketsWithoutAccount(): Promise<{ brand: string; count: number; oldest: Date; newest: Date }[]> {
    return this.dataSource.query(
      `SELECT brand, count(*)::int AS count, min(opened_at) AS oldest, max(opened_at) AS newest
         FROM tickets WHERE account_id IS NULL GROUP BY brand ORDER BY brand`,
    );
  }

  /**
   * In one transaction: the tickets the customer_ref values or IDs name (locked, so two adoptions
   * of one ticket for different accounts cannot both count it as theirs), and those `adoptable`
   * picks among them moved into the account — only while they still have none.
   */
  async adoptTickets(
    accountId: string,
    customerRefs: string[],
    ticketIds: string[],
    adoptable: (rows: AdoptionCandidate[]) => string[],
  ): Promise<{ matched: AdoptionCandidate[]; adoptedIds: string[] }> {
    return this.dataSource.transaction(async (tx) => {
      const rows = (await tx.query(`SELECT id, brand, account_id FROM tickets WHERE customer_ref = ANY($1::text[]) OR id = ANY($2::text[]) ORDER BY id FOR UPDATE`, [
        customerRefs,
        ticketIds,
      ])) as AdoptionCandidate[];
      const chosen = adoptable(rows);
      if (chosen.length === 0) return { matched: rows, adoptedIds: [] as string[] };
      const [updated] = (await tx.query(`UPDATE tickets SET account_id = $1 WHERE id = ANY($2::text[]) AND account_id IS NULL RETURNING id`, [accountId, chosen])) as [{ id: string }[], number];
      return { matched: rows, adoptedIds: updated.map((r) => r.id) };
    });
  }
}
