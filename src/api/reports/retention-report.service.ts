import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import { accessLogRetentionMonths } from '../../domain/retention/access-log-retention';
import { PURGE_KINDS } from '../../domain/retention/purge-kinds';
import type { RetentionPolicy } from '../../domain/retention/retention';
import { Problem } from '../problem/problem';

interface PurgeRow {
  run_id: string;
  kind: string;
  as_of: Date;
  cases: number;
  events: number;
  executions: number;
  kept_held: number;
  kept_running: number;
  started_at: Date;
  finished_at: Date | null;
}

export interface RetentionCounts {
  cases: number;
  events: number;
  executions: number;
  keptHeld: number;
  keptRunning: number;
}

interface AccessLogRow {
  run_id: string;
  retention_months: number;
  cutoff: Date;
  entries: string;
}

/** What a run deleted from the access log: entries older than `cutoff` (asOf minus `retentionMonths`). */
export interface AccessLogPurgeCounts {
  entries: number;
  retentionMonths: number;
  cutoff: string;
}

export interface RetentionRun {
  runId: string;
  asOf: string;
  startedAt: string;
  /** Null while the run goes (or if it failed: the next day's run starts over). */
  finishedAt: string | null;
  total: RetentionCounts;
  byKind: Record<string, RetentionCounts>;
  /** Null: the run has not reached the access log yet (or began before the access log was purged). */
  accessLog: AccessLogPurgeCounts | null;
}

export interface RetentionReport {
  /** Months per brand and plan, as the packs say now. */
  policies: Record<string, RetentionPolicy>;
  /** The access log's retention now: ACCESS_LOG_RETENTION_MONTHS, or the longest case retention above. */
  accessLog: { retentionMonths: number; configured: boolean };
  runs: RetentionRun[];
}

/**
 * What the retention purge deleted, run by run (retention_purges per case kind,
 * retention_access_log_purges for the access log), newest first. Counts only.
 */
@Injectable()
export class RetentionReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
    private readonly config: AppConfig,
  ) {}

  async report(limitText?: string): Promise<RetentionReport> {
    const limit = limitText === undefined ? 30 : /^\d{1,3}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 365)) throw Problem.validation([{ field: 'query:limit', message: 'a whole number from 1 to 365' }]);
    const rows: PurgeRow[] = await this.dataSource.query(
      `SELECT p.run_id, p.kind, p.as_of, p.cases, p.events, p.executions, p.kept_held, p.kept_running, p.started_at, p.finished_at
         FROM retention_purges p
         JOIN (SELECT run_id, min(started_at) AS started FROM retention_purges GROUP BY run_id ORDER BY started DESC, run_id DESC LIMIT $1) r USING (run_id)
        ORDER BY r.started DESC, p.run_id DESC, p.kind`,
      [limit],
    );
    const runs = new Map<string, RetentionRun>();
    for (const r of rows) {
      let run = runs.get(r.run_id);
      if (!run) {
        run = { runId: r.run_id, asOf: r.as_of.toISOString(), startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null, total: zero(), byKind: {}, accessLog: null };
        runs.set(r.run_id, run);
      }
      const counts = { cases: r.cases, events: r.events, executions: r.executions, keptHeld: r.kept_held, keptRunning: r.kept_running };
      run.byKind[r.kind] = counts;
      for (const key of Object.keys(counts) as (keyof RetentionCounts)[]) run.total[key] += counts[key];
    }
    for (const run of runs.values()) {
      // Kinds in the purge's order, so every run reads alike.
      run.byKind = Object.fromEntries(PURGE_KINDS.filter((k) => run.byKind[k]).map((k) => [k, run.byKind[k]]));
    }
    const logRows: AccessLogRow[] = runs.size === 0 ? [] : await this.dataSource.query(
      `SELECT run_id, retention_months, cutoff, entries FROM retention_access_log_purges WHERE run_id = ANY($1)`,
      [[...runs.keys()]],
    );
    for (const r of logRows) {
      runs.get(r.run_id)!.accessLog = { entries: Number(r.entries), retentionMonths: r.retention_months, cutoff: r.cutoff.toISOString() };
    }
    const policies = Object.fromEntries(this.policies.brands().map((b) => [b, this.policies.find(b)!.retention]));
    const configured = this.config.ACCESS_LOG_RETENTION_MONTHS;
    return {
      policies,
      accessLog: { retentionMonths: accessLogRetentionMonths(Object.values(policies), configured), configured: configured !== undefined },
      runs: [...runs.values()],
    };
  }
}

function zero(): RetentionCounts {
  return { cases: 0, events: 0, executions: 0, keptHeld: 0, keptRunning: 0 };
}
