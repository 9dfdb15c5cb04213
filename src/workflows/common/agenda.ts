import { CancellationScope, condition, isCancellation, patched, sleep } from '@temporalio/workflow';
import type { Due } from '../../domain/schedule';
import type { RunBudget } from './run-budget';

export { earliest, type Due } from '../../domain/schedule';

/**
 * What a case's main loop needs from the case: whether it is over, what is due next (a pure
 * function of its state, usually one of the schedules in src/domain), and how to act on what is
 * due. Everything else — waiting for a person or a timer, the guard against a due item nobody
 * handles, handing over to a fresh run — is the runner's.
 */
export interface CaseAgenda {
  finished(now: number): boolean;
  nextDue(now: number): Due | null;
  /** Acts on everything due at `now`; each due item must leave the schedule (or move later). */
  fireDue(now: number): Promise<void>;
  /** Work handlers left for the loop (an incident's auto-resolve), done at the top of each turn. */
  beforeTurn?(): Promise<void>;
}

/** Set by every handler that changes what the loop waits for; the loop wakes and looks again. */
export class Wakeup {
  private changed = false;

  poke(): void {
    this.changed = true;
  }

  /** Read by the loop only. */
  get poked(): boolean {
    return this.changed;
  }

  reset(): void {
    this.changed = false;
  }
}

/** When a spent run hands over: at the top of each turn (before waiting), or right after acting on what was due. */
export type HandOver = 'turn-start' | 'turn-end';

/**
 * The loop every case kind runs: wait for whichever comes first, a person's action or the next due
 * moment (a durable timer, named in the UI); act on what is due; hand over to a fresh run when the
 * run's history budget is spent (`handOver` ends in continueAsNew and never returns). `at` keeps
 * each kind's hand-over point as its histories recorded it: 'turn-end' checks the budget right
 * after fireDue, even when the case has just finished (a run's last records may still be queued).
 */
export async function runAgenda(
  caseId: string,
  agenda: CaseAgenda,
  wakeup: Wakeup,
  budget: RunBudget,
  handOver: () => Promise<never>,
  { at = 'turn-start' }: { at?: HandOver } = {},
): Promise<void> {
  // Asked synchronously each time (an await even when the budget is not spent would move the
  // turn's next command behind a handler's, and histories recorded before would not replay).
  const handOverNow = async (): Promise<void> => {
    // Handlers finish here (new ones queue their records for the next run).
    await budget.drain();
    await handOver();
  };
  let overdue: number | null = null;
  // Asked once per run, before its first timer: a run recorded before keeps its old timers.
  const timers = patched(KEEP_TIMERS_PATCH) ? new KeptTimer() : null;
  while (!agenda.finished(Date.now())) {
    // Not `await agenda.beforeTurn?.()`: awaiting undefined still costs a microtask, which moves
    // the turn's first command behind a handler's (histories recorded before the agenda replay so).
    if (agenda.beforeTurn) {
      await agenda.beforeTurn();
      // Its work may have ended the case: never wait for a timer the case no longer has.
      if (agenda.finished(Date.now())) break;
    }
    if (at === 'turn-start' && budget.spent()) await handOverNow();
    const due = agenda.nextDue(Date.now());
    wakeup.reset();
    if (due === null) {
      timers?.cancel();
      await condition(() => wakeup.poked);
    } else if (due.at > Date.now()) {
      if (timers) await timers.until(due, () => wakeup.poked);
      else await condition(() => wakeup.poked, due.at - Date.now(), { summary: due.summary });
    }
    else if (due.at === overdue && !wakeup.poked) {
      // A due item fireDue did not consume would spin this loop forever inside one workflow task;
      // failing the task makes the bug visible in the UI (and retried on a fixed worker) instead.
      throw new Error(`${caseId}: ${due.summary} due at ${new Date(due.at).toISOString()} was not handled`);
    } else overdue = due.at;
    await agenda.fireDue(Date.now());
    if (at === 'turn-end' && budget.spent()) await handOverNow();
  }
  timers?.cancel();
}

/**
 * Patch: a person's action that does not move the next due moment leaves its timer running.
 * Before it, every action woke the loop and started the timer again (a cancelled and a new timer
 * in the history for each note), which filled a busy case's history with duplicates.
 */
export const KEEP_TIMERS_PATCH = 'agenda-keeps-timers';

/**
 * The one durable timer the loop waits on, kept across wake-ups while the moment it waits for
 * stays the same: cancelled and started again only when the moment moves (or goes).
 */
class KeptTimer {
  private current: { at: number; scope: CancellationScope; fired: boolean } | null = null;

  /** Waits until `due.at` (its timer kept from an earlier turn if it waited for the same moment) or until woken. */
  async until(due: Due, woken: () => boolean): Promise<void> {
    if (this.current?.at !== due.at) {
      this.cancel();
      const scope = new CancellationScope();
      const timer = { at: due.at, scope, fired: false };
      scope
        .run(() => sleep(due.at - Date.now(), { summary: due.summary }))
        .then(
          () => void (timer.fired = true),
          (err) => {
            if (!isCancellation(err)) throw err;
          },
        );
      this.current = timer;
    }
    const timer = this.current!;
    await condition(() => woken() || timer.fired);
    if (timer.fired) this.current = null;
  }

  cancel(): void {
    this.current?.scope.cancel();
    this.current = null;
  }
}
