import type { PolicyPack } from '../policy/policy.schema';
import { PolicyFieldError, toBusinessCalendar } from '../policy/ticket-policy';
import { kpiTargets } from '../reporting/kpi-policy';
import type { OnboardingPolicy } from './case';

/**
 * The part of a brand's pack an onboarding case lives by, pinned into the workflow's input: an
 * agent keeps the curriculum they were hired under, even if the pack changes. The AHT gate reads
 * the brand's AHT target range (kpis.targets.aht: 000 6–10 min, 001 4–6 min).
 */
export function pinOnboardingPolicy(pack: PolicyPack): OnboardingPolicy {
  const curriculum = pack.onboarding;
  if (!curriculum) throw new PolicyFieldError('brand', `${pack.brand} has no onboarding curriculum`);
  // The same reading of the pack's AHT target as the reports judge by (seconds).
  const aht = kpiTargets(pack.kpis).aht as { min?: number; max?: number } | null;
  const min = aht?.min;
  const max = aht?.max;
  return {
    brand: pack.brand,
    version: pack.version,
    curriculum,
    calendar: toBusinessCalendar(pack.calendars[curriculum.calendar]),
    aht: aht ? { minSeconds: min ?? max!, maxSeconds: max ?? min! } : null,
  };
}
