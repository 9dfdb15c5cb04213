import { entitlementAtIntake, entitlementLater, entryPlan, planCatalogue } from '../../src/domain/customer/entitlement';
import { PolicyRegistry } from '../../src/config/policy-registry';

const packs = PolicyRegistry.fromDirectory('policies');
const vivtone = planCatalogue(packs.find('vivtone')!);
const uoozee = planCatalogue(packs.find('uoozee')!);
const crm = (plan: string | null, brand: string | null = 'vivtone') => ({ outcome: 'found' as const, profile: { brand, plan, tier: 'strategic', region: 'eu-west', contract: 'C-1', enterprise: plan === 'enterprise', source: 'hubspot' } });

describe('the plan a ticket opens on (issue 16)', () => {
  it("takes the CRM's plan and records a contradicted claim as corrected", () => {
    const d = entitlementAtIntake(vivtone, 'phone', 'basic', crm('enterprise'));
    expect(d).toEqual({ ok: true, plan: 'enterprise', entitlement: { status: 'corrected', claimedPlan: 'basic', source: 'hubspot', tier: 'strategic', region: 'eu-west', contract: 'C-1', enterprise: true } });
  });

  it('is verified when the claim matches, or when nothing was claimed', () => {
    expect(entitlementAtIntake(vivtone, 'email', 'pro', crm('pro'))).toMatchObject({ ok: true, plan: 'pro', entitlement: { status: 'verified', claimedPlan: 'pro' } });
    expect(entitlementAtIntake(vivtone, 'email', null, crm('pro'))).toMatchObject({ ok: true, plan: 'pro', entitlement: { status: 'verified', claimedPlan: null } });
  });

  it("keeps the request's plan for a customer the CRM does not know, or whose plan the pack does not sell", () => {
    expect(entitlementAtIntake(vivtone, 'email', 'pro', { outcome: 'unknown' })).toMatchObject({ ok: true, plan: 'pro', entitlement: { status: 'unconfirmed', source: null } });
    expect(entitlementAtIntake(vivtone, 'email', 'pro', crm('platinum'))).toMatchObject({ ok: true, plan: 'pro', entitlement: { status: 'unconfirmed', source: 'hubspot' } });
  });

  it("opens on the brand's entry plan for the channel when the CRM does not answer", () => {
    expect(entryPlan(vivtone, 'email')).toBe('basic');
    expect(entryPlan(vivtone, 'phone')).toBe('pro');
    expect(entitlementAtIntake(vivtone, 'phone', 'enterprise', { outcome: 'unavailable', reason: 'timeout' })).toMatchObject({
      ok: true,
      plan: 'pro',
      entitlement: { status: 'unverified', claimedPlan: 'enterprise', source: null, reason: 'timeout' },
    });
    // A brand without plans has nothing to default: no plan, still unverified (the CRM's facts are not in).
    expect(entitlementAtIntake(uoozee, 'email', null, { outcome: 'unavailable', reason: 'down' })).toMatchObject({ ok: true, plan: null, entitlement: { status: 'unverified' } });
  });

  it('refuses a customer the CRM places at another brand, naming customerRef', () => {
    expect(entitlementAtIntake(vivtone, 'email', null, crm('pro', 'uoozee'))).toEqual({ ok: false, field: 'customerRef', message: 'the CRM has this customer at brand uoozee, not vivtone' });
  });

  it("never gives a plan to a brand without plans, whatever the CRM holds", () => {
    expect(entitlementAtIntake(uoozee, 'email', null, crm('enterprise', 'uoozee'))).toMatchObject({ ok: true, plan: null, entitlement: { status: 'verified' } });
  });

  describe('later, for an unverified ticket', () => {
    it("moves to the CRM's plan", () => {
      expect(entitlementLater(vivtone, 'phone', 'basic', 'pro', crm('enterprise'))).toMatchObject({ plan: 'enterprise', entitlement: { status: 'corrected' } });
    });

    it('keeps the plan it opened on for an unknown customer unless its claim is a plan the pack sells', () => {
      expect(entitlementLater(vivtone, 'phone', null, 'pro', { outcome: 'unknown' })).toMatchObject({ plan: 'pro', entitlement: { status: 'unconfirmed' } });
      expect(entitlementLater(vivtone, 'phone', 'enterprise', 'pro', { outcome: 'unknown' })).toMatchObject({ plan: 'enterprise', entitlement: { status: 'unconfirmed' } });
    });

    it('cannot refuse an open ticket of another brand: it stays, unconfirmed, saying why', () => {
      expect(entitlementLater(vivtone, 'email', null, 'basic', crm('pro', 'uoozee'))).toMatchObject({ plan: 'basic', entitlement: { status: 'unconfirmed', reason: 'the CRM has this customer at brand uoozee, not vivtone' } });
    });
  });
});
