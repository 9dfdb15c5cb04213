import type { PolicyPack } from '../policy/policy.schema';
import { PolicyFieldError, toBusinessCalendar } from '../policy/ticket-policy';
import { ALWAYS_OPEN, BusinessCalendar } from '../sla/calendar';
import { parseDuration } from '../sla/duration';
import type { DisputePolicy } from './dispute';
import type { DunningPolicy } from './dunning';
import { RefundPolicy, settlementDeadlines } from './refund';

/** The brand's billing rules, resolved to numbers and pinned into a billing case's workflow input. */
export interface BillingPolicy {
  brand: string;
  version: string;
  calendar: BusinessCalendar;
  refunds: RefundPolicy;
  offerRetention: boolean;
  settlementPollEveryMs: number;
  /** Test packs: wall-clock settlement windows instead of business days. */
  settlementClock: { warnAfterMs: number; breachAfterMs: number } | null;
  disputes: DisputePolicy;
  dunning: DunningPolicy;
}

export function pinBillingPolicy(pack: PolicyPack): BillingPolicy {
  const billing = pack.billing;
  if (!billing) throw new PolicyFieldError('brand', `${pack.brand} has no billing policy`);
  return {
    brand: pack.brand,
    version: pack.version,
    calendar: billing.calendar === '24x7' ? ALWAYS_OPEN : toBusinessCalendar(pack.calendars[billing.calendar] ?? '24x7'),
    refunds: billing.refunds,
    offerRetention: billing.offerRetention,
    settlementPollEveryMs: parseDuration(billing.settlementPollEvery),
    settlementClock: billing.settlementClock
      ? { warnAfterMs: parseDuration(billing.settlementClock.warnAfter), breachAfterMs: parseDuration(billing.settlementClock.breachAfter) }
      : null,
    disputes: billing.disputes,
    dunning: billing.dunning,
  };
}

/** When a refund requested at `requestedAt` is at risk (day 4) and in breach (day 7). */
export function settlementWindow(policy: BillingPolicy, requestedAt: number): { warnAt: number; breachAt: number } {
  if (policy.settlementClock) return { warnAt: requestedAt + policy.settlementClock.warnAfterMs, breachAt: requestedAt + policy.settlementClock.breachAfterMs };
  return settlementDeadlines(requestedAt, policy.calendar, policy.refunds);
}
