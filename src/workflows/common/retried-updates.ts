import { currentUpdateInfo } from '@temporalio/workflow';

/** How many update IDs a case remembers across runs: twice the default run budget (RUN_LIMITS.updates). */
export const REMEMBERED_UPDATE_IDS = 1_000;

/**
 * Updates an earlier run already applied, sent again to a later one. The server de-duplicates an
 * update ID within a run only: when a run continues as new while a client still waits on an
 * update it completed, the server aborts the wait (retryable) and the client sends the same
 * update, with the same ID, to the new run (measured: a note counted twice, an extension refused
 * as a second one). Such an update must not be applied again: its validator lets it through
 * (the state may have moved on) and its handler answers with the case as it is now.
 *
 * Bounded: the latest REMEMBERED_UPDATE_IDS IDs, carried from run to run; a retry follows its
 * abort at once, so it lands within the next run or two.
 */
export class RetriedUpdates {
  private readonly earlier: Set<string>;
  private readonly ids: string[];

  constructor(carried: string[] | null | undefined) {
    this.ids = [...(carried ?? [])];
    this.earlier = new Set(this.ids);
  }

  /** In a validator: true when an earlier run applied this update (skip the checks). */
  isRetry(): boolean {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && this.earlier.has(id);
  }

  /** In a handler, right after counting it: true when an earlier run applied it (apply nothing, answer). */
  alreadyApplied(): boolean {
    return this.isRetry();
  }

  /**
   * Once the current update changed the case (not before: one refused by the domain in its
   * handler was not applied, and its retry must be refused again).
   */
  applied(): void {
    const id = currentUpdateInfo()?.id;
    if (id === undefined || this.earlier.has(id)) return;
    this.earlier.add(id);
    this.ids.push(id);
  }

  /** The IDs for the next run: the latest REMEMBERED_UPDATE_IDS. */
  carry(): string[] {
    return this.ids.slice(Math.max(0, this.ids.length - REMEMBERED_UPDATE_IDS));
  }
}
