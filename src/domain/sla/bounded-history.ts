import type { SlaMetric } from '../policy/policy.schema';
import type { SlaClock } from './clock';

/** Settled clocks a case no longer lists one by one, counted per metric (met/breached) so reports still add up. */
export type EarlierClocks = Partial<Record<SlaMetric, { met: number; breached: number; count: number }>>;

/**
 * How many settled clocks of one metric a ticket keeps listed. A next-response clock settles at
 * every agent answer to a customer's message, so a long conversation would otherwise grow the
 * ticket's view (and every record and run hand-over) with each exchange.
 */
export const SETTLED_CLOCKS_LISTED = 10;

/**
 * Moves the oldest settled clocks of a metric beyond `keep` from `history` into the tallies. A clock
 * something still waits on (`pinned`: an escalation scheduled for its breach) stays listed, and so
 * does every clock after it, so the list keeps its order. Pure: returns the new list and tallies.
 */
export function boundSettledClocks(
  history: SlaClock[],
  earlier: EarlierClocks,
  metric: SlaMetric,
  pinned: (c: SlaClock) => boolean,
  keep = SETTLED_CLOCKS_LISTED,
): { history: SlaClock[]; earlier: EarlierClocks } {
  const ofMetric = history.filter((c) => c.metric === metric);
  const drop = new Set<SlaClock>();
  for (const c of ofMetric.slice(0, Math.max(0, ofMetric.length - keep))) {
    if (pinned(c)) break;
    drop.add(c);
  }
  if (drop.size === 0) return { history, earlier };
  const tally = { ...(earlier[metric] ?? { met: 0, breached: 0, count: 0 }) };
  for (const c of drop) {
    tally.count++;
    if (c.state === 'met') tally.met++;
    if (c.state === 'breached') tally.breached++;
  }
  return { history: history.filter((c) => !drop.has(c)), earlier: { ...earlier, [metric]: tally } };
}

/** Settled clocks of a metric a case has had, listed or counted. */
export function settledCount(history: SlaClock[], earlier: EarlierClocks, metric: SlaMetric): number {
  return history.filter((c) => c.metric === metric).length + (earlier[metric]?.count ?? 0);
}

/** Whether any clock, listed or counted, was breached. */
export function anyBreached(clocks: SlaClock[], earlier: EarlierClocks): boolean {
  return clocks.some((c) => c.state === 'breached') || Object.values(earlier).some((t) => (t?.breached ?? 0) > 0);
}
