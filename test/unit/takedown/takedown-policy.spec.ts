import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { restoreWindow, RESTORE_MAX_BUSINESS_DAYS, RESTORE_MIN_BUSINESS_DAYS, takedownPolicySchema } from '../../../src/domain/takedown/deadlines';
import { pinTakedownCasePolicy } from '../../../src/domain/takedown/takedown-policy';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import { DAY, HOUR, POLICY_INPUT } from './fixtures';

const root = resolve(__dirname, '..', '..', '..');
const shipped = PolicyRegistry.fromDirectory(resolve(root, 'policies'));
const fixtures = PolicyRegistry.fromDirectory(resolve(root, 'test', 'fixtures', 'policies'));

describe('the takedowns section of a policy pack', () => {
  it('uoozee ships real clocks: 24 h / 48 h / 7 d decisions (DSA safety 12 h), 14 d to complete a notice, 6-month complaints', () => {
    const p = pinTakedownCasePolicy(shipped.find('uoozee')!);
    expect(p.escalateTo).toBe('legal-lead');
    expect(p.regimeConfig).toEqual({ defaultRegime: 'platform_terms' });
    expect(p.clocks.decideWithinMs.dmca).toEqual({ safety: 24 * HOUR, trusted: 48 * HOUR, standard: 7 * DAY });
    expect(p.clocks.decideWithinMs.dsa.safety).toBe(12 * HOUR);
    expect(p.clocks.needsInfoWaitMs).toBe(14 * DAY);
    expect(p.clocks.complaintWindowMonths).toBe(6);
    expect(p.clocks.businessDayMs).toBe(8 * HOUR);
    expect(p.clocks.restoreClockMs).toBeUndefined();
    // Thanksgiving 2026 is a federal holiday: a counter-notice on Wed 2026-11-25 12:00 New York
    // restores 10 business days later, skipping the Thursday and the weekends.
    const w = restoreWindow(p.clocks, Date.UTC(2026, 10, 25, 17));
    expect(new Date(w.notBefore).toISOString()).toBe('2026-12-10T17:00:00.000Z');
  });

  it('the test pack compresses every clock to seconds, the §512(g) window included', () => {
    const p = pinTakedownCasePolicy(fixtures.find('uoozee')!);
    expect(p.clocks.decideWithinMs.platform_terms).toEqual({ safety: 3_000, trusted: 6_000, standard: 20_000 });
    expect(p.clocks.needsInfoWaitMs).toBe(3_000);
    expect(restoreWindow(p.clocks, 1_000)).toEqual({ notBefore: 4_000, notAfter: 6_000 });
  });

  it('a brand without the section has no takedown policy', () => {
    expect(() => pinTakedownCasePolicy(fixtures.find('vivtone')!)).toThrow(/no takedown policy/);
  });

  it('refuses a pack without a legal lead, and a restore clock that ends before it starts', () => {
    const pack = { ...shipped.find('uoozee')!, takedowns: { clocks: POLICY_INPUT } };
    const missingLead = policyPackSchema.safeParse(pack);
    expect(missingLead.success).toBe(false);
    expect(missingLead.error!.issues.map((i) => i.path.join('.'))).toContain('takedowns.escalateTo');
    const inverted = takedownPolicySchema.safeParse({ ...POLICY_INPUT, restoreClock: { notBefore: '5s', notAfter: '3s' } });
    expect(inverted.success).toBe(false);
    expect(inverted.error!.issues[0].path).toEqual(['restoreClock']);
  });

  it('the statute, not the pack, fixes the §512(g) bounds', () => {
    expect([RESTORE_MIN_BUSINESS_DAYS, RESTORE_MAX_BUSINESS_DAYS]).toEqual([10, 14]);
  });
});
