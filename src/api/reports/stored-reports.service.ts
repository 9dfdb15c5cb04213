import { Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import { lastCompletePeriod, parseReportPeriod, PERIOD_FORMATS, type ReportKind, type ReportPeriod } from '../../domain/reporting/report-period';
import { cadenceReportWorkflow } from '../../workflows';
import { Problem } from '../problem/problem';
import { withTimeout } from '../temporal/with-timeout';

/** How long POST /v1/reports/runs waits for the run before answering 202 with its ID. */
const GENERATE_WAIT_MS = 25_000;

interface ReportRow {
  id: string;
  kind: string;
  brand: string;
  period: string;
  period_from: Date;
  period_to: Date;
  version: number;
  policy_version: string;
  generated_at: Date;
  generated_by: string;
  delivered_at: Date | null;
  kpis: unknown[];
  body: Record<string, unknown>;
}

/** The stored cadence reports (table reports): read, and generated on demand by the same workflow the schedules start. */
@Injectable()
export class StoredReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
  ) {}

  /** A period named in a request, or (absent) the last complete one; a malformed name is a 400 naming `field`. */
  period(kind: ReportKind, name: string | undefined, field: string, now = Date.now()): ReportPeriod {
    if (name === undefined || name === '') return lastCompletePeriod(kind, now);
    const period = parseReportPeriod(kind, name);
    if (!period) throw Problem.validation([{ field, message: PERIOD_FORMATS[kind] }]);
    return period;
  }

  /** The latest version of the period's report per brand (or the one brand); 404 when none is stored yet. */
  async read(kind: ReportKind, periodName: string | undefined, brand: string | undefined) {
    const period = this.period(kind, periodName, 'query:period');
    const rows: ReportRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (brand) id, kind, brand, period, period_from, period_to, version, policy_version, generated_at, generated_by, delivered_at, kpis, body
         FROM reports WHERE kind = $1 AND period = $2 AND ($3::text IS NULL OR brand = $3) ORDER BY brand, version DESC`,
      [kind, period.name, brand ?? null],
    );
    if (!rows.length) throw Problem.notFound(`the ${kind} report`, `${period.name}${brand ? ` of ${brand}` : ''} (not generated yet)`);
    return {
      kind,
      period: period.name,
      from: new Date(period.from).toISOString(),
      to: new Date(period.to).toISOString(),
      reports: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        brand: r.brand,
        period: r.period,
        from: r.period_from.toISOString(),
        to: r.period_to.toISOString(),
        version: r.version,
        policyVersion: r.policy_version,
        generatedAt: r.generated_at.toISOString(),
        generatedBy: r.generated_by,
        deliveredAt: r.delivered_at?.toISOString() ?? null,
        kpis: r.kpis,
        body: r.body,
      })),
    };
  }

  /**
   * Starts the period's report run under its business ID (report-<kind>-<period>[-<brand>]): a
   * second request while it runs joins it, one after it finds the stored rows (nothing stored or
   * delivered twice). Only a period that has ended: a stored report is never rewritten.
   */
  async generate(input: { kind: ReportKind; period?: string; brand?: string }, now = Date.now()) {
    const period = this.period(input.kind, input.period, 'period', now);
    if (period.to > now) throw Problem.validation([{ field: 'period', message: 'has not ended yet: a stored report is immutable, so only a complete period is reported' }], 422);
    if (input.brand !== undefined && !this.policies.brands().includes(input.brand)) {
      throw Problem.validation([{ field: 'brand', message: `unknown brand; one of: ${this.policies.brands().join(', ')}` }]);
    }
    const workflowId = `report-${input.kind}-${period.name}${input.brand ? `-${input.brand}` : ''}`;
    const handle = await this.temporal.workflow.start(cadenceReportWorkflow, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `${input.kind} report ${period.name} (requested over the API)`,
      args: [{ kind: input.kind, period: period.name, brand: input.brand ?? null }],
    });
    const result = await withTimeout(handle.result(), GENERATE_WAIT_MS);
    return result
      ? { workflowId, kind: input.kind, period: period.name, done: true as const, reports: result.reports }
      : { workflowId, kind: input.kind, period: period.name, done: false as const };
  }
}
