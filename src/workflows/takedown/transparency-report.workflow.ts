import { proxyActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { CaseKind } from '../search-attributes';

const { storeTransparencyReport } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  // Bounded like every activity (common/retry-policies.ts): a report that cannot be stored for a
  // day fails this run; the schedule's next run counts again.
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface TransparencyReportInput {
  /** The year to report; absent (the yearly schedule): the year before the run started, in UTC. */
  year?: number | null;
}

export interface TransparencyReportResult {
  year: number;
  notices: number;
  generatedAt: string;
  generations: number;
}

/**
 * Produces a year's takedown transparency report and stores it (transparency_reports, one row per
 * year, replaced by a re-run). Started by the yearly Temporal Schedule in early January for the
 * year just ended, or by hand (`temporal schedule trigger`) to refresh it.
 */
export async function transparencyReportWorkflow(input: TransparencyReportInput = {}): Promise<TransparencyReportResult> {
  const info = workflowInfo();
  // The run's start time, not a clock read: the same on every replay.
  const year = input.year ?? info.startTime.getUTCFullYear() - 1;
  upsertSearchAttributes([{ key: CaseKind, value: 'transparency_report' }]);
  setCurrentDetails(`transparency report **${year}**: computing`);
  const stored = await storeTransparencyReport({ year, generatedBy: info.workflowId });
  setCurrentDetails(`transparency report **${year}**: ${stored.notices} notice(s), stored ${stored.generatedAt} (generation ${stored.generations})`);
  return { year, notices: stored.notices, generatedAt: stored.generatedAt, generations: stored.generations };
}
