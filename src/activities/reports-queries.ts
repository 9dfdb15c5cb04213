import type { DataSource } from 'typeorm';
import { IncidentReportService } from '../api/reports/incident-report.service';
import type { PolicyPack } from '../domain/policy/policy.schema';
import { toBusinessCalendar } from '../domain/policy/ticket-policy';
import { kpiTargets } from '../domain/reporting/kpi-policy';
import {
  buildDailyReport,
  buildMonthlyReport,
  buildQuarterlyReport,
  buildWeeklyReport,
  type AccountQuarterRow,
  type ReportBody,
} from '../domain/reporting/report-builders';
import { previousPeriod, type ReportPeriod } from '../domain/reporting/report-period';
import { ALWAYS_OPEN, isOpenAt } from '../domain/sla/calendar';
import { parseDuration } from '../domain/sla/duration';
import { SETTLED_CLOCK_VALUES } from '../persistence/read-model/ticket-sla-counts';

/**
 * The SQL behind each stored report: aggregates over the read model (tickets, incidents,
 * backlog_items, sla_credits) for one brand and period, handed to the pure builders in
 * src/domain/reporting. Nothing personal is read: counts, times, categories, tags, account IDs,
 * and the corrective actions' titles and owners (written by SRE, not customers).
 */

/** A ticket's settled SLA clocks summed over metrics (t is the tickets row). */
const SETTLED = `CROSS JOIN LATERAL (SELECT sum(c.met)::int AS met, sum(c.breached)::int AS breached FROM (VALUES ${SETTLED_CLOCK_VALUES}) c(metric, met, breached)) s`;
/** Still open at $3 (the period's end): opened before it and not resolved or closed before it. */
const OPEN_AT_END = `(t.opened_at < $3 AND NOT (t.status IN ('resolved', 'closed') AND coalesce(t.resolved_at, t.closed_at, t.opened_at) < $3))`;
/** Received in [$2, $3): receivedAt, or openedAt where receivedAt is unknown. */
const RECEIVED_IN = `(coalesce(t.received_at, t.opened_at) >= $2 AND coalesce(t.received_at, t.opened_at) < $3)`;

const ms = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());

