import { condition } from '@temporalio/workflow';
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
    if (due === null) await condition(() => wakeup.poked);
    else if (due.at > Date.now()) await condition(() => wakeup.poked, due.at - Date.now(), { summary: due.summary });
    else if (due.at === overdue && !wakeup.poked) {
      // A due item fireDue did not consume would spin this loop forever inside one workflow task;
      // failing the task makes the bug visible in the UI (and retried on a fixed worker) instead.
      throw new Error(`${caseId}: ${due.summary} due at ${new Date(due.at).toISOString()} was not handled`);
    } else overdue = due.at;
    await agenda.fireDue(Date.now());
    if (at === 'turn-end' && budget.spent()) await handOverNow();
  }
}
