import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { PolicyRegistry } from '../config/policy-registry';
import type { KpiReading } from '../domain/reporting/kpi-policy';
import { offTargetRun, type KpiVerdict } from '../domain/reporting/kpi-streak';
import { kpisOf } from '../domain/reporting/report-builders';
import { parseReportPeriod, previousPeriod, type ReportKind, type ReportPeriod } from '../domain/reporting/report-period';
import type { Notification } from '../integrations/notify/notification';
import { generateReportBody } from './reports-queries';

export interface ReportDeps {
  dataSource: DataSource;
  logger: Logger;
  /** The packs as they are now (read per run, so an edited pack makes the next run's new version). */
  policyPacks?: () => PolicyRegistry;
}

/** What a workflow learns of a stored report: IDs and flags, never the figures (they stay in PostgreSQL). */
export interface StoredReportRef {
  id: string;
  kind: ReportKind;
  brand: string;
  period: string;
  version: number;
  policyVersion: string;
  /** This run wrote the row (false: an earlier run had, for the same policy version). */
  created: boolean;
  delivered: boolean;
  /** The delivery: keyed by the report's business ID. */
  notification: Notification;
}

/** The report's business ID: the same kind, brand, period and version always name the same row. */
export function reportId(kind: ReportKind, brand: string, period: string, version: number): string {
  return `report-${kind}-${brand}-${period}-v${version}`;
}

/** A request no retry can fix (an unknown brand or period, a worker without packs): it fails the run at once, surfaced. */
const badReportRequest = (message: string) => ApplicationFailure.create({ type: 'BadReportRequest', nonRetryable: true, message });

