import { allHandlersFinished, condition, deprecatePatch, workflowInfo } from '@temporalio/workflow';

/**
 * How much history one run of a case may gather before it hands its state to a fresh run
 * (continue-as-new). The server's hard limits are 2,000 updates, 51,200 events and 50 MiB per run;
 * these keep a run under about 10 % of each, so a case that lives for years or takes thousands of
 * actions is never terminated by its own history. The server's own hint
 * (`continueAsNewSuggested`, 4 Ki events or 4 MiB by default) ends a run as well.
 */
export interface RunLimits {
  /** Accepted updates in one run (rejected ones leave no history). */
  updates: number;
  historyEvents: number;
  historyBytes: number;
}

export const RUN_LIMITS: RunLimits = { updates: 500, historyEvents: 3_000, historyBytes: 3 * 1024 * 1024 };

/**
 * One run's budget. Handlers call `countUpdate()`; the case's main loop asks `spent()` at each
 * turn and, when it is, `drain()`s before `continueAsNew`. While draining, handlers must not
 * start new activities (they queue their record for the next run instead), so draining ends
 * even under a steady stream of updates. Updates the server admitted but the workflow had not
 * seen yet when the run closed are retried by the client on the new run (server ≥ 1.25).
 */
export class RunBudget {
  private accepted = 0;
  private draining = false;
  private readonly limits: RunLimits;

  /** `overrides`: tests (and only tests) pass smaller limits through the case's input. */
  constructor(overrides?: Partial<RunLimits> | null) {
    // Retired patch (issue 13): every run may continue as new. Its marker stays in histories
    // recorded before; the call, at the same moment of the run, keeps them replaying.
    deprecatePatch('case-continue-as-new');
    this.limits = { ...RUN_LIMITS, ...(overrides ?? {}) };
  }

  countUpdate(): void {
    this.accepted++;
  }

  /** True once the run decided to end: handlers queue their records instead of writing them. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** Whether this run has gathered enough history to hand over now. */
  spent(): boolean {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      this.accepted >= this.limits.updates ||
      info.historyLength >= this.limits.historyEvents ||
      info.historySize >= this.limits.historyBytes
    );
  }

  /** Stops new work in handlers and waits for the ones in flight (their updates must complete in this run). */
  async drain(): Promise<void> {
    this.draining = true;
    await condition(allHandlersFinished);
  }
}
