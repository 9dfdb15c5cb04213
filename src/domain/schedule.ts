/**
 * "What is due when" for any case kind: each kind's schedule (src/domain/<kind>/schedule.ts) is a
 * pure function from the case's state to the moments it waits for, so the shipped policy packs and
 * real business calendars are tested without a workflow, and the workflow's loop
 * (src/workflows/common/agenda.ts) only waits for the earliest.
 */

/** One moment a case waits for, and the name its timer carries in the Temporal UI. */
export interface Due {
  at: number;
  summary: string;
}

/** The earliest of several moments (null when there is none); the first listed wins a tie. */
export function earliest(moments: Iterable<Due | null | undefined>): Due | null {
  let first: Due | null = null;
  for (const m of moments) if (m && (first === null || m.at < first.at)) first = m;
  return first;
}