export async function generateReportBody(ds: DataSource, pack: PolicyPack, period: ReportPeriod): Promise<ReportBody> {
  const args = [pack.brand, new Date(period.from), new Date(period.to)];
  const targets = kpiTargets(pack.kpis);
  switch (period.kind) {
    case 'daily': {
      const rows: Record<string, unknown>[] = await ds.query(
        `SELECT t.priority, t.category,
                count(*) FILTER (WHERE ${RECEIVED_IN})::int AS received,
                count(*) FILTER (WHERE ${OPEN_AT_END})::int AS open_at_end,
                count(*) FILTER (WHERE ${RECEIVED_IN} AND t.received_at IS NOT NULL AND t.first_response_at IS NOT NULL)::int AS answered,
                coalesce(sum(extract(epoch FROM t.first_response_at - t.received_at)) FILTER (WHERE ${RECEIVED_IN} AND t.received_at IS NOT NULL AND t.first_response_at IS NOT NULL), 0)::float AS wait_s,
                count(*) FILTER (WHERE ${RECEIVED_IN} AND t.first_response_at IS NULL)::int AS unanswered,
                count(*) FILTER (WHERE ${RECEIVED_IN} AND t.received_at IS NULL)::int AS unknown_received,
                coalesce(sum(s.met) FILTER (WHERE ${RECEIVED_IN}), 0)::int AS sla_met,
                coalesce(sum(s.breached) FILTER (WHERE ${RECEIVED_IN}), 0)::int AS sla_breached,
                count(*) FILTER (WHERE ${RECEIVED_IN} AND s.breached > 0)::int AS breached_tickets,
                count(*) FILTER (WHERE t.at_risk AND t.status NOT IN ('resolved', 'closed'))::int AS at_risk_now
           FROM tickets t ${SETTLED}
          WHERE t.brand = $1 AND (${RECEIVED_IN} OR ${OPEN_AT_END} OR (t.at_risk AND t.status NOT IN ('resolved', 'closed')))
          GROUP BY 1, 2`,
        args,
      );
      const calls: { received_at: Date; first_response_at: Date | null }[] = await ds.query(
        `SELECT received_at, first_response_at FROM tickets WHERE brand = $1 AND channel = 'phone' AND received_at >= $2 AND received_at < $3`,
        args,
      );
      const phoneTarget = pack.channels.phone?.firstResponse;
      const calendarName = pack.kpis?.targets.phoneServiceLevel?.calendar ?? '24x7';
      const declared = calendarName === '24x7' ? '24x7' : pack.calendars[calendarName];
      const calendar = declared === undefined ? ALWAYS_OPEN : toBusinessCalendar(declared);
      return buildDailyReport({
        rows: rows.map((r) => ({
          priority: String(r.priority),
          category: (r.category as string | null) ?? null,
          received: Number(r.received),
          openAtEnd: Number(r.open_at_end),
          answered: Number(r.answered),
          waitSeconds: Number(r.wait_s),
          unanswered: Number(r.unanswered),
          unknownReceivedAt: Number(r.unknown_received),
          slaMet: Number(r.sla_met),
          slaBreached: Number(r.sla_breached),
          breachedTickets: Number(r.breached_tickets),
          atRiskNow: Number(r.at_risk_now),
        })),
        phoneCalls: calls.map((c) => ({ receivedAt: ms(c.received_at)!, firstResponseAt: ms(c.first_response_at) })),
        phoneAnswerWithinMs: phoneTarget ? parseDuration(phoneTarget) : null,
        inPhoneHours: (start) => isOpenAt(calendar, start),
        targets,
      });
    }
    case 'weekly': {
      const volume: { channel: string; priority: string; category: string | null; tickets: number }[] = await ds.query(
        `SELECT t.channel, t.priority, t.category, count(*)::int AS tickets FROM tickets t WHERE t.brand = $1 AND ${RECEIVED_IN} GROUP BY 1, 2, 3`,
        args,
      );
      const resolutions: { priority: string; seconds: number }[] = await ds.query(
        `SELECT t.priority, greatest(0, extract(epoch FROM t.resolved_at - coalesce(t.received_at, t.opened_at)))::float AS seconds
           FROM tickets t WHERE t.brand = $1 AND t.resolved_at >= $2 AND t.resolved_at < $3`,
        args,
      );
      const escalation = await new IncidentReportService(ds).weekly(period.name, pack.brand);
      return buildWeeklyReport(volume, resolutions, escalation);
    }
    case 'monthly': {
      const resolved: Record<string, unknown>[] = await ds.query(
        `SELECT t.channel, count(*)::int AS resolved, count(*) FILTER (WHERE t.first_contact_resolution)::int AS first_contact,
                count(t.csat_score)::int AS csat_n, count(*) FILTER (WHERE t.csat_score >= 4)::int AS csat_ok, coalesce(sum(t.csat_score), 0)::int AS csat_sum,
                coalesce(sum(t.handle_seconds), 0)::float AS handle_s
           FROM tickets t WHERE t.brand = $1 AND t.resolved_at >= $2 AND t.resolved_at < $3 GROUP BY 1`,
        args,
      );
      const nps = await npsCounts(ds, args);
      const backlog: { priority: string; n: number }[] = await ds.query(// ($2 is unused but must have a type: every query here takes the same three arguments.)
        `SELECT t.priority, count(*)::int AS n FROM tickets t WHERE t.brand = $1 AND ${OPEN_AT_END} AND $2::timestamptz IS NOT NULL GROUP BY 1 ORDER BY 1`, args);
      const actions: { key: string; incident_id: string; title: string; owner: string; due: string; root_cause_category: string }[] = await ds.query(
        `SELECT b.key, b.incident_id, b.title, b.owner, to_char(b.due, 'YYYY-MM-DD') AS due, b.root_cause_category
           FROM backlog_items b JOIN incidents i ON i.id = b.incident_id
          WHERE i.brand = $1 AND b.created_at >= $2 AND b.created_at < $3 ORDER BY b.due, b.key LIMIT 20`,
        args,
      );
      const categories: { category: string | null; tickets: number }[] = await ds.query(
        `SELECT t.category, count(*)::int AS tickets FROM tickets t WHERE t.brand = $1 AND ${RECEIVED_IN} GROUP BY 1`,
        args,
      );
      const tags = await rootCauseTags(ds, pack, args);
      const rca = pack.kpis?.rca;
      return buildMonthlyReport({
        resolved: resolved.map((r) => ({
          channel: String(r.channel),
          resolved: Number(r.resolved),
          firstContact: Number(r.first_contact),
          csatResponses: Number(r.csat_n),
          csatSatisfied: Number(r.csat_ok),
          csatScoreSum: Number(r.csat_sum),
          handleSeconds: Number(r.handle_s),
        })),
        npsCounts: nps,
        backlogByPriority: Object.fromEntries(backlog.map((b) => [b.priority, b.n])),
        volumeByCategory: categories,
        correctiveActions: actions.map((a) => ({ key: a.key, incidentId: a.incident_id, title: a.title, owner: a.owner, due: a.due, rootCauseCategory: a.root_cause_category })),
        rootCauseTags: tags,
        preventableTickets: await preventableTickets(ds, args),
        tagRca: rca ? { owner: rca.owner, due: new Date(period.to + parseDuration(rca.dueWithin)).toISOString().slice(0, 10) } : null,
        ahtChannels: pack.kpis?.targets.aht?.channels ?? null,
        targets,
      });
    }
    case 'quarterly': {
      const plans = pack.credits?.plans ?? null;
      const accounts: Record<string, unknown>[] = await ds.query(
        `SELECT t.account_id, count(*)::int AS tickets, coalesce(sum(s.met), 0)::int AS sla_met, coalesce(sum(s.breached), 0)::int AS sla_breached,
                count(t.csat_score)::int AS csat_n, count(*) FILTER (WHERE t.csat_score >= 4)::int AS csat_ok, coalesce(sum(t.csat_score), 0)::int AS csat_sum
           FROM tickets t ${SETTLED}
          WHERE t.brand = $1 AND t.account_id IS NOT NULL AND t.opened_at >= $2 AND t.opened_at < $3 AND ($4::text[] IS NULL OR t.plan = ANY($4))
          GROUP BY 1`,
        [...args, plans],
      );
      const ids = accounts.map((a) => String(a.account_id));
      const npsRows: { account_id: string; score: number; n: number }[] = ids.length
        ? await ds.query(
            `SELECT account_id, nps_score AS score, count(*)::int AS n FROM tickets WHERE brand = $1 AND account_id = ANY($4) AND opened_at >= $2 AND opened_at < $3 AND nps_score IS NOT NULL GROUP BY 1, 2`,
            [...args, ids],
          )
        : [];
      const credits: { account_id: string; currency: string; owed_minor: string; n: number }[] = ids.length
        ? await ds.query(
            `SELECT t.account_id, c.currency, sum(c.owed_minor)::text AS owed_minor, count(*)::int AS n FROM sla_credits c JOIN tickets t ON t.id = c.ticket_id
              WHERE c.brand = $1 AND c.breached_at >= $2 AND c.breached_at < $3 AND t.account_id = ANY($4) GROUP BY 1, 2 ORDER BY 1, 2`,
            [...args, ids],
          )
        : [];
      // Incidents a customer felt: those its tickets were linked to (the incident's linkedTickets).
      const incidents: { account_id: string; n: number }[] = ids.length
        ? await ds.query(
            `SELECT t.account_id, count(DISTINCT i.id)::int AS n FROM incidents i
               JOIN tickets t ON jsonb_typeof(i.snapshot -> 'linkedTickets') = 'array' AND i.snapshot -> 'linkedTickets' ? t.id
              WHERE i.brand = $1 AND i.opened_at >= $2 AND i.opened_at < $3 AND t.account_id = ANY($4) GROUP BY 1`,
            [...args, ids],
          )
        : [];
      const rows: AccountQuarterRow[] = accounts.map((a) => {
        const id = String(a.account_id);
        return {
          accountId: id,
          tickets: Number(a.tickets),
          slaMet: Number(a.sla_met),
          slaBreached: Number(a.sla_breached),
          credits: credits.filter((c) => c.account_id === id).map((c) => ({ currency: c.currency, owedMinor: Number(c.owed_minor), credits: c.n })),
          incidents: incidents.find((i) => i.account_id === id)?.n ?? 0,
          csatResponses: Number(a.csat_n),
          csatSatisfied: Number(a.csat_ok),
          csatScoreSum: Number(a.csat_sum),
          npsCounts: Object.fromEntries(npsRows.filter((r) => r.account_id === id).map((r) => [r.score, r.n])),
        };
      });
      const [csat]: { csat_n: number; csat_ok: number; csat_sum: number }[] = await ds.query(
        `SELECT count(csat_score)::int AS csat_n, count(*) FILTER (WHERE csat_score >= 4)::int AS csat_ok, coalesce(sum(csat_score), 0)::int AS csat_sum
           FROM tickets WHERE brand = $1 AND resolved_at >= $2 AND resolved_at < $3`,
        args,
      );
      const before = previousPeriod(period);
      return buildQuarterlyReport(
        rows,
        {
          csat: { csatResponses: csat.csat_n, csatSatisfied: csat.csat_ok, csatScoreSum: csat.csat_sum },
          npsCounts: await npsCounts(ds, args),
          preventable: await preventableTickets(ds, args),
          preventablePrevious: await preventableTickets(ds, [pack.brand, new Date(before.from), new Date(before.to)]),
        },
        targets,
      );
    }
  }
}

