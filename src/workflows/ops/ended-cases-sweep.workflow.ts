import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { EndedCaseRun } from '../../activities/ended-cases';
import type { Notification } from '../../integrations/notify/notification';
import { endedCaseKey } from './ended-case-key';

const { listEndedCases } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '20 seconds', maximumAttempts: 3 },
});

// Bounded well inside a sweep's run timeout: a notification that cannot go out fails this sweep,
// whose watermark then stays where it was, and the next sweep (a minute later) tries again.
const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

export interface EndedCasesSweepInput {
  /** Where the first sweep starts (ISO 8601); later sweeps carry their own watermark. Absent: the last day. */
  since?: string | null;
}

export interface EndedCasesSweepResult {
  /** Where this sweep's window started (null: the last day). */
  since: string | null;
  /** The watermark the next sweep starts from (CloseTime >= through). */
  through: string;
  notified: number;
}

/**
 * Tells operations, once per run, of every case whose workflow was terminated (by the server's
 * limits or an operator), timed out or failed: such a case takes no more actions and would
 * otherwise end silently. Started every minute by a Temporal Schedule (overlap SKIP); each sweep
 * reads the window since the last successful sweep's watermark, which the schedule hands to the
 * next run as its last completion result, so the watermark survives restarts and deploys.
 * Windows overlap on purpose (visibility can lag): a notification is keyed by the case's workflow
 * and run, and runs already told are left out, so an overlap costs nothing.
 */
export async function endedCasesSweepWorkflow(input: EndedCasesSweepInput = {}): Promise<EndedCasesSweepResult> {
  const carried = workflowInfo().lastResult as EndedCasesSweepResult | undefined;
  const since = carried?.through ?? input.since ?? null;
  const { ended, through } = await listEndedCases({ since });
  await Promise.all(ended.map((run) => sendNotification(endedCaseNotification(run))));
  setCurrentDetails(`ended cases since ${since ?? 'the last day'}: ${ended.length} told; next from ${through}`);
  return { since, through, notified: ended.length };
}

/** IDs, kind, how and the operator's reason: no personal data. */
export function endedCaseNotification(run: EndedCaseRun): Notification {
  const why = run.reason ? `: ${run.reason}` : '';
  return {
    key: endedCaseKey(run.workflowId, run.runId),
    kind: 'case_ended_abnormally',
    ticketId: run.workflowId,
    brand: run.brand ?? '',
    priority: run.priority ?? '',
    metric: null,
    level: 'operations',
    recipient: null,
    summary: `${run.kind} ${run.workflowId} (run ${run.runId}) was ${run.how.replace('_', ' ')} at ${run.at}${why}; it takes no more actions, its last record stays readable`,
  };
}
