import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { repairStuckCase, RepairOutcome } from './stuck-case';

/** What the worker does when one of its cases fails a workflow task (STUCK_CASE_REPAIR). */
export type StuckCaseRepairMode = 'reset' | 'report' | 'off';

export interface StuckCaseWatchOptions {
  mode: StuckCaseRepairMode;
  /** Wait this long after a failure before reading the history: the server records it after the worker reports it. */
  delayMs: number;
  /** A run looked at is not looked at again for this long, however often its task fails again. */
  cooldownMs: number;
  /** Counts each look by its outcome (the worker's caseworks_stuck_case_checks_total). */
  counted?: (outcome: StuckCaseCheckOutcome) => void;
}

/** A look's outcome: repairStuckCase's, or no case for the run, or the look failed. */
export type StuckCaseCheckOutcome = RepairOutcome['outcome'] | 'no-case' | 'error';

/** Runs remembered for their cooldown; past this, the oldest are forgotten (a storm of failures must not grow the worker). */
const MAX_REMEMBERED = 10_000;

/**
 * Moves on, without an operator, a case stuck by the known problem of docs/known-problems.md (an
 * update accepted beside an activity result; every replay of the case then fails). When a case's
 * workflow task fails on this worker, it looks at the case's history once (`repairStuckCase`):
 * only that problem's signature is acted on, and with mode `reset` the case is reset to the task
 * that accepted the update, as `make repair-case APPLY=1` would. Any other failure is left to the
 * operator (the CaseworksWorkflowTaskFailures alert). Looks are one at a time, each run at most
 * once per cooldown, and a look that fails is logged, never retried in a loop.
 */
export class StuckCaseWatch {
  private readonly looked = new Map<string, number>();
  private readonly queue: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private working: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
    private readonly options: StuckCaseWatchOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** A workflow task of this run failed on this worker. */
  taskFailed(runId: string): void {
    if (this.options.mode === 'off' || this.stopped) return;
    const at = this.now();
    const last = this.looked.get(runId);
    if (last !== undefined && at - last < this.options.cooldownMs) return;
    this.remember(runId, at);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queue.push(runId);
      this.working ??= this.drain().finally(() => (this.working = null));
    }, this.options.delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Stops taking failures and waits for the look in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    await this.working;
  }

  private remember(runId: string, at: number): void {
    this.looked.delete(runId);
    this.looked.set(runId, at);
    for (const [old, when] of this.looked) {
      if (this.looked.size <= MAX_REMEMBERED && at - when < this.options.cooldownMs) break;
      this.looked.delete(old);
    }
  }

  private async drain(): Promise<void> {
    for (let runId = this.queue.shift(); runId !== undefined && !this.stopped; runId = this.queue.shift()) {
      try {
        // Not `counted?.(await this.look(…))`: an optional call skips its arguments when absent.
        const outcome = await this.look(runId);
        this.options.counted?.(outcome);
      } catch (err) {
        this.options.counted?.('error');
        this.logger.warn({ runId, err: err instanceof Error ? err.message : String(err) }, 'stuck-case check failed; make repair-case can look again');
      }
    }
  }

  private async look(runId: string): Promise<StuckCaseCheckOutcome> {
    const workflowId = await this.caseOfRun(runId);
    if (workflowId === undefined) {
      this.logger.warn({ runId }, 'stuck-case check: no case found for this run');
      return 'no-case';
    }
    const outcome = await repairStuckCase(this.client, workflowId, { apply: this.options.mode === 'reset', runId });
    this.report(outcome);
    return outcome.outcome;
  }

  /** The case a run belongs to: the core names only the run. A raw list, so no payload is decoded. */
  private async caseOfRun(runId: string): Promise<string | undefined> {
    const { executions } = await this.client.workflowService.listWorkflowExecutions({
      namespace: this.client.options.namespace,
      query: `RunId = "${runId.replace(/[^0-9a-fA-F-]/g, '')}"`,
      pageSize: 1,
    });
    return executions?.[0]?.execution?.workflowId ?? undefined;
  }

  private report(o: RepairOutcome): void {
    const ids = { caseId: o.workflowId, runId: o.runId };
    switch (o.outcome) {
      case 'reset':
        this.logger.warn({ ...ids, newRunId: o.newRunId, update: o.update, acceptedEventId: o.acceptedEventId, resetToEventId: o.resetToEventId }, `stuck case reset: update ${o.update} was accepted beside an activity result (docs/known-problems.md); the person repeats it once the case shows the state it needs`);
        return;
      case 'found':
        this.logger.warn({ ...ids, update: o.update, resetToEventId: o.resetToEventId }, `stuck case found (update ${o.update} accepted beside an activity result; docs/known-problems.md), not reset: STUCK_CASE_REPAIR=report. make repair-case CASE=${o.workflowId} APPLY=1 resets it`);
        return;
      case 'stuck-otherwise':
        this.logger.info({ ...ids, failedEventId: o.failedEventId }, 'a failing workflow task that is not the known problem: left to the operator (CaseworksWorkflowTaskFailures)');
        return;
      case 'not-current':
      case 'not-stuck':
        this.logger.debug({ ...ids, outcome: o.outcome }, 'stuck-case check: nothing to do');
    }
  }
}
