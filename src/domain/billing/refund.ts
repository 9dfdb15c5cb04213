import { z } from 'zod';
import type { BusinessCalendar } from '../sla/calendar';
import { isDuration, parseDuration } from '../sla/duration';
import { CaseTransitionError } from '../case-transition';
import { addBusinessDays } from './business-days';

/**
 * Refund rules from the billing policy: a full refund within the annual plan's refund window, a
 * pro-rata refund for cancellations, nothing otherwise; and the clocks and states of a refund
 * case. Pure; money is in integer minor units (cents, pence) and every instant is epoch ms passed
 * in by the caller, so the refund workflow can run these rules.
 */

export const PLAN_INTERVALS = ['month', 'year'] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];

export const REFUND_REASONS = ['cancellation', 'annual_within_window', 'duplicate_charge', 'service_failure', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export interface RefundCase {
  plan: { interval: PlanInterval; priceMinor: number; currency: string };
  /** When the current term was bought (for a renewed annual plan: the renewal charge). */
  purchasedAt: number;
  /** The paid period the refund is measured against. */
  currentPeriod: { start: number; end: number };
  reason: RefundReason;
}

export type RefundKind = 'full' | 'pro_rata' | 'none';

export interface RefundEligibility {
  kind: RefundKind;
  amountMinor: number;
  currency: string;
  /** For the agent and the audit trail: which rule applied, with its inputs. */
  rule: string;
  inputs: {
    interval: PlanInterval;
    priceMinor: number;
    reason: RefundReason;
    purchasedAt: number;
    now: number;
    sincePurchaseMs: number;
    annualWindowMs: number;
    periodStart: number;
    periodEnd: number;
    periodMs: number;
    unusedMs: number;
  };
}

export interface RefundPolicy {
  /** Annual plans: a full refund this many days (× 24 h) after purchase, inclusive. */
  annualFullRefundDays: number;
  /** Settlement "at risk" after this many business days (the seed promises 5–7). */
  settlementWarnBusinessDays: number;
  settlementBreachBusinessDays: number;
  /** How long a retention offer stays open before the cancellation goes ahead. */
  retentionOfferWindowMs: number;
  /** How long we wait for the customer to confirm their identity. */
  identityTimeoutMs: number;
}

export class RefundInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'RefundInputError';
  }
}

const DAY = 86_400_000;

export function refundEligibility(input: RefundCase, policy: RefundPolicy, now: number): RefundEligibility {
  validate(input);
  const { plan, purchasedAt, currentPeriod, reason } = input;
  const periodMs = currentPeriod.end - currentPeriod.start;
  // Clamped both ways: nothing is owed for a period already over, and no more than the period
  // for one not yet started.
  const unusedMs = Math.min(periodMs, Math.max(0, currentPeriod.end - now));
  const inputs: RefundEligibility['inputs'] = {
    interval: plan.interval,
    priceMinor: plan.priceMinor,
    reason,
    purchasedAt,
    now,
    sincePurchaseMs: now - purchasedAt,
    annualWindowMs: policy.annualFullRefundDays * DAY,
    periodStart: currentPeriod.start,
    periodEnd: currentPeriod.end,
    periodMs,
    unusedMs,
  };
  const money = (n: number) => `${n} ${plan.currency} (minor units)`;
  const result = (kind: RefundKind, amountMinor: number, rule: string): RefundEligibility => ({ kind, amountMinor, currency: plan.currency, rule, inputs });

  // Whatever the stated reason: an annual plan inside its window is always refunded in full.
  if (plan.interval === 'year' && inputs.sincePurchaseMs <= inputs.annualWindowMs) {
    return result(
      'full',
      plan.priceMinor,
      `annual ${policy.annualFullRefundDays}-day refund window: purchased ${iso(purchasedAt)}, ${days(inputs.sincePurchaseMs)} days before ${iso(now)} → full refund of ${money(plan.priceMinor)}`,
    );
  }
  if (reason === 'cancellation') {
    const amount = proRataMinor(plan.priceMinor, unusedMs, periodMs);
    const rule = `pro-rata cancellation refund: floor(${plan.priceMinor} × ${unusedMs} ms unused / ${periodMs} ms period ${iso(currentPeriod.start)}–${iso(currentPeriod.end)}, at ${iso(now)}) = ${money(amount)}`;
    return amount > 0 ? result('pro_rata', amount, rule) : result('none', 0, `${rule}: the period is used up, nothing to refund`);
  }
  if (reason === 'annual_within_window') {
    const why =
      plan.interval === 'year'
        ? `purchased ${iso(purchasedAt)}, ${days(inputs.sincePurchaseMs)} days before ${iso(now)}: outside the ${policy.annualFullRefundDays}-day window`
        : 'the refund window applies to annual plans only';
    return result('none', 0, `no automatic refund: ${why}; a cancellation would be refunded pro rata`);
  }
  // Duplicate charges and service failures are real grounds, but need a person to check them.
  return result('none', 0, `no automatic refund for reason "${reason}" outside the annual window: route to an agent for review`);
}

