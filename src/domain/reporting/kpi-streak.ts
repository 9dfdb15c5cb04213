/** One stored report's verdict on a KPI: the period's name and whether the KPI was met (null: no data or no target). */
export interface KpiVerdict {
  period: string;
  met: boolean | null;
}

/**
 * A KPI off target two periods running (and still off): the run of misses that ends with the
 * latest period, oldest first. `history` is in period order, oldest first, the latest last, with
 * no gaps (a missing period is a verdict of null). A period without data breaks a run: nobody is
 * told of a miss nobody measured. Returns null unless the latest two periods both missed.
 *
 * The run's first period names it, so the operations lead hears once per run of misses
 * (a third miss in a row continues the same run; a met period ends it and a later pair starts a
 * new one).
 */
export function offTargetRun(history: readonly KpiVerdict[]): { since: string; periods: number } | null {
  let periods = 0;
  for (let i = history.length - 1; i >= 0 && history[i].met === false; i--) periods++;
  if (periods < 2) return null;
  return { since: history[history.length - periods].period, periods };
}
