import { z } from 'zod';
import { CaseTransitionError } from '../case-transition';

/**
 * Incident states and the actions responders may take. Pure; the incident workflow's update
 * validators and the API ask the same functions, so a refusal reads the same everywhere.
 *
 *   triggered ─acknowledge─▶ acknowledged ─mitigate─▶ mitigated
 *       └───────────────resolve──────┴───────resolve──────┘
 *                                    ▼
 *                                resolved ──review──▶ review_pending ──close──▶ closed
 *                                    └────────close (not for P1)──────────────────▲
 *
 * Every P1 gets a post-incident review before it closes (seed: "post-incident reviews for every
 * P1 with documented corrective actions and estimated cost impact"); other priorities may have
 * one but need not.
 */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved', 'review_pending', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ACTIONS = ['acknowledge', 'note', 'mitigate', 'resolve', 'priority', 'link_ticket', 'review', 'close'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

const ALLOWED: Record<IncidentStatus, readonly IncidentAction[]> = {
  // Resolve straight from triggered: an alert that clears by itself (auto-resolve) needs no ack.
  // Mitigate needs an ack first, so the response clock is stopped by a person, not by a fix.
  triggered: ['acknowledge', 'note', 'resolve', 'priority', 'link_ticket'],
  acknowledged: ['note', 'mitigate', 'resolve', 'priority', 'link_ticket'],
  mitigated: ['note', 'resolve', 'priority', 'link_ticket'],
  // No priority change once resolved: downgrading a P1 afterwards would dodge its review.
  resolved: ['note', 'link_ticket', 'review', 'close'],
  review_pending: ['note', 'link_ticket', 'review', 'close'],
  closed: [],
};

/** The case core's one refusal (CaseTransitionError), worded for responders. */
export class InvalidIncidentTransitionError extends CaseTransitionError {
  declare readonly action: IncidentAction;

  constructor(
    readonly status: IncidentStatus,
    action: IncidentAction,
    reason?: string,
  ) {
    super(status, action, `cannot ${PHRASE[action]} an incident that is ${status.replace('_', ' ')}${reason ? `: ${reason}` : ''}`, reason);
    this.name = 'InvalidIncidentTransitionError';
  }
}

// The refusal is shown to responders as is, so it reads as a sentence.
const PHRASE: Record<IncidentAction, string> = {
  acknowledge: 'acknowledge',
  note: 'add a note to',
  mitigate: 'mitigate',
  resolve: 'resolve',
  priority: 'change the priority of',
  link_ticket: 'link a ticket to',
  review: 'submit a review for',
  close: 'close',
};

/** Top tier in both naming schemes the brands use. */
export function requiresPostIncidentReview(priority: string): boolean {
  return priority === 'P1' || priority === 'S1';
}

export function canApplyIncidentAction(status: IncidentStatus, action: IncidentAction): boolean {
  return ALLOWED[status].includes(action);
}

/** Throws InvalidIncidentTransitionError naming the current status and the action. */
export function checkIncidentAction(status: IncidentStatus, action: IncidentAction, priority: string): void {
  if (!canApplyIncidentAction(status, action)) throw new InvalidIncidentTransitionError(status, action);
  if (action === 'close' && status === 'resolved' && requiresPostIncidentReview(priority)) {
    throw new InvalidIncidentTransitionError(status, action, `a ${priority} needs a post-incident review before it can be closed`);
  }
}

/** Status after `action`. */
export function applyIncidentAction(status: IncidentStatus, action: IncidentAction, priority: string): IncidentStatus {
  checkIncidentAction(status, action, priority);
  switch (action) {
    case 'acknowledge':
      return 'acknowledged';
    case 'mitigate':
      return 'mitigated';
    case 'resolve':
      return 'resolved';
    case 'review':
      return 'review_pending';
    case 'close':
      return 'closed';
    case 'note':
    case 'priority':
    case 'link_ticket':
      return status;
  }
}

// ── Post-incident review ───────────────────────────────────────────────────────────────────────

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** The root-cause categories of 001_…txt's feedback loop. */
export const ROOT_CAUSE_CATEGORIES = ['product_bug', 'documentation_gap', 'usability', 'infrastructure', 'third_party'] as const;

export const postIncidentReviewSchema = z
  .object({
    summary: z.string().trim().min(1).max(10_000),
    rootCauseCategory: z.enum(ROOT_CAUSE_CATEGORIES),
    /** Minutes customers were affected, and how many. */
    impact: z.object({ minutes: z.number().int().nonnegative(), affectedUsers: z.number().int().nonnegative() }).strict(),
    correctiveActions: z
      .array(z.object({ action: z.string().trim().min(1), owner: z.string().trim().min(1), due: isoDate }).strict())
      .min(1, 'at least one corrective action'),
    /** Estimated cost of the incident (credits, lost revenue), in minor units. */
    costImpact: z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code') }).strict(),
  })
  .strict();

export type PostIncidentReview = z.infer<typeof postIncidentReviewSchema>;

/**
 * The same rules as postIncidentReviewSchema without zod, for workflow validators (the workflow
 * bundle carries no zod: see src/worker/inert-zod.ts). The first problem, with its field path.
 */
export function reviewProblem(review: PostIncidentReview): { field: string; message: string } | null {
  const text = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
  const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!text(review.summary, 10_000)) return { field: 'summary', message: 'a summary of 1–10000 characters' };
  if (!(ROOT_CAUSE_CATEGORIES as readonly string[]).includes(review.rootCauseCategory)) return { field: 'rootCauseCategory', message: `one of ${ROOT_CAUSE_CATEGORIES.join(', ')}` };
  if (!review.impact || !count(review.impact.minutes)) return { field: 'impact.minutes', message: 'a whole number of minutes, 0 or more' };
  if (!count(review.impact.affectedUsers)) return { field: 'impact.affectedUsers', message: 'a whole number, 0 or more' };
  if (!Array.isArray(review.correctiveActions) || review.correctiveActions.length === 0) return { field: 'correctiveActions', message: 'at least one corrective action' };
  for (const [i, a] of review.correctiveActions.entries()) {
    if (!text(a.action, 2_000)) return { field: `correctiveActions.${i}.action`, message: 'required' };
    if (!text(a.owner, 200)) return { field: `correctiveActions.${i}.owner`, message: 'required' };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(a.due)) return { field: `correctiveActions.${i}.due`, message: 'YYYY-MM-DD' };
  }
  if (!review.costImpact || !count(review.costImpact.amountMinor)) return { field: 'costImpact.amountMinor', message: 'a whole number of minor units, 0 or more' };
  if (!/^[A-Z]{3}$/.test(review.costImpact.currency)) return { field: 'costImpact.currency', message: 'ISO 4217 code' };
  return null;
}