/** NPS answers 0–10 on tickets resolved in the period. */
async function npsCounts(ds: DataSource, args: unknown[]): Promise<Record<number, number>> {
  const rows: { score: number; n: number }[] = await ds.query(
    `SELECT nps_score AS score, count(*)::int AS n FROM tickets WHERE brand = $1 AND resolved_at >= $2 AND resolved_at < $3 AND nps_score IS NOT NULL GROUP BY 1`,
    args,
  );
  return Object.fromEntries(rows.map((r) => [r.score, r.n]));
}

/** Tickets received in the period that a preventable root cause was tagged on. */
async function preventableTickets(ds: DataSource, args: unknown[]): Promise<number> {
  const [row]: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM tickets t WHERE t.brand = $1 AND ${RECEIVED_IN} AND t.preventable`, args);
  return row.n;
}

/** Root-cause tags on tickets received in the period; a tag is preventable as the pack's vocabulary says (else as the ticket was marked). */
async function rootCauseTags(ds: DataSource, pack: PolicyPack, args: unknown[]) {
  const vocabulary = (pack as { rootCauses?: { id: string; preventable: boolean }[] }).rootCauses;
  const preventable = vocabulary ? vocabulary.filter((c) => c.preventable).map((c) => c.id) : null;
  const rows: { tag: string; tickets: number; preventable: number }[] = await ds.query(
    `SELECT tag, count(*)::int AS tickets,
            count(*) FILTER (WHERE CASE WHEN $4::text[] IS NULL THEN coalesce(t.preventable, false) ELSE tag = ANY($4) END)::int AS preventable
       FROM tickets t CROSS JOIN LATERAL unnest(t.root_cause_tags) AS tag
      WHERE t.brand = $1 AND ${RECEIVED_IN} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
    [...args, preventable],
  );
  return rows;
}
