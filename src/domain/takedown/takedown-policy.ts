import type { PolicyPack } from '../policy/policy.schema';
import { PolicyFieldError } from '../policy/ticket-policy';
import { pinTakedownPolicy, TakedownPolicy } from './deadlines';
import type { RegimeConfig } from './regime';

/**
 * The part of a brand's pack a takedown case lives by, resolved to numbers and pinned into the
 * case workflow's input: a case keeps the clocks it was received under, even if the pack changes.
 */
export interface TakedownCasePolicy {
  brand: string;
  version: string;
  regimeConfig: RegimeConfig;
  clocks: TakedownPolicy;
  /** The legal lead: decision deadlines at risk or missed, safety reports, preservation reminders. */
  escalateTo: string;
  /**
   * Who is paged for a threat to life or safety (a PagerDuty target label such as
   * "rotation:legal-oncall"). Optional: cases pinned before paging existed lack it.
   */
  legalOnCall?: string;
  /** Who is paged when an "escalate to safety" decision is applied. Optional: cases pinned before it lack it. */
  safetyTeam?: string;
}

export function pinTakedownCasePolicy(pack: PolicyPack): TakedownCasePolicy {
  const takedowns = pack.takedowns;
  if (!takedowns) throw new PolicyFieldError('brand', `${pack.brand} has no takedown policy`);
  return {
    brand: pack.brand,
    version: pack.version,
    regimeConfig: takedowns.jurisdictions,
    // The pack was parsed already; parsing again resolves the durations and the calendar.
    clocks: pinTakedownPolicy(takedowns.clocks),
    escalateTo: takedowns.escalateTo,
    legalOnCall: takedowns.legalOnCall,
    safetyTeam: takedowns.safetyTeam,
  };
}