/** floor(price × unused / period) in BigInt: exact for any safe-integer price, no float drift. */
export function proRataMinor(priceMinor: number, unusedMs: number, periodMs: number): number {
  if (periodMs <= 0) throw new RefundInputError('periodMs', 'must be positive');
  const unused = BigInt(Math.min(periodMs, Math.max(0, Math.trunc(unusedMs))));
  return Number((BigInt(priceMinor) * unused) / BigInt(periodMs));
}

function validate(input: RefundCase): void {
  const { plan, currentPeriod } = input;
  if (!Number.isSafeInteger(plan.priceMinor) || plan.priceMinor < 0) throw new RefundInputError('plan.priceMinor', 'must be a whole number of minor units >= 0');
  if (!/^[A-Za-z]{3}$/.test(plan.currency)) throw new RefundInputError('plan.currency', 'must be a three-letter ISO code');
  for (const [field, t] of [['purchasedAt', input.purchasedAt], ['currentPeriod.start', currentPeriod.start], ['currentPeriod.end', currentPeriod.end]] as const) {
    if (!Number.isSafeInteger(t)) throw new RefundInputError(field, 'must be an instant in epoch ms');
  }
  if (currentPeriod.end <= currentPeriod.start) throw new RefundInputError('currentPeriod', 'must end after it starts');
}

const iso = (t: number) => new Date(t).toISOString();
const days = (ms: number) => (ms / DAY).toFixed(2);

// ── Policy as written in a policy pack ─────────────────────────────────────────────────────────

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

/**
 * The `refunds:` block of a policy pack. The refund window and settlement days come from the
 * billing seed ("14-day refund window", "refunds within 5–7 business days"); the retention and
 * identity waits are our own operating choices, hence the defaults are only defaults.
 */
export const refundPolicySchema = z
  .object({
    annualFullRefundDays: z.number().int().min(0).default(14),
    settlementWarnBusinessDays: z.number().int().min(1).default(4),
    settlementBreachBusinessDays: z.number().int().min(1).default(7),
    retentionOfferWindow: duration.default('48h'),
    identityTimeout: duration.default('72h'),
  })
  .strict()
  .refine((p) => p.settlementWarnBusinessDays < p.settlementBreachBusinessDays, {
    path: ['settlementWarnBusinessDays'],
    message: 'must be fewer days than settlementBreachBusinessDays',
  })
  .transform(
    (p): RefundPolicy => ({
      annualFullRefundDays: p.annualFullRefundDays,
      settlementWarnBusinessDays: p.settlementWarnBusinessDays,
      settlementBreachBusinessDays: p.settlementBreachBusinessDays,
      retentionOfferWindowMs: parseDuration(p.retentionOfferWindow),
      identityTimeoutMs: parseDuration(p.identityTimeout),
    }),
  );

export type RefundPolicyInput = z.input<typeof refundPolicySchema>;

export const DEFAULT_REFUND_POLICY: RefundPolicy = refundPolicySchema.parse({});

// ── Settlement clock ───────────────────────────────────────────────────────────────────────────

