import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountRow } from '../../persistence/entities';
import { AccountRecords } from '../../persistence/read/account-records';
import { ApiKeyService } from '../auth/api-key.service';
import { Problem } from '../problem/problem';
import type { CreateAccountDto } from './account.dto';

/** How many unassigned keys the status lists by name (all are counted). */
const LISTED_KEYS = 200;

export interface UnassignedKey {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: string;
}

export interface UnassignedTickets {
  brand: string;
  count: number;
  oldestOpenedAt: string;
  newestOpenedAt: string;
}

/** What is left of moving a deployment onto accounts: no customer data, names of keys and counts only. */
export interface BackfillStatus {
  /** Live client keys without an account: they see no tickets until assigned (PATCH /v1/api-keys/{id}). */
  clientKeysWithoutAccount: { count: number; keys: UnassignedKey[] };
  /**
   * Tickets without an account, per brand: no client key sees them (POST /v1/accounts/{id}/tickets/adopt).
   * Tickets an agent opens for no account on purpose are counted here too.
   */
  ticketsWithoutAccount: { count: number; byBrand: UnassignedTickets[] };
  /** Nothing left: every client key has an account, every ticket too. */
  done: boolean;
}

export interface AccountView {
  id: string;
  brand: string | null;
  name: string;
  createdAt: string;
}

@Injectable()
export class AccountBackfillService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountRecords,
  ) {}

  /**
   * Creates a customer account (an organisation of one brand). Creating it again with the same
   * brand answers the existing one (`created: false`); an existing ID of another brand is a 409.
   */
  async create(dto: CreateAccountDto): Promise<{ account: AccountView; created: boolean }> {
    const created = await this.accounts.createIfAbsent(dto.id, dto.brand, dto.name ?? dto.id);
    const account = await this.dataSource.getRepository(AccountRow).findOneByOrFail({ id: dto.id });
    if (!created && account.brand !== dto.brand) {
      throw Problem.conflict('account-exists', `account ${account.id} exists as a customer of ${account.brand ? `brand ${account.brand}` : 'no brand'}`, {
        errors: [{ field: 'brand', message: `account ${account.id} is not of brand ${dto.brand}` }],
      });
    }
    return { account: accountView(account), created };
  }

  async status(): Promise<BackfillStatus> {
    const [keys, tickets] = await Promise.all([
      ApiKeyService.clientKeysWithoutAccount(this.dataSource, LISTED_KEYS),
      this.accounts.ticketsWithoutAccount(),
    ]);
    const byBrand = tickets.map((t) => ({ brand: t.brand, count: t.count, oldestOpenedAt: t.oldest.toISOString(), newestOpenedAt: t.newest.toISOString() }));
    const ticketCount = byBrand.reduce((sum, t) => sum + t.count, 0);
    return {
      clientKeysWithoutAccount: {
        count: keys.total,
        keys: keys.keys.map((k) => ({ id: k.id, name: k.name, keyPrefix: k.keyPrefix, createdAt: k.createdAt.toISOString() })),
      },
      ticketsWithoutAccount: { count: ticketCount, byBrand },
      done: keys.total === 0 && ticketCount === 0,
    };
  }
}

export function accountView(row: AccountRow): AccountView {
  return { id: row.id, brand: row.brand, name: row.name, createdAt: row.createdAt.toISOString() };
}
