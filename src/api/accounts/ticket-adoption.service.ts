import { Injectable } from '@nestjs/common';
import { AccountRecords } from '../../persistence/read/account-records';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import type { Accessor } from '../access-log/accessor';
import { AccessLogService } from '../access-log/access-log.service';
import { Problem } from '../problem/problem';
import type { AdoptTicketsDto } from './account.dto';

/** What an adoption did, in counts (no customer references, no ticket text). */
export interface AdoptionResult {
  account: string;
  /** The account's brand: only tickets of it are adopted (null: an account bound to no brand takes any). */
  brand: string | null;
  /** Tickets the customers and IDs given name. */
  matched: number;
  /** Tickets that had no account and now belong to this one. */
  adopted: number;
  /** Already this account's (a repeated call adopts nothing new). */
  alreadyInAccount: number;
  /** Another account's: never moved. */
  inOtherAccount: number;
  /** Without an account but of another brand than the account's: left alone. */
  otherBrand: number;
  /** Ticket IDs given that name no ticket in the read model. */
  unknownTicketIds: number;
}

/** How many adopted tickets' access-log entries are written at once. */
const LOG_BATCH = 20;

/**
 * Attaches tickets opened before accounts existed (tickets.account_id NULL: no client key sees
 * them) to a customer account, so that account's client keys see them. Only tickets with no
 * account yet, of the account's brand: a ticket never changes hands between accounts. The read
 * model's account_id is what client access goes by (list, read, actions), and the workflow's
 * record of the ticket never overwrites it (ticket-read-model.ts leaves it out of the upsert).
 */
@Injectable()
export class TicketAdoptionService {
  constructor(
    private readonly accounts: AccountRecords,
    private readonly sealer: ReadModelSealer,
    private readonly accessLog: AccessLogService,
  ) {}

  async adopt(accountId: string, dto: AdoptTicketsDto, accessor: Accessor): Promise<AdoptionResult> {
    const customerRefs = dto.customerRefs ?? [];
    const ticketIds = [...new Set(dto.ticketIds ?? [])];
    if (customerRefs.length === 0 && ticketIds.length === 0) {
      throw Problem.validation([{ field: 'customerRefs', message: 'name the customers (customerRefs) or the tickets (ticketIds) to adopt' }], 422);
    }
    const account = await this.accounts.find(accountId);
    if (!account) throw Problem.notFound('account', accountId);
    // customer_ref holds the customer's pseudonym in rows written since the read model is sealed,
    // the reference itself in older rows: match both.
    const refs = [...new Set(customerRefs.flatMap((ref) => this.sealer.refMatches(ref)))];

    const { matched, adoptedIds } = await this.accounts.adoptTickets(account.id, refs, ticketIds, (rows) =>
      rows.filter((t) => t.account_id === null && (account.brand === null || t.brand === account.brand)).map((t) => t.id),
    );

    // Each adopted ticket gets its own entry (the request's own entry names the account): who
    // widened access to which case is answerable per case (GET /v1/access-log?case=…).
    for (let i = 0; i < adoptedIds.length; i += LOG_BATCH) {
      await Promise.all(
        adoptedIds.slice(i, i + LOG_BATCH).map((caseId) =>
          this.accessLog.record({ ...accessor, operation: 'accounts.adoptTickets', caseKind: 'ticket', caseId, fields: ['accountId'], status: 200 }),
        ),
      );
    }

    const found = new Set(matched.map((t) => t.id));
    const adopted = new Set(adoptedIds);
    return {
      account: account.id,
      brand: account.brand,
      matched: matched.length,
      adopted: adopted.size,
      alreadyInAccount: matched.filter((t) => t.account_id === account.id).length,
      inOtherAccount: matched.filter((t) => t.account_id !== null && t.account_id !== account.id).length,
      otherBrand: matched.filter((t) => t.account_id === null && !adopted.has(t.id) && account.brand !== null && t.brand !== account.brand).length,
      unknownTicketIds: ticketIds.filter((id) => !found.has(id)).length,
    };
  }
}
