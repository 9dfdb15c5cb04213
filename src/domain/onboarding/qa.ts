import type { Curriculum } from './curriculum';

/**
 * Double-blind QA (issue 14 §2, seed 000): two reviewers score the same ticket on the brand's
 * rubric without seeing each other's score; the review is revealed only when both are in. Two
 * scores further apart than the pack's `calibrateAbove` go to a third, calibrating reviewer, and
 * the review's score is then the median of the three. Pure: the workflow keeps the scores (its
 * payloads are encrypted) and its query shows only what `revealedReview` lets through.
 */
export type QaRubric = NonNullable<Curriculum['qa']>;

export interface QaScore {
  reviewer: string;
  /** Points per rubric criterion. */
  criteria: Record<string, number>;
  points: number;
  at: number;
}

export type QaReviewState = 'open' | 'calibration' | 'scored';

export interface QaReview {
  id: string;
  ticketId: string;
  state: QaReviewState;
  scores: QaScore[];
  /** The review's score once scored: the mean of two agreeing scores, else the median of three. */
  final: number | null;
  passed: boolean | null;
}

/** What anyone may read of a review: scores only once revealed (both in), never one alone. */
export interface QaReviewView {
  id: string;
  ticketId: string;
  state: QaReviewState;
  /** How many scores are in, and who gave them (never what they gave while the review is blind). */
  scoresIn: number;
  reviewers: string[];
  scores: { reviewer: string; points: number; criteria: Record<string, number> }[] | null;
  final: number | null;
  passed: boolean | null;
}

export class QaRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'QaRefusal';
  }
}

export const rubricTotal = (qa: QaRubric): number => qa.rubric.reduce((a, c) => a + c.points, 0);

/** The points a reviewer gave, checked against the rubric: every criterion once, within its points. */
export function scoreOf(qa: QaRubric, criteria: Record<string, number>): number {
  const known = new Map(qa.rubric.map((c) => [c.id, c.points]));
  for (const [id, points] of Object.entries(criteria)) {
    const max = known.get(id);
    if (max === undefined) throw new QaRefusal(`criteria.${id}`, `not a criterion of the rubric; criteria: ${[...known.keys()].join(', ')}`);
    if (!Number.isInteger(points) || points < 0 || points > max) throw new QaRefusal(`criteria.${id}`, `must be a whole number from 0 to ${max}`);
  }
  const missing = qa.rubric.find((c) => !Object.hasOwn(criteria, c.id));
  if (missing) throw new QaRefusal(`criteria.${missing.id}`, 'every criterion of the rubric is scored');
  return Object.values(criteria).reduce((a, p) => a + p, 0);
}

/**
 * Checks a reviewer's score against the review as it stands (undefined: a new review of
 * `ticketId`). The agent never reviews their own work; a reviewer scores a review once; a third
 * score only when the two disagreed.
 */
export function checkQaScore(qa: QaRubric, review: QaReview | undefined, agentId: string, ticketId: string, reviewer: string, criteria: Record<string, number>): void {
  if (reviewer === agentId) throw new QaRefusal('reviewer', 'an agent does not review their own tickets');
  scoreOf(qa, criteria);
  if (!review) return;
  if (review.ticketId !== ticketId) throw new QaRefusal('ticketId', `review ${review.id} is of ticket ${review.ticketId}`);
  if (review.scores.some((s) => s.reviewer === reviewer)) throw new QaRefusal('reviewer', `${reviewer} has scored review ${review.id} already`);
  if (review.state === 'scored') throw new QaRefusal('reviewId', `review ${review.id} is scored (${review.final} points)`);
}

/** The review with the reviewer's score added, revealed and judged once complete. */
export function addQaScore(qa: QaRubric, review: QaReview | undefined, id: string, ticketId: string, score: Omit<QaScore, 'points'>): QaReview {
  const scored: QaScore = { ...score, points: scoreOf(qa, score.criteria) };
  const scores = [...(review?.scores ?? []), scored];
  const base: QaReview = { id, ticketId, state: 'open', scores, final: null, passed: null };
  if (scores.length < 2) return base;
  let final: number;
  if (scores.length === 2) {
    const [a, b] = scores.map((s) => s.points);
    if (Math.abs(a - b) > qa.calibrateAbove) return { ...base, state: 'calibration' };
    final = (a + b) / 2;
  } else {
    final = scores.map((s) => s.points).sort((x, y) => x - y)[1];
  }
  return { ...base, state: 'scored', final, passed: final >= qa.passScore };
}

/** A review as the API and the workflow's query show it: blind while open or in calibration. */
export function revealedReview(r: QaReview): QaReviewView {
  const blind = r.state !== 'scored';
  return {
    id: r.id,
    ticketId: r.ticketId,
    state: r.state,
    scoresIn: r.scores.length,
    reviewers: r.scores.map((s) => s.reviewer),
    scores: blind ? null : r.scores.map((s) => ({ reviewer: s.reviewer, points: s.points, criteria: s.criteria })),
    final: r.final,
    passed: r.passed,
  };
}

/** The QA gate: the pass share of the last `lastReviews` scored reviews; null (not judged) until there are that many. */
export function qaGate(qa: QaRubric, scored: readonly QaReview[]): { reviews: number; passRate: number | null; min: number; pass: boolean | null } {
  const last = scored.filter((r) => r.state === 'scored').slice(-qa.lastReviews);
  if (last.length < qa.lastReviews) return { reviews: last.length, passRate: null, min: qa.passRate, pass: null };
  const passRate = last.filter((r) => r.passed).length / last.length;
  return { reviews: last.length, passRate, min: qa.passRate, pass: passRate >= qa.passRate };
}