export function createReportActivities({ dataSource, logger, policyPacks }: ReportDeps) {
  const packs = () => {
    if (!policyPacks) throw badReportRequest('reports need the policy packs (ActivityDeps.policyPacks)');
    return policyPacks();
  };
  const periodOf = (kind: ReportKind, name: string): ReportPeriod => {
    const period = parseReportPeriod(kind, name);
    if (!period) throw badReportRequest(`"${name}" is not a ${kind} period`);
    return period;
  };

  return {
    /**
     * Generates and stores the period's report for each brand (or the one given), unless a report
     * for the same kind, brand, period and policy version is stored already: then that row is the
     * answer. A new policy version stores the next version of the period's report.
     */
    async storeCadenceReports(input: { kind: ReportKind; period: string; brand: string | null; generatedBy: string }): Promise<StoredReportRef[]> {
      const registry = packs();
      const period = periodOf(input.kind, input.period);
      const brands = input.brand === null ? registry.brands().sort() : [input.brand];
      const refs: StoredReportRef[] = [];
      for (const brand of brands) {
        const pack = registry.find(brand);
        if (!pack) throw badReportRequest(`no policy pack for brand "${brand}"`);
        const find = async () =>
          (
            (await dataSource.query(`SELECT id, version, delivered_at, kpis FROM reports WHERE kind = $1 AND brand = $2 AND period = $3 AND policy_version = $4`, [
              input.kind,
              brand,
              period.name,
              pack.version,
            ])) as { id: string; version: number; delivered_at: Date | null; kpis: KpiReading[] }[]
          )[0];
        let row = await find();
        let created = false;
        if (!row) {
          const body = await generateReportBody(dataSource, pack, period);
          const inserted: unknown[] = await dataSource.query(
            `WITH next AS (SELECT coalesce(max(version), 0) + 1 AS v FROM reports WHERE kind = $1 AND brand = $2 AND period = $3)
             INSERT INTO reports (id, kind, brand, period, period_from, period_to, policy_version, version, body, kpis, generated_by)
             SELECT 'report-' || $1 || '-' || $2 || '-' || $3 || '-v' || next.v, $1, $2, $3, $4, $5, $6, next.v, $7, $8, $9 FROM next
             ON CONFLICT DO NOTHING RETURNING id`,
            [input.kind, brand, period.name, new Date(period.from), new Date(period.to), pack.version, JSON.stringify(body), JSON.stringify(kpisOf(input.kind, body)), input.generatedBy],
          );
          created = inserted.length > 0;
          row = await find();
          // Another run stored a different policy version's report at the same moment: the retry stores ours.
          if (!row) throw new Error(`report ${input.kind} ${brand} ${period.name}: version taken by a concurrent run; retrying`);
        }
        const offTarget = row.kpis.filter((k) => k.met === false).map((k) => k.name);
        const id = row.id;
        refs.push({
          id,
          kind: input.kind,
          brand,
          period: period.name,
          version: row.version,
          policyVersion: pack.version,
          created,
          delivered: row.delivered_at !== null,
          notification: {
            key: `report:${id}`,
            kind: 'report_ready',
            ticketId: id,
            brand,
            priority: '',
            metric: null,
            level: 'operations',
            recipient: pack.kpis?.operationsLead ?? null,
            summary:
              `${input.kind} report ${period.name} for ${brand} (version ${row.version}, policy ${pack.version}) is stored: GET /v1/reports/${input.kind}?period=${period.name}&brand=${brand}` +
              (offTarget.length ? `; KPIs off target: ${offTarget.join(', ')}` : ''),
          },
        });
        logger.info({ reportId: id, kind: input.kind, brand, period: period.name, created }, created ? 'report stored' : 'report already stored');
      }
      return refs;
    },

    /** The relay took the report's notification: recorded once, so a re-run does not deliver it again. */
    async markReportDelivered({ id }: { id: string }): Promise<void> {
      await dataSource.query(`UPDATE reports SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL`, [id]);
    },

    /**
     * The notices due to the operations lead for KPIs off target two periods running, as of this
     * period's stored report: one per KPI and run of misses (keyed by the run's first period), and
     * none the relay already took (notifications.delivered_at; without a relay a repeat is only
     * recorded once, ON CONFLICT, and logged).
     */
    async kpiOffTargetNotices({ kind, brand, period: name }: { kind: ReportKind; brand: string; period: string }): Promise<Notification[]> {
      const pack = packs().find(brand);
      if (!pack?.kpis) return [];
      const current = periodOf(kind, name);
      // Every stored period up to this one: a run of misses is followed back to where it began,
      // however long, so its name (and the notice's key) never moves while the run goes on.
      const rows: { period: string; id: string; kpis: KpiReading[] }[] = await dataSource.query(
        `SELECT DISTINCT ON (period) period, id, kpis FROM reports WHERE kind = $1 AND brand = $2 AND period_from <= $3 ORDER BY period, version DESC`,
        [kind, brand, new Date(current.from)],
      );
      const byPeriod = new Map(rows.map((r) => [r.period, r]));
      const latest = byPeriod.get(name);
      if (!latest) return [];
      const metIn = (period: string, kpi: string) => byPeriod.get(period)?.kpis.find((k) => k.name === kpi)?.met ?? null;
      const notices: Notification[] = [];
      for (const kpi of latest.kpis) {
        // This period and the ones before it, back to the first that was not a miss (or not stored).
        const history: KpiVerdict[] = [];
        for (let p = current; ; p = previousPeriod(p)) {
          history.unshift({ period: p.name, met: metIn(p.name, kpi.name) });
          if (history[0].met !== false || history.length > rows.length) break;
        }
        const run = offTargetRun(history);
        if (!run) continue;
        const target = kpi.target ? Object.entries(kpi.target).map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
        notices.push({
          key: `kpi-off-target:${kind}:${brand}:${kpi.name}:${run.since}`,
          kind: 'kpi_off_target',
          ticketId: latest.id,
          brand,
          priority: '',
          metric: null,
          level: 'operations',
          recipient: pack.kpis.operationsLead,
          summary: `${brand}: KPI ${kpi.name} off target ${run.periods} ${kind} periods running (since ${run.since}): ${kpi.value} against ${target}. GET /v1/reports/${kind}?period=${name}&brand=${brand}`,
        });
      }
      if (!notices.length) return [];
      const sent: { key: string }[] = await dataSource.query(`SELECT key FROM notifications WHERE key = ANY($1) AND delivered_at IS NOT NULL`, [notices.map((n) => n.key)]);
      const already = new Set(sent.map((s) => s.key));
      return notices.filter((n) => !already.has(n.key));
    },
  };
}
