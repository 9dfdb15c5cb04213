import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { CrmSyncResult } from '../../activities/crm-sync';

// Bounded well inside the schedule's interval: a CRM that is down fails this run, and the next
// run (the schedule's next tick) starts over from the same window.
const { syncCasesToCrm } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', maximumInterval: '20 seconds', maximumAttempts: 3 },
});

export interface CrmSyncInput {
  /** Whose window: one per deployment ('default'); tests use their own. */
  name?: string;
  /** Where a window that never ran starts (ISO 8601); absent: every case (the first mirror of a deployment). */
  since?: string | null;
}

/**
 * Mirrors the cases changed since the last run into the CRM (issue 16 §3), one CRM ticket per
 * case, keyed by the case ID. Started by a Temporal Schedule (overlap SKIP) when a CRM is
 * configured. Nothing here writes a case: the workflows stay its only writers.
 */
export async function crmSyncWorkflow(input: CrmSyncInput = {}): Promise<CrmSyncResult> {
  const result = await syncCasesToCrm({ name: input.name ?? 'default', since: input.since ?? null });
  setCurrentDetails(`mirrored ${result.pushed} case(s) into the CRM (${result.created} new, ${result.refused} refused); next window from ${result.since}`);
  return result;
}
