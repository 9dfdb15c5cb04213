import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { breachEscalationTarget, pinIncidentPolicy } from '../../../src/domain/incident/incident-policy';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';

const shipped = (brand: string): Record<string, any> => parseYaml(readFileSync(resolve(__dirname, '..', '..', '..', 'policies', `${brand}.yaml`), 'utf8'));

describe('incidents.breachEscalateTo (who hears of a missed acknowledgement or mitigation)', () => {
  it('comes from the pack', () => {
    expect(pinIncidentPolicy(policyPackSchema.parse(shipped('uoozee'))).breachEscalateTo).toBe('sre-manager');
    expect(pinIncidentPolicy(policyPackSchema.parse(shipped('vivtone'))).breachEscalateTo).toBe('support-manager');
  });

  it("defaults to the review's manager when the pack names nobody", () => {
    const raw = shipped('uoozee');
    delete raw.incidents.breachEscalateTo;
    expect(pinIncidentPolicy(policyPackSchema.parse(raw)).breachEscalateTo).toBe('incident-manager');
  });

  it('refuses an empty target, naming the field', () => {
    const raw = shipped('uoozee');
    raw.incidents.breachEscalateTo = '  ';
    const parsed = policyPackSchema.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain('incidents.breachEscalateTo');
  });

  it('an input pinned before the field existed falls back to the review manager', () => {
    const pinned = pinIncidentPolicy(policyPackSchema.parse(shipped('uoozee')));
    const { breachEscalateTo: _dropped, ...old } = pinned;
    expect(breachEscalationTarget(old)).toBe('incident-manager');
    expect(breachEscalationTarget(pinned)).toBe('sre-manager');
  });
});
