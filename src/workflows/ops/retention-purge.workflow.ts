import { continueAsNew, deprecatePatch, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { PurgeCursor } from '../../activities/retention';
import { PURGE_KINDS, PurgeKind } from '../../domain/retention/purge-kinds';
import type { RetentionPolicy } from '../../domain/retention/retention';

// A batch deletes at most batchSize cases in one transaction, after describing each one's
// execution: a few minutes is plenty. Bounded retries: a purge that keeps failing fails this run,
// and the next day's run starts over (nothing is half-deleted: each batch commits or not at all).
const { beginRetentionPurge, purgeRetentionBatch, purgeAccessLogBatch, finishRetentionPurge } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export interface RetentionPurgeInput {
  /** The run's "now" (ISO 8601). Absent: the workflow's start time. Tests set it (a controllable clock). */
  asOf?: string;
  batchSize?: number;
  /** Access-log entries per batch (default 5,000): small rows, deleted by index range. */
  accessLogBatchSize?: number;
  /** Tests only: continue as new past this many history events (default 2,000). */
  continueAsNewAfterEvents?: number;
  /** Set by a run that continued as new: where it had got to. */
  carried?: RetentionPurgeProgress;
}

export interface KindTotals {
  cases: number;
  events: number;
  executions: number;
  keptHeld: number;
  keptRunning: number;
}

export interface RetentionPurgeProgress {
  runId: string;
  asOf: string;
  policies: Record<string, RetentionPolicy>;
  kindIndex: number;
  cursor: PurgeCursor | null;
  totals: Partial<Record<PurgeKind, KindTotals>>;
  batches: number;
  /** The access log's purge, after the cases (absent in runs started before it existed). */
  accessLog?: AccessLogTotals;
}

export interface AccessLogTotals {
  entries: number;
  done: boolean;
  retentionMonths?: number;
  cutoff?: string;
}

export type RetentionPurgeResult = Pick<RetentionPurgeProgress, 'runId' | 'asOf' | 'totals' | 'batches' | 'accessLog'>;

const DEFAULT_BATCH = 200;
const DEFAULT_ACCESS_LOG_BATCH = 5_000;
/**
 * Runs that reach the end of the case kinds with this code also purge the access log; a history
 * recorded before it went straight to finishRetentionPurge, and still replays that way.
 */
const ACCESS_LOG_PATCH = 'retention-purge-access-log';
/** Continue as new well before the history gets heavy (each batch adds a handful of events). */
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;

/**
 * Deletes from the read model (and Temporal) the closed cases past their retention, kind by kind
 * in bounded batches, then the access-log entries past the access log's retention (the longest
 * case retention, or ACCESS_LOG_RETENTION_MONTHS); counts per kind land in retention_purges, the
 * access log's in retention_access_log_purges (both in GET /v1/reports/retention).
 * Started daily by the schedule `caseworks-retention-purge`. Resumable: the cursor lives in the
 * workflow (and is carried across continue-as-new), each batch commits its deletions and counts
 * together, and a second run over the same data finds nothing to purge.
 */
export async function retentionPurgeWorkflow(input: RetentionPurgeInput = {}): Promise<RetentionPurgeResult> {
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  const accessLogBatchSize = input.accessLogBatchSize ?? DEFAULT_ACCESS_LOG_BATCH;
  const continueAfter = input.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  let progress = input.carried;
  if (!progress) {
    // The schedule's workflow ID carries the nominal time: one row set per scheduled run.
    const runId = workflowInfo().workflowId;
    const asOf = input.asOf ?? new Date(Date.now()).toISOString();
    const { policies } = await beginRetentionPurge({ runId, asOf });
    progress = { runId, asOf, policies, kindIndex: 0, cursor: null, totals: {}, batches: 0 };
  }
  while (progress.kindIndex < PURGE_KINDS.length) {
    const kind = PURGE_KINDS[progress.kindIndex];
    const batch = await purgeRetentionBatch({ runId: progress.runId, asOf: progress.asOf, kind, after: progress.cursor, policies: progress.policies, batchSize });
    const t = (progress.totals[kind] ??= { cases: 0, events: 0, executions: 0, keptHeld: 0, keptRunning: 0 });
    t.cases += batch.cases;
    t.events += batch.events;
    t.executions += batch.executions;
    t.keptHeld += batch.keptHeld;
    t.keptRunning += batch.keptRunning;
    progress.batches++;
    progress.cursor = batch.next;
    if (batch.next === null) progress.kindIndex++;
    setCurrentDetails(progressDetails(progress, kind));
    if (progress.kindIndex < PURGE_KINDS.length && workflowInfo().historyLength > continueAfter) {
      await continueAsNew<typeof retentionPurgeWorkflow>({ batchSize, accessLogBatchSize: input.accessLogBatchSize, continueAsNewAfterEvents: input.continueAsNewAfterEvents, carried: progress });
    }
  }
  // Retired patch (issue 13): every run purges the access log; called where patched() was.
  deprecatePatch(ACCESS_LOG_PATCH);
  // After the cases: an access entry outlives the case it is about, never the other way round.
  const log = (progress.accessLog ??= { entries: 0, done: false });
  while (!log.done) {
    const batch = await purgeAccessLogBatch({ runId: progress.runId, asOf: progress.asOf, policies: progress.policies, batchSize: accessLogBatchSize });
    log.entries += batch.entries;
    log.done = !batch.more;
    log.retentionMonths = batch.retentionMonths;
    log.cutoff = batch.cutoff;
    progress.batches++;
    setCurrentDetails(progressDetails(progress, null));
    if (!log.done && workflowInfo().historyLength > continueAfter) {
      await continueAsNew<typeof retentionPurgeWorkflow>({ batchSize, accessLogBatchSize: input.accessLogBatchSize, continueAsNewAfterEvents: input.continueAsNewAfterEvents, carried: progress });
    }
  }
  await finishRetentionPurge({ runId: progress.runId });
  setCurrentDetails(`${progressDetails(progress, null)} — done`);
  return { runId: progress.runId, asOf: progress.asOf, totals: progress.totals, batches: progress.batches, accessLog: progress.accessLog };
}

/** Counts and kinds only: what the Temporal UI shows while the run goes. */
function progressDetails(p: RetentionPurgeProgress, current: PurgeKind | null): string {
  const lines = PURGE_KINDS.filter((k) => p.totals[k]).map((k) => {
    const t = p.totals[k]!;
    return `- ${k}: ${t.cases} purged (${t.events} events, ${t.executions} executions), kept ${t.keptHeld} on legal hold, ${t.keptRunning} still running`;
  });
  if (p.accessLog) lines.push(`- access log: ${p.accessLog.entries} entries purged (older than ${p.accessLog.retentionMonths ?? '?'} months)`);
  const where = current ? `working on ${current}, ` : '';
  return `Retention purge as of ${p.asOf}: ${where}${p.batches} batches\n${lines.join('\n')}`;
}
