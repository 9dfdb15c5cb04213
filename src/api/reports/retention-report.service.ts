import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../config/policy-registry';
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

export interface RetentionRun {
  runId: string;
  asOf: string;
  startedAt: string;
  /** Null while the run goes (or if it failed: the next day's run starts over). */
  finishedAt: string | null;
  total: RetentionCounts;
  byKind: Record<string, RetentionCounts>;
}

export interface RetentionReport {
  /** Months per brand and plan, as the packs say now. */
  policies: Record<string, RetentionPolicy>;
  runs: RetentionRun[];
}

/** What the retention purge deleted, run by run (retention_purges), newest first. Counts only. */
@Injectable()
export class RetentionReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
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
        run = { runId: r.run_id, asOf: r.as_of.toISOString(), startedAt: r.started_at.toISOString(), finishedAt: r.finished_at?.toISOString() ?? null, total: zero(), byKind: {} };
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
    return {
      policies: Object.fromEntries(this.policies.brands().map((b) => [b, this.policies.find(b)!.retention])),
      runs: [...runs.values()],
    };
  }
}

function zero(): RetentionCounts {
  return { cases: 0, events: 0, executions: 0, keptHeld: 0, keptRunning: 0 };
}
