import fc from 'fast-check';
import {
  checkRefundAction,
  DEFAULT_REFUND_POLICY,
  InvalidRefundTransitionError,
  isFinalRefundState,
  proRataMinor,
  REFUND_ACTIONS,
  RefundCase,
  refundEligibility,
  refundIdempotencyKey,
  RefundInputError,
  RefundState,
  refundPolicySchema,
} from '../../../src/domain/billing/refund';

const DAY = 86_400_000;
const purchasedAt = Date.parse('2025-03-01T12:00:00Z');
const annual: RefundCase = {
  plan: { interval: 'year', priceMinor: 11_988, currency: 'USD' },
  purchasedAt,
  currentPeriod: { start: purchasedAt, end: Date.parse('2026-03-01T12:00:00Z') },
  reason: 'cancellation',
};
const policy = DEFAULT_REFUND_POLICY;

describe('refundEligibility — annual refund window', () => {
  it('day 13 of an annual plan: full refund, naming the window and the purchase', () => {
    const r = refundEligibility(annual, policy, purchasedAt + 13 * DAY);
    expect(r).toMatchObject({ kind: 'full', amountMinor: 11_988, currency: 'USD' });
    expect(r.rule).toContain('14-day refund window');
    expect(r.rule).toContain('2025-03-01T12:00:00.000Z');
    expect(r.inputs.sincePurchaseMs).toBe(13 * DAY);
  });

  it('day 14 exactly is still inside the window (inclusive); one millisecond later it is not', () => {
    expect(refundEligibility(annual, policy, purchasedAt + 14 * DAY).kind).toBe('full');
    expect(refundEligibility(annual, policy, purchasedAt + 14 * DAY + 1).kind).toBe('pro_rata');
  });

  it('day 15: a cancellation falls back to pro rata', () => {
    const now = purchasedAt + 15 * DAY;
    const r = refundEligibility(annual, policy, now);
    expect(r.kind).toBe('pro_rata');
    const periodMs = annual.currentPeriod.end - annual.currentPeriod.start;
    expect(r.amountMinor).toBe(Math.floor((11_988 * (annual.currentPeriod.end - now)) / periodMs));
    expect(r.rule).toMatch(/^pro-rata cancellation refund/);
  });

  it('day 15 with "annual_within_window" as the reason: nothing, and says why', () => {
    const r = refundEligibility({ ...annual, reason: 'annual_within_window' }, policy, purchasedAt + 15 * DAY);
    expect(r).toMatchObject({ kind: 'none', amountMinor: 0 });
    expect(r.rule).toContain('outside the 14-day window');
  });

  it('the window follows the policy', () => {
    const strict = { ...policy, annualFullRefundDays: 7 };
    expect(refundEligibility(annual, strict, purchasedAt + 8 * DAY).kind).toBe('pro_rata');
  });

  it('a monthly plan never gets the annual window', () => {
    const monthly: RefundCase = { ...annual, plan: { interval: 'month', priceMinor: 999, currency: 'USD' }, currentPeriod: { start: purchasedAt, end: purchasedAt + 31 * DAY }, reason: 'annual_within_window' };
    expect(refundEligibility(monthly, policy, purchasedAt + DAY)).toMatchObject({ kind: 'none', amountMinor: 0 });
    expect(refundEligibility({ ...monthly, reason: 'cancellation' }, policy, purchasedAt + DAY).kind).toBe('pro_rata');
  });

  it('other reasons outside the window go to an agent, with no automatic amount', () => {
    for (const reason of ['duplicate_charge', 'service_failure', 'other'] as const) {
      const r = refundEligibility({ ...annual, reason }, policy, purchasedAt + 40 * DAY);
      expect(r).toMatchObject({ kind: 'none', amountMinor: 0 });
      expect(r.rule).toContain(reason);
    }
  });
});

