import { proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { lastCompletePeriod, type ReportKind } from '../../domain/reporting/report-period';
import { CaseKind } from '../search-attributes';

const { storeCadenceReports, markReportDelivered, kpiOffTargetNotices } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  // Bounded like every activity (common/retry-policies.ts): a report that cannot be stored for a
  // day fails this run; the next scheduled run (or an on-demand one) stores it, once.
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '2 seconds', maximumInterval: '2 minutes' },
});

export interface CadenceReportInput {
  kind: ReportKind;
  /** The period's name ("2026-12-03", "2026-W49", "2026-11", "2026-Q4"); absent (the schedules): the last one complete when the run started. */
  period?: string | null;
  /** One brand; absent: every brand with a policy pack. */
  brand?: string | null;
}

export interface CadenceReportResult {
  kind: ReportKind;
  period: string;
  reports: { id: string; brand: string; version: number; created: boolean }[];
  delivered: number;
  kpiNotices: number;
}

/**
 * Generates, stores and delivers one period's operations report per brand (001_…txt:
 * "Operational reporting is run on daily, weekly, and monthly cadences"): the figures are computed
 * and stored by an activity (table reports, immutable, one row per kind, brand, period and policy
 * version), so a re-run or a second trigger finds the row and stores nothing twice; the
 * notification relay gets each report once (keyed by its business ID, and marked delivered); and
 * a KPI off target two periods running tells the operations lead once per run of misses.
 * Started by one Temporal Schedule per cadence (src/worker/schedules.ts) or on demand
 * (POST /v1/reports/runs, workflow ID report-<kind>-<period>[-<brand>]).
 */
export async function cadenceReportWorkflow(input: CadenceReportInput): Promise<CadenceReportResult> {
  const info = workflowInfo();
  // The run's start time, not a clock read: the same on every replay.
  const period = input.period ?? lastCompletePeriod(input.kind, info.startTime.getTime()).name;
  upsertSearchAttributes([{ key: CaseKind, value: 'operations_report' }]);
  setCurrentDetails(`${input.kind} report **${period}**: computing`);
  const refs = await storeCadenceReports({ kind: input.kind, period, brand: input.brand ?? null, generatedBy: info.workflowId });
  let delivered = 0;
  for (const ref of refs) {
    if (ref.delivered) continue;
    await sendNotification(ref.notification);
    await markReportDelivered({ id: ref.id });
    delivered++;
  }
  let kpiNotices = 0;
  for (const ref of refs) {
    for (const notice of await kpiOffTargetNotices({ kind: input.kind, brand: ref.brand, period })) {
      await sendNotification(notice);
      kpiNotices++;
    }
  }
  setCurrentDetails(`${input.kind} report **${period}**: ${refs.map((r) => `${r.brand} v${r.version}${r.created ? ' (new)' : ''}`).join(', ')}; ${delivered} delivered, ${kpiNotices} KPI notice(s)`);
  return { kind: input.kind, period, reports: refs.map((r) => ({ id: r.id, brand: r.brand, version: r.version, created: r.created })), delivered, kpiNotices };
}
