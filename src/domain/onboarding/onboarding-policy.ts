import type { PolicyPack } from '../policy/policy.schema';
import { PolicyFieldError, toBusinessCalendar } from '../policy/ticket-policy';
import { parseDuration } from '../sla/duration';
import type { OnboardingPolicy } from './case';

/**
 * The part of a brand's pack an onboarding case lives by, pinned into the workflow's input: an
 * agent keeps the curriculum they were hired under, even if the pack changes. The AHT gate reads
 * the brand's AHT target range (kpis.targets.aht: 000 6–10 min, 001 4–6 min).
 */
export function pinOnboardingPolicy(pack: PolicyPack): OnboardingPolicy {
  const curriculum = pack.onboarding;
  if (!curriculum) throw new PolicyFieldError('brand', `${pack.brand} has no onboarding curriculum`);
  const aht = pack.kpis?.targets.aht;
  const seconds = (d: string | undefined) => (d === undefined ? undefined : parseDuration(d) / 1000);
  const min = seconds(aht?.min);
  const max = seconds(aht?.max);
  return {
    brand: pack.brand,
    version: pack.version,
    curriculum,
    calendar: toBusinessCalendar(pack.calendars[curriculum.calendar]),
    aht: aht ? { minSeconds: min ?? max!, maxSeconds: max ?? min! } : null,
  };
}