describe('refundEligibility — pro rata', () => {
  const monthly = (priceMinor: number, periodMs: number): RefundCase => ({
    plan: { interval: 'month', priceMinor, currency: 'GBP' },
    purchasedAt: 0,
    currentPeriod: { start: 0, end: periodMs },
    reason: 'cancellation',
  });

  it('rounds down to the minor unit: 999 × 1/3 = 333 (not 333.33…)', () => {
    expect(refundEligibility(monthly(999, 3 * DAY), policy, 2 * DAY)).toMatchObject({ kind: 'pro_rata', amountMinor: 333 });
    expect(refundEligibility(monthly(1_000, 3 * DAY), policy, 2 * DAY).amountMinor).toBe(333);
    expect(refundEligibility(monthly(1_000, 3 * DAY), policy, DAY).amountMinor).toBe(666);
  });

  it('multiplies before dividing: 100 × 57/100 is 57, where floating point gives 56.99…', () => {
    expect(Math.floor(100 * (57 / 100))).toBe(56); // the trap
    expect(proRataMinor(100, 57, 100)).toBe(57);
  });

  it('is exact beyond 2^53: the largest safe price × 2/3', () => {
    expect(proRataMinor(Number.MAX_SAFE_INTEGER, 2, 3)).toBe(6_004_799_503_160_660);
    expect(Math.floor((Number.MAX_SAFE_INTEGER * 2) / 3)).not.toBe(6_004_799_503_160_660);
  });

  it('clamps: after the period nothing is owed, before it starts the whole price', () => {
    expect(refundEligibility(monthly(999, 30 * DAY), policy, 31 * DAY)).toMatchObject({ kind: 'none', amountMinor: 0 });
    expect(refundEligibility(monthly(999, 30 * DAY), policy, -DAY)).toMatchObject({ kind: 'pro_rata', amountMinor: 999 });
  });

  it('reports its inputs', () => {
    const r = refundEligibility(monthly(999, 30 * DAY), policy, 10 * DAY);
    expect(r.inputs).toMatchObject({ priceMinor: 999, periodMs: 30 * DAY, unusedMs: 20 * DAY, reason: 'cancellation', now: 10 * DAY });
    expect(r.amountMinor).toBe(666);
  });

  it('refuses malformed input', () => {
    expect(() => refundEligibility(monthly(9.99, DAY), policy, 0)).toThrow(RefundInputError);
    expect(() => refundEligibility(monthly(-1, DAY), policy, 0)).toThrow(RefundInputError);
    expect(() => refundEligibility({ ...monthly(999, DAY), currentPeriod: { start: 5, end: 5 } }, policy, 0)).toThrow(/currentPeriod/);
    expect(() => refundEligibility({ ...monthly(999, DAY), plan: { interval: 'month', priceMinor: 999, currency: 'pounds' } }, policy, 0)).toThrow(/currency/);
  });

  describe('properties', () => {
    const price = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    const period = fc.integer({ min: 1, max: 400 * DAY });
    const offset = fc.integer({ min: -10 * DAY, max: 410 * DAY });

    it('0 ≤ refund ≤ price', () => {
      fc.assert(
        fc.property(price, period, offset, (p, len, t) => {
          const r = refundEligibility(monthly(p, len), policy, t);
          return Number.isSafeInteger(r.amountMinor) && r.amountMinor >= 0 && r.amountMinor <= p;
        }),
      );
    });

    it('more unused time never refunds less', () => {
      fc.assert(
        fc.property(price, period, offset, offset, (p, len, a, b) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          return refundEligibility(monthly(p, len), policy, early).amountMinor >= refundEligibility(monthly(p, len), policy, late).amountMinor;
        }),
      );
    });

    it('agrees with exact rational arithmetic', () => {
      fc.assert(
        fc.property(price, period, fc.integer({ min: 0, max: 400 * DAY }), (p, len, unused) => {
          const u = Math.min(unused, len);
          const got = BigInt(proRataMinor(p, u, len));
          const num = BigInt(p) * BigInt(u);
          return got * BigInt(len) <= num && num < (got + 1n) * BigInt(len);
        }),
      );
    });
  });
});

describe('refund policy as written in a policy pack', () => {
  it('defaults to the seed: 14 days, warn at 4 and breach at 7 business days', () => {
    expect(refundPolicySchema.parse({})).toEqual({
      annualFullRefundDays: 14,
      settlementWarnBusinessDays: 4,
      settlementBreachBusinessDays: 7,
      retentionOfferWindowMs: 48 * 3_600_000,
      identityTimeoutMs: 72 * 3_600_000,
    });
  });

  it('parses durations and rejects what it does not know', () => {
    expect(refundPolicySchema.parse({ retentionOfferWindow: '1d12h', identityTimeout: '30m' })).toMatchObject({ retentionOfferWindowMs: 36 * 3_600_000, identityTimeoutMs: 1_800_000 });
    expect(refundPolicySchema.safeParse({ identityTimeout: 'soon' }).success).toBe(false);
    expect(refundPolicySchema.safeParse({ refundDays: 14 }).success).toBe(false);
    expect(refundPolicySchema.safeParse({ settlementWarnBusinessDays: 7, settlementBreachBusinessDays: 7 }).success).toBe(false);
  });
});

describe('refund case states', () => {
  it('walks the happy path to settled', () => {
    const path = ['confirm_identity', 'offer_retention', 'decline_offer', 'subscription_cancelled', 'refund_pending', 'refund_succeeded'] as const;
    let state: RefundState = 'identity_pending';
    const seen: RefundState[] = [state];
    for (const action of path) seen.push((state = checkRefundAction(state, action)));
    expect(seen).toEqual(['identity_pending', 'eligibility', 'retention_offered', 'cancelling', 'refund_requested', 'settling', 'settled']);
  });

  it('a retained customer ends the case; a failed refund can only be escalated', () => {
    expect(checkRefundAction('retention_offered', 'accept_offer')).toBe('retained');
    expect(checkRefundAction('settling', 'refund_failed')).toBe('failed');
    expect(checkRefundAction('failed', 'escalate')).toBe('manual_remediation');
    expect(checkRefundAction('identity_pending', 'identity_timeout')).toBe('failed');
  });

  it('refuses what the state does not allow, naming the state', () => {
    expect(() => checkRefundAction('identity_pending', 'subscription_cancelled')).toThrow(InvalidRefundTransitionError);
    expect(() => checkRefundAction('identity_pending', 'subscription_cancelled')).toThrow('cannot subscription cancelled a refund case that is identity pending');
    try {
      checkRefundAction('settled', 'refund_failed');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRefundTransitionError);
      expect(err).toMatchObject({ name: 'InvalidRefundTransitionError', state: 'settled', action: 'refund_failed' });
    }
  });

  it('final states accept nothing, not even escalate', () => {
    for (const state of ['settled', 'retained', 'manual_remediation'] as const) {
      expect(isFinalRefundState(state)).toBe(true);
      for (const action of REFUND_ACTIONS) expect(() => checkRefundAction(state, action)).toThrow(InvalidRefundTransitionError);
    }
    expect(isFinalRefundState('failed')).toBe(false);
  });

  it('one idempotency key per case', () => {
    expect(refundIdempotencyKey('case-2025-000042')).toBe('refund:case-2025-000042');
  });
});
