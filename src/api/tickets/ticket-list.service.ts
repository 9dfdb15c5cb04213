import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TicketRow } from '../../persistence/entities';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import type { ListTicketsQuery } from './ticket.dto';

export interface TicketSummary {
  id: string;
  brand: string;
  channel: string;
  priority: string;
  plan: string | null;
  status: string;
  assignee: string | null;
  mentor: string | null;
  entitlement: string | null;
  openedAt: string;
  nextDeadlineAt: string | null;
  slaBreached: boolean;
  atRisk: boolean;
}

export interface TicketPage {
  items: TicketSummary[];
  nextCursor: string | null;
}

/** Lists come from the read model (PostgreSQL), newest first, with an opaque keyset cursor. */
@Injectable()
export class TicketListService {
  constructor(private readonly dataSource: DataSource) {}

  /** The tickets the caller may see (its account's, its brand's), filtered and paged. */
  async list(q: ListTicketsQuery, caller: Principal): Promise<TicketPage> {
    const limit = q.limit ?? 25;
    const qb = this.dataSource.getRepository(TicketRow).createQueryBuilder('t');
    if (caller.role === 'client') qb.andWhere('t.account_id = :scopeAccount', { scopeAccount: caller.account ?? null }); // no account: = NULL matches nothing
    if (caller.brand !== undefined) qb.andWhere('t.brand = :scopeBrand', { scopeBrand: caller.brand });
    if (q.status) qb.andWhere('t.status = :status', { status: q.status });
    if (q.priority) qb.andWhere('t.priority = :priority', { priority: q.priority });
    if (q.brand) qb.andWhere('t.brand = :brand', { brand: q.brand });
    if (q.assignee) qb.andWhere('t.assignee = :assignee', { assignee: q.assignee });
    if (q.mentor) qb.andWhere('t.mentor = :mentor', { mentor: q.mentor });
    if (q.entitlement) qb.andWhere('t.entitlement = :entitlement', { entitlement: q.entitlement });
    if (q.breached !== undefined) qb.andWhere('t.sla_breached = :breached', { breached: q.breached });
    if (q.at_risk !== undefined) qb.andWhere('t.at_risk = :atRisk', { atRisk: q.at_risk });
    if (q.cursor) {
      const [openedAt, id] = decodeCursor(q.cursor);
      qb.andWhere('(t.opened_at, t.id) < (:openedAt, :id)', { openedAt, id });
    }
    const rows = await qb.orderBy('t.opened_at', 'DESC').addOrderBy('t.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(summary),
      nextCursor: rows.length > limit && last ? encodeCursor(last.openedAt.toISOString(), last.id) : null,
    };
  }
}

function summary(t: TicketRow): TicketSummary {
  return {
    id: t.id,
    brand: t.brand,
    channel: t.channel,
    priority: t.priority,
    plan: t.plan,
    status: t.status,
    assignee: t.assignee,
    mentor: t.mentor,
    entitlement: t.entitlement,
    openedAt: t.openedAt.toISOString(),
    nextDeadlineAt: t.nextDeadlineAt?.toISOString() ?? null,
    slaBreached: t.slaBreached,
    atRisk: t.atRisk,
  };
}

function encodeCursor(openedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([openedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    /* fall through */
  }
  throw Problem.validation([{ field: 'query:cursor', message: 'not a cursor this API issued' }]);
}
