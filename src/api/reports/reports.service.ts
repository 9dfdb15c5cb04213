import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SETTLED_CLOCK_VALUES } from '../../persistence/read-model/ticket-sla-counts';
import { periodBounds, type ReportPeriodQuery } from './report-period.dto';

interface Period {
  from: Date;
  to: Date;
  brand: string | null;
}

/** Reports read the read model only; they never ask running workflows. */
@Injectable()
export class ReportsService {
  constructor(private readonly dataSource: DataSource) {}

  period(q: ReportPeriodQuery, now = Date.now()): Period {
    const { from, to } = periodBounds(q, now);
    return { from, to, brand: q.brand ?? null };
  }

  /**
   * SLA compliance per brand, priority and metric for tickets opened in the period (every
   * settled clock counts once, reopened cycles and a long conversation's only-counted clocks
   * included: the write layer keeps the counts in columns), tickets at risk now, and queue depth.
   */
  async sla(p: Period) {
    const rows: { brand: string; priority: string; metric: string; met: number; breached: number }[] = await this.dataSource.query(
      `SELECT t.brand, t.priority, c.metric, sum(c.met)::int AS met, sum(c.breached)::int AS breached
         FROM tickets t
         CROSS JOIN LATERAL (VALUES ${SETTLED_CLOCK_VALUES}) c(metric, met, breached)
        WHERE t.opened_at >= $1 AND t.opened_at < $2 AND ($3::text IS NULL OR t.brand = $3) AND c.met + c.breached > 0
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [p.from, p.to, p.brand],
    );
    const atRisk: { brand: string; n: number }[] = await this.dataSource.query(
      `SELECT brand, count(*)::int AS n FROM tickets
        WHERE at_risk AND status NOT IN ('resolved', 'closed') AND ($1::text IS NULL OR brand = $1) GROUP BY brand ORDER BY brand`,
      [p.brand],
    );
    const queue: { brand: string; status: string; n: number }[] = await this.dataSource.query(
      `SELECT brand, status, count(*)::int AS n FROM tickets
        WHERE status NOT IN ('resolved', 'closed') AND ($1::text IS NULL OR brand = $1) GROUP BY brand, status ORDER BY brand, status`,
      [p.brand],
    );
    return {
      period: { from: p.from.toISOString(), to: p.to.toISOString(), brand: p.brand },
      compliance: rows.map((r) => ({ ...r, total: r.met + r.breached, compliance: r.met + r.breached === 0 ? null : round(r.met / (r.met + r.breached)) })),
      atRiskNow: Object.fromEntries(atRisk.map((r) => [r.brand, r.n])),
      queueDepth: queue.reduce<Record<string, Record<string, number>>>((acc, r) => {
        (acc[r.brand] ??= {})[r.status] = r.n;
        return acc;
      }, {}),
    };
  }

  /**
   * CSAT (mean score and share of 4–5), first-contact resolution share, times to first response
   * and to resolution, average handle time (per brand and channel, and per agent), and SLA
   * credits owed.
   */
  async kpis(p: Period) {
    const [k]: {
      resolved: number;
      fcr: number;
      csat_n: number;
      csat_mean: number | null;
      csat_satisfied: number;
      frt_s: number | null;
      ttr_s: number | null;
    }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved,
              count(*) FILTER (WHERE resolved_at IS NOT NULL AND first_contact_resolution)::int AS fcr,
              count(csat_score)::int AS csat_n,
              avg(csat_score)::float AS csat_mean,
              count(*) FILTER (WHERE csat_score >= 4)::int AS csat_satisfied,
              avg(extract(epoch FROM first_response_at - opened_at))::float AS frt_s,
              avg(extract(epoch FROM resolved_at - opened_at))::float AS ttr_s
         FROM tickets WHERE opened_at >= $1 AND opened_at < $2 AND ($3::text IS NULL OR brand = $3)`,
      [p.from, p.to, p.brand],
    );
    const credits: { currency: string; owed_minor: string; n: number }[] = await this.dataSource.query(
      `SELECT currency, sum(owed_minor) AS owed_minor, count(*)::int AS n FROM sla_credits
        WHERE breached_at >= $1 AND breached_at < $2 AND ($3::text IS NULL OR brand = $3) GROUP BY currency ORDER BY currency`,
      [p.from, p.to, p.brand],
    );
    return {
      period: { from: p.from.toISOString(), to: p.to.toISOString(), brand: p.brand },
      csat: { responses: k.csat_n, meanScore: k.csat_mean === null ? null : round(k.csat_mean), satisfiedShare: k.csat_n ? round(k.csat_satisfied / k.csat_n) : null },
      firstContactResolution: { resolved: k.resolved, share: k.resolved ? round(k.fcr / k.resolved) : null },
      meanFirstResponseSeconds: k.frt_s === null ? null : Math.round(k.frt_s),
      meanTimeToResolutionSeconds: k.ttr_s === null ? null : Math.round(k.ttr_s),
      averageHandleTime: await this.averageHandleTime(p),
      slaCreditsOwed: credits.map((c) => ({ currency: c.currency, amountMinor: Number(c.owed_minor), credits: c.n })),
    };
  }

  /**
   * AHT as the monthly report counts it: the working time agents logged on resolved tickets
   * (`handleSeconds` on their replies and steps) over those tickets, so the two agree. Per agent:
   * what the agent logged over the resolved tickets they logged time on (each ticket once), from
   * the steps' events. `loggedTickets` shows how much of the work was logged at all.
   */
  private async averageHandleTime(p: Period) {
    const args = [p.from, p.to, p.brand];
    const inPeriod = `t.opened_at >= $1 AND t.opened_at < $2 AND ($3::text IS NULL OR t.brand = $3) AND t.resolved_at IS NOT NULL`;
    const channels: { brand: string; channel: string; resolved: number; logged: number; handle_s: number }[] = await this.dataSource.query(
      `SELECT t.brand, t.channel, count(*)::int AS resolved, count(*) FILTER (WHERE t.handle_seconds > 0)::int AS logged, coalesce(sum(t.handle_seconds), 0)::float AS handle_s
         FROM tickets t WHERE ${inPeriod} GROUP BY 1, 2 ORDER BY 1, 2`,
      args,
    );
    const agents: { agent: string; tickets: number; handle_s: number }[] = await this.dataSource.query(
      `SELECT e.actor AS agent, count(DISTINCT e.ticket_id)::int AS tickets, sum((e.data->>'handleSeconds')::int)::float AS handle_s
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE ${inPeriod} AND jsonb_typeof(e.data->'handleSeconds') = 'number'
        GROUP BY 1 ORDER BY 1`,
      args,
    );
    const resolved = channels.reduce((a, c) => a + c.resolved, 0);
    const handleSeconds = channels.reduce((a, c) => a + Number(c.handle_s), 0);
    const mean = (seconds: number, n: number) => (n ? Math.round(seconds / n) : null);
    return {
      seconds: mean(handleSeconds, resolved),
      resolved,
      loggedTickets: channels.reduce((a, c) => a + c.logged, 0),
      handleSeconds,
      byChannel: channels.map((c) => ({ brand: c.brand, channel: c.channel, resolved: c.resolved, loggedTickets: c.logged, seconds: mean(Number(c.handle_s), c.resolved) })),
      byAgent: agents.map((a) => ({ agent: a.agent, tickets: a.tickets, handleSeconds: Number(a.handle_s), seconds: mean(Number(a.handle_s), a.tickets) })),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
