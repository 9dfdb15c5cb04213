import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { customerSuccessSchema, judgeSignal, signalKey, signalTaskBody, signalWindowStart } from '../../src/domain/customer/churn-signals';

const packs = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
const rule = (brand: string, id: string) => packs.find(brand)!.customerSuccess!.signals.find((s) => s.id === id)!;
const t = (id: string, slaBreached = false, csat: number | null = null) => ({ id, slaBreached, csat });
const none = { tickets: [], dunning: [], refunds: [] };

describe('churn and expansion signals (issue 16 §5)', () => {
  it("VIVtone's repeat tickets + low CSAT (001): needs both, and names the cases", () => {
    const r = rule('vivtone', 'repeat-tickets-low-csat');
    expect(judgeSignal(r, { ...none, tickets: [t('a'), t('b'), t('c')] })).toBeNull();
    expect(judgeSignal(r, { ...none, tickets: [t('a'), t('b', false, 2)] })).toBeNull();
    const raised = judgeSignal(r, { ...none, tickets: [t('a'), t('b', false, 2), t('c', false, 5)] });
    expect(raised).toEqual({ ruleId: 'repeat-tickets-low-csat', label: 'Repeat tickets and low CSAT', evidence: ['a', 'b', 'c'], why: ['3 ticket(s) within 30d', 'CSAT 2 (at most 2)'] });
    expect(signalTaskBody(raised!)).toBe('3 ticket(s) within 30d; CSAT 2 (at most 2). Cases: a, b, c.');
  });

  it('two SLA breaches, not one', () => {
    const r = rule('vivtone', 'repeated-sla-breaches');
    expect(judgeSignal(r, { ...none, tickets: [t('a', true), t('b')] })).toBeNull();
    expect(judgeSignal(r, { ...none, tickets: [t('a', true), t('b'), t('c', true)] })?.evidence).toEqual(['a', 'c']);
  });

  it("Uoozee: a refund on an annual plan, not a monthly one; a failed renewal", () => {
    const r = rule('uoozee', 'annual-refund');
    expect(judgeSignal(r, { ...none, refunds: [{ id: 'r1', interval: 'month' }] })).toBeNull();
    expect(judgeSignal(r, { ...none, refunds: [{ id: 'r1', interval: 'month' }, { id: 'r2', interval: 'year' }] })?.evidence).toEqual(['r2']);
    expect(judgeSignal(rule('uoozee', 'failed-renewal'), { ...none, dunning: [{ id: 'd1' }] })?.why).toEqual(['1 failed renewal(s)']);
  });

  it('one key per rule, customer and window: the same all window long, a new one in the next', () => {
    const r = rule('vivtone', 'repeated-sla-breaches');
    const start = signalWindowStart(r, Date.parse('2026-12-04T12:00:00Z'));
    expect(signalKey('vivtone', r, 'subject:ab', start)).toBe(signalKey('vivtone', r, 'subject:ab', start + 29 * 86_400_000));
    expect(signalKey('vivtone', r, 'subject:ab', start)).not.toBe(signalKey('vivtone', r, 'subject:ab', start + 30 * 86_400_000));
    expect(signalKey('vivtone', r, 'subject:ab', start)).not.toBe(signalKey('vivtone', r, 'subject:cd', start));
  });

  it('refuses a rule without a condition, and a rule named twice', () => {
    expect(customerSuccessSchema.safeParse({ signals: [{ id: 'x', label: 'X', within: '30d' }] }).success).toBe(false);
    const twice = customerSuccessSchema.safeParse({ signals: [{ id: 'x', label: 'X', within: '30d', tickets: 2 }, { id: 'x', label: 'Y', within: '7d', tickets: 3 }] });
    expect(twice.success).toBe(false);
  });
});
