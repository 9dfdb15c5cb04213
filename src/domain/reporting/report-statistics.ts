/** Small statistics the stored reports share: pure, over numbers the SQL already aggregated or listed. */

/** Rounded to 4 decimals (shares), as the other reports do. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** part / whole, or null when there is nothing to divide by. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? round4(part / whole) : null;
}

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at least
 * p % of the values at or below it, always one of the values (a time to resolution somebody had).
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface HistogramBucket {
  /** Inclusive lower bound, in the values' unit. */
  from: number;
  /** Exclusive upper bound; null for the last, open bucket. */
  to: number | null;
  label: string;
  count: number;
}

/** Counts per bucket `[edge_i, edge_i+1)`, the last bucket open-ended; values below the first edge fall in the first bucket. */
export function histogram(values: readonly number[], edges: readonly { from: number; label: string }[]): HistogramBucket[] {
  const buckets = edges.map((e, i) => ({ from: e.from, to: i + 1 < edges.length ? edges[i + 1].from : null, label: e.label, count: 0 }));
  for (const v of values) {
    let i = buckets.findIndex((b) => b.to === null || v < b.to);
    if (i < 0) i = buckets.length - 1;
    buckets[i].count++;
  }
  return buckets;
}

const H = 3_600;
/** Time-to-resolution buckets in seconds: around the seeds' resolution targets (4 h, 8 h, 24–48 h, 72 h). */
export const RESOLUTION_BUCKETS: readonly { from: number; label: string }[] = [
  { from: 0, label: '<1h' },
  { from: H, label: '1–4h' },
  { from: 4 * H, label: '4–8h' },
  { from: 8 * H, label: '8–24h' },
  { from: 24 * H, label: '24–48h' },
  { from: 48 * H, label: '48–72h' },
  { from: 72 * H, label: '3–7d' },
  { from: 168 * H, label: '≥7d' },
];

export interface NetPromoterScore {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100…+100, one decimal; null without responses. */
  score: number | null;
}

/**
 * NPS from counts of 0–10 answers ("how likely are you to recommend"): promoters answer 9–10,
 * passives 7–8, detractors 0–6; the score is the share of promoters minus the share of
 * detractors, in points. `counts[s]` is how many answered s; other scores are refused.
 */
export function netPromoterScore(counts: Readonly<Record<number, number>>): NetPromoterScore {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const [key, n] of Object.entries(counts)) {
    const s = Number(key);
    if (!Number.isInteger(s) || s < 0 || s > 10) throw new RangeError(`an NPS answer is 0–10, not ${key}`);
    if (s >= 9) promoters += n;
    else if (s >= 7) passives += n;
    else detractors += n;
  }
  const responses = promoters + passives + detractors;
  return { responses, promoters, passives, detractors, score: responses ? Math.round(((promoters - detractors) / responses) * 1000) / 10 : null };
}
