/**
 * Which support plan a ticket lives by (issue 16): the CRM's word, not the request's. Pure, so the
 * API (at intake) and the workflow (re-resolving an unverified ticket) apply one rule.
 */

/** What a brand's pack says about plans, as this rule needs it: the plans in the pack's order, and the channels each covers. */
export interface PlanCatalogue {
  brand: string;
  plans: { id: string; channels: readonly string[] }[];
}

/** The entitlement the CRM gave (the fields of its profile the rule reads). */
export interface CrmEntitlement {
  /** The brand the customer is a customer of, when the CRM says. */
  brand: string | null;
  /** The support plan bought (vivtone: basic, pro, enterprise); null for brands without plans. */
  plan: string | null;
  tier: string | null;
  region: string | null;
  /** The contract's reference, when there is one. */
  contract: string | null;
  enterprise: boolean;
  /** The CRM that answered: 'hubspot', 'built-in'. */
  source: string;
}

export type LookupOutcome = { outcome: 'found'; profile: CrmEntitlement } | { outcome: 'unknown' } | { outcome: 'unavailable'; reason: string };

/**
 * - `verified`: the CRM knows the customer and the plan is its.
 * - `corrected`: as verified, and the request had claimed another plan (kept as `claimedPlan`).
 * - `unconfirmed`: the CRM answered but knows no such customer (or no plan for one): the request's plan stands.
 * - `unverified`: the CRM did not answer in time: the brand's entry plan for the channel until it does.
 */
export const ENTITLEMENT_STATUSES = ['verified', 'corrected', 'unconfirmed', 'unverified'] as const;
export type EntitlementStatus = (typeof ENTITLEMENT_STATUSES)[number];

export interface TicketEntitlement {
  status: EntitlementStatus;
  /** The plan the request named, when it named one. */
  claimedPlan: string | null;
  /** Where the answer came from ('hubspot', 'built-in'); null while unverified. */
  source: string | null;
  tier: string | null;
  region: string | null;
  contract: string | null;
  enterprise: boolean;
  /** Why the CRM could not be asked (unverified only); no personal data. */
  reason?: string;
}

export type EntitlementDecision = { ok: true; plan: string | null; entitlement: TicketEntitlement } | { ok: false; field: 'customerRef' | 'plan' | 'channel'; message: string };

const NOTHING_KNOWN = { tier: null, region: null, contract: null, enterprise: false } as const;

/**
 * The plan a new ticket opens on and what the CRM said. A brand without plans never gets one
 * (whatever the CRM holds). A customer the CRM places at another brand is refused: their ticket
 * would run on the wrong contract.
 */
export function entitlementAtIntake(catalogue: PlanCatalogue, channel: string, claimedPlan: string | null, lookup: LookupOutcome): EntitlementDecision {
  const hasPlans = catalogue.plans.length > 0;
  if (lookup.outcome === 'unavailable') {
    const entry = entryPlan(catalogue, channel);
    if (hasPlans && entry === null) return { ok: false, field: 'channel', message: `no ${catalogue.brand} plan includes ${channel}` };
    return { ok: true, plan: entry, entitlement: { status: 'unverified', claimedPlan, source: null, ...NOTHING_KNOWN, reason: lookup.reason } };
  }
  if (lookup.outcome === 'unknown') {
    return { ok: true, plan: claimedPlan, entitlement: { status: 'unconfirmed', claimedPlan, source: null, ...NOTHING_KNOWN } };
  }
  const { profile } = lookup;
  if (profile.brand !== null && profile.brand !== catalogue.brand) {
    return { ok: false, field: 'customerRef', message: `the CRM has this customer at brand ${profile.brand}, not ${catalogue.brand}` };
  }
  const facts = { source: profile.source, tier: profile.tier, region: profile.region, contract: profile.contract, enterprise: profile.enterprise };
  const crmPlan = hasPlans && profile.plan !== null && catalogue.plans.some((p) => p.id === profile.plan) ? profile.plan : null;
  if (!hasPlans) return { ok: true, plan: claimedPlan, entitlement: { status: 'verified', claimedPlan, ...facts } };
  // A plan the pack does not sell (a CRM typo, a retired plan): the CRM cannot confirm the claim.
  if (crmPlan === null) return { ok: true, plan: claimedPlan, entitlement: { status: 'unconfirmed', claimedPlan, ...facts } };
  const status = claimedPlan !== null && claimedPlan !== crmPlan ? 'corrected' : 'verified';
  return { ok: true, plan: crmPlan, entitlement: { status, claimedPlan, ...facts } };
}

/** The brand's entry plan for a channel: the first plan, in the pack's order (least first), that covers it. */
export function entryPlan(catalogue: PlanCatalogue, channel: string): string | null {
  return catalogue.plans.find((p) => p.channels.includes(channel))?.id ?? null;
}

/**
 * An unverified ticket once the CRM answers: the same rule, with the plan the ticket opened on
 * in place of nothing. A customer at another brand cannot be refused any more (the ticket is
 * open): it stays on its plan and the answer is recorded as unconfirmed.
 */
export function entitlementLater(catalogue: PlanCatalogue, channel: string, claimedPlan: string | null, currentPlan: string | null, lookup: Exclude<LookupOutcome, { outcome: 'unavailable' }>): { plan: string | null; entitlement: TicketEntitlement } {
  const decided = entitlementAtIntake(catalogue, channel, claimedPlan, lookup);
  if (!decided.ok) return { plan: currentPlan, entitlement: { status: 'unconfirmed', claimedPlan, source: null, ...NOTHING_KNOWN, reason: decided.message } };
  // Unknown to the CRM: the claim stands if the pack sells it, else the plan it opened on.
  const plan = decided.plan !== null && catalogue.plans.some((p) => p.id === decided.plan) ? decided.plan : currentPlan;
  return { plan, entitlement: decided.entitlement };
}

/** A pack's plans as the rule reads them (PolicyPack['plans'], in the pack's order). */
export function planCatalogue(pack: { brand: string; plans: Record<string, { channels: readonly string[] }> }): PlanCatalogue {
  return { brand: pack.brand, plans: Object.entries(pack.plans).map(([id, p]) => ({ id, channels: p.channels })) };
}