/** When a requested refund is at risk of, and then in breach of, "within 5–7 business days". */
export function settlementDeadlines(requestedAt: number, calendar: BusinessCalendar, policy: RefundPolicy): { warnAt: number; breachAt: number } {
  return {
    warnAt: addBusinessDays(calendar, requestedAt, policy.settlementWarnBusinessDays),
    breachAt: addBusinessDays(calendar, requestedAt, policy.settlementBreachBusinessDays),
  };
}

// ── Refund case states ─────────────────────────────────────────────────────────────────────────

/**
 *   identity_pending ─confirm_identity─▶ eligibility ─offer_retention─▶ retention_offered ─accept_offer─▶ retained
 *          │                                 └─skip_retention─┐             │ decline_offer / offer_expired
 *   identity_timeout ▶ failed                                  ▼             ▼
 *                                                     cancelling ◀──────────┘
 *                       nothing_to_refund ▶ settled ◀──┤ subscription_cancelled
 *                                                      ▼
 *            refund_requested ─refund_pending─▶ settling ─refund_succeeded─▶ settled
 *                   └──────refund_succeeded / refund_failed──────┴─refund_failed─▶ failed
 *
 * `escalate` (to manual_remediation) is allowed from every state that is not final: a breached
 * settlement clock, a dispute opened meanwhile, or a failed refund all need a person.
 */
export const REFUND_STATES = [
  'identity_pending',
  'eligibility',
  'retention_offered',
  'cancelling',
  'refund_requested',
  'settling',
  'settled',
  'failed',
  'retained',
  'manual_remediation',
] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_ACTIONS = [
  'confirm_identity',
  'identity_timeout',
  'offer_retention',
  'skip_retention',
  'accept_offer',
  'decline_offer',
  'offer_expired',
  'subscription_cancelled',
  'nothing_to_refund',
  'refund_pending',
  'refund_succeeded',
  'refund_failed',
  'escalate',
] as const;
export type RefundAction = (typeof REFUND_ACTIONS)[number];

const NEXT: Record<RefundState, Partial<Record<RefundAction, RefundState>>> = {
  identity_pending: { confirm_identity: 'eligibility', identity_timeout: 'failed', escalate: 'manual_remediation' },
  eligibility: { offer_retention: 'retention_offered', skip_retention: 'cancelling', escalate: 'manual_remediation' },
  retention_offered: { accept_offer: 'retained', decline_offer: 'cancelling', offer_expired: 'cancelling', escalate: 'manual_remediation' },
  cancelling: { subscription_cancelled: 'refund_requested', nothing_to_refund: 'settled', escalate: 'manual_remediation' },
  // A refund can come back already succeeded (cards usually answer "pending" first).
  refund_requested: { refund_pending: 'settling', refund_succeeded: 'settled', refund_failed: 'failed', escalate: 'manual_remediation' },
  settling: { refund_succeeded: 'settled', refund_failed: 'failed', escalate: 'manual_remediation' },
  // Money did not reach the customer: someone has to fix it.
  failed: { escalate: 'manual_remediation' },
  settled: {},
  retained: {},
  manual_remediation: {},
};

export class InvalidRefundTransitionError extends CaseTransitionError {
  constructor(
    override readonly state: RefundState,
    override readonly action: RefundAction,
  ) {
    super(state, action, `cannot ${action.replace(/_/g, ' ')} a refund case that is ${state.replace(/_/g, ' ')}`);
    this.name = 'InvalidRefundTransitionError';
  }
}

export function canApplyRefundAction(state: RefundState, action: RefundAction): boolean {
  return NEXT[state][action] !== undefined;
}

/** Throws InvalidRefundTransitionError naming the current state; otherwise returns the next one. */
export function checkRefundAction(state: RefundState, action: RefundAction): RefundState {
  const next = NEXT[state][action];
  if (next === undefined) throw new InvalidRefundTransitionError(state, action);
  return next;
}

export function isFinalRefundState(state: RefundState): boolean {
  return Object.keys(NEXT[state]).length === 0;
}

/** One refund per case: a retried activity, or a second request for the same case, replays. */
export function refundIdempotencyKey(caseId: string): string {
  return `refund:${caseId}`;
}
