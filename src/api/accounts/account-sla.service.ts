import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SETTLED_CLOCK_VALUES } from '../../persistence/read-model/ticket-sla-counts';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import { periodBounds } from '../reports/report-period.dto';
import type { AccountSlaQuery } from './account-sla.dto';
import type { AccountSlaResponse } from './account-sla.response';

const MAX_CREDITS = 500;

/**
 * A client key's view of its own account's SLA: compliance per priority and metric over the
 * tickets it opened in the period, and the SLA credits those tickets earned (credits are stored
 * per ticket, so the account is the ticket's). Counts, amounts and ticket IDs only: the account
 * sees its own tickets anyway, and no other account's row is read.
 */
@Injectable()
export class AccountSlaService {
  constructor(private readonly dataSource: DataSource) {}

  async forCaller(caller: Principal, q: AccountSlaQuery, now = Date.now()): Promise<AccountSlaResponse> {
    if (caller.account === undefined) {
      throw new Problem(403, 'no-account', 'This key belongs to no account', 'a client key without an account has no SLA to show; ask the operator to assign the key to your account');
    }
    const { from, to } = periodBounds(q, now);

    const [account]: { id: string; brand: string | null; name: string }[] = await this.dataSource.query(`SELECT id, brand, name FROM accounts WHERE id = $1`, [caller.account]);
    if (!account) throw new Problem(403, 'no-account', 'This key belongs to no account', `account ${caller.account} no longer exists`);

    const rows: { brand: string; priority: string; metric: string; met: number; breached: number }[] = await this.dataSource.query(
      `SELECT t.brand, t.priority, c.metric, sum(c.met)::int AS met, sum(c.breached)::int AS breached
         FROM tickets t
         CROSS JOIN LATERAL (VALUES ${SETTLED_CLOCK_VALUES}) c(metric, met, breached)
        WHERE t.account_id = $1 AND t.opened_at >= $2 AND t.opened_at < $3 AND c.met + c.breached > 0
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [account.id, from, to],
    );
    const totals: { currency: string; earned: string; owed: string; n: number }[] = await this.dataSource.query(
      `SELECT c.currency, sum(c.owed_minor) AS earned, coalesce(sum(c.owed_minor) FILTER (WHERE c.settled_at IS NULL), 0) AS owed, count(*)::int AS n
         FROM sla_credits c JOIN tickets t ON t.id = c.ticket_id
        WHERE t.account_id = $1 AND c.breached_at >= $2 AND c.breached_at < $3
        GROUP BY c.currency ORDER BY c.currency`,
      [account.id, from, to],
    );
    const credits: { ticket_id: string; priority: string; metric: string; percent: string; owed_minor: string; currency: string; breached_at: Date; settled_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT c.ticket_id, c.priority, c.metric, c.percent, c.owed_minor, c.currency, c.breached_at, c.settled_at
           FROM sla_credits c JOIN tickets t ON t.id = c.ticket_id
          WHERE t.account_id = $1 AND c.breached_at >= $2 AND c.breached_at < $3
          ORDER BY c.breached_at DESC, c.key LIMIT ${MAX_CREDITS}`,
        [account.id, from, to],
      );
    return {
      account,
      period: { from: from.toISOString(), to: to.toISOString() },
      compliance: rows.map((r) => {
        const total = r.met + r.breached;
        return { ...r, total, compliance: total === 0 ? null : Math.round((r.met / total) * 10_000) / 10_000 };
      }),
      creditTotals: totals.map((t) => ({ currency: t.currency, earnedMinor: Number(t.earned), owedMinor: Number(t.owed), credits: t.n })),
      credits: credits.map((c) => ({
        ticketId: c.ticket_id,
        priority: c.priority,
        metric: c.metric,
        percent: Number(c.percent),
        amountMinor: Number(c.owed_minor),
        currency: c.currency,
        breachedAt: c.breached_at.toISOString(),
        settledAt: c.settled_at?.toISOString() ?? null,
      })),
    };
  }
}
