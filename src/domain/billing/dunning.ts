import { z } from 'zod';
import { isDuration, parseDuration } from '../sla/duration';
import { CaseTransitionError } from '../case-transition';
import { IdentityConfirmation, requireConfirmedIdentity } from './identity';

/**
 * Dunning after a failed renewal: what happens when, counted from the failure. Ask for a new
 * card first, then try to keep the customer, then warn, then cancel. Pure.
 */
export const DUNNING_KINDS = ['notify_update_card', 'retention_offer', 'final_notice', 'cancel'] as const;
export type DunningKind = (typeof DUNNING_KINDS)[number];

export interface DunningPolicy {
  /** Offsets from the failed payment, strictly increasing; the last and only `cancel` ends it. */
  steps: Array<{ afterMs: number; kind: DunningKind }>;
}

export interface DunningAttempt {
  /** 1-based, in schedule order. */
  attempt: number;
  at: number;
  kind: DunningKind;
}

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

/** The `dunning:` block of a policy pack. */
export const dunningPolicySchema = z
  .object({
    steps: z
      .array(z.object({ after: duration, kind: z.enum(DUNNING_KINDS) }).strict())
      .min(1)
      .default([
        { after: '1d', kind: 'notify_update_card' },
        { after: '3d', kind: 'retention_offer' },
        { after: '5d', kind: 'final_notice' },
        { after: '7d', kind: 'cancel' },
      ]),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (let i = 1; i < p.steps.length; i++) {
      if (parseDuration(p.steps[i].after) <= parseDuration(p.steps[i - 1].after)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'after'], message: 'must come after the previous step' });
      }
    }
    const cancels = p.steps.filter((s) => s.kind === 'cancel').length;
    if (cancels !== 1 || p.steps[p.steps.length - 1].kind !== 'cancel') {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'exactly one cancel step, and it must be the last' });
    }
  })
  .transform((p): DunningPolicy => ({ steps: p.steps.map((s) => ({ afterMs: parseDuration(s.after), kind: s.kind })) }));

export type DunningPolicyInput = z.input<typeof dunningPolicySchema>;
export const DEFAULT_DUNNING_POLICY: DunningPolicy = dunningPolicySchema.parse({});

/** Every step of the schedule for a payment that failed at `failedAt`, in time order. */
export function dunningSchedule(failedAt: number, policy: DunningPolicy): DunningAttempt[] {
  return [...policy.steps].sort((a, b) => a.afterMs - b.afterMs).map((s, i) => ({ attempt: i + 1, at: failedAt + s.afterMs, kind: s.kind }));
}

// ── What an agent may change on a dunning case ─────────────────────────────────────────────────

/** manual_remediation: the case's record was refused (card data); a person finishes it. */
export type DunningStatus = 'dunning' | 'recovered' | 'exhausted' | 'cancelled' | 'manual_remediation';

/** Account changes an agent makes for the customer during dunning; each needs identity confirmed first. */
export const DUNNING_ACCOUNT_CHANGES = ['cancel_subscription', 'apply_retention_offer'] as const;
export type DunningAccountChange = (typeof DUNNING_ACCOUNT_CHANGES)[number];

/** Its message is the whole answer (a reason replaces the state's wording), so no separate reason is passed on. */
export class InvalidDunningActionError extends CaseTransitionError {
  constructor(
    readonly status: DunningStatus,
    override readonly action: string,
    reason?: string,
  ) {
    super(status, action, reason ?? `cannot ${action.replace(/_/g, ' ')}: the dunning case is ${status}`);
    this.name = 'InvalidDunningActionError';
  }
}

/**
 * Whether an agent may make this change now: only while dunning runs (a closed case names its
 * state), only after identity is confirmed, and an offer is applied once. Throws
 * InvalidDunningActionError or IdentityNotConfirmedError.
 */
export function checkDunningAccountChange(
  c: { status: DunningStatus; identity: IdentityConfirmation | null; offerApplied: boolean },
  action: DunningAccountChange,
): void {
  if (c.status !== 'dunning') throw new InvalidDunningActionError(c.status, action);
  requireConfirmedIdentity(c.identity, action);
  if (action === 'apply_retention_offer' && c.offerApplied) throw new InvalidDunningActionError(c.status, action, 'a retention offer is already applied to this account');
}

/** Confirming twice is refused, so the record shows who confirmed first. */
export function checkDunningIdentityConfirmation(c: { status: DunningStatus; identity: IdentityConfirmation | null }): void {
  if (c.status !== 'dunning') throw new InvalidDunningActionError(c.status, 'confirm_identity');
  if (c.identity !== null) throw new InvalidDunningActionError(c.status, 'confirm_identity', `identity already confirmed by ${c.identity.confirmedBy}`);
}
