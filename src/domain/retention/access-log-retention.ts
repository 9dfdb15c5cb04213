import { DEFAULT_RETENTION, RetentionPolicy } from './retention';

/**
 * How long the access log (who saw which case, when) is kept, in calendar months. An access entry
 * is the evidence of who saw a case's data, so it must outlive every case it can be about: by
 * default the longest retention any brand or contract keeps a case (36 months for an enterprise
 * contract); ACCESS_LOG_RETENTION_MONTHS may lengthen it, never shorten it. The database keeps a
 * floor of its own (purge_access_log refuses a cutoff within 12 months).
 */
export const ACCESS_LOG_MIN_MONTHS = 12;

/** The longest any case is kept: every brand's default and every contract's plan. */
export function longestCaseRetentionMonths(policies: readonly RetentionPolicy[]): number {
  const all = policies.length === 0 ? [DEFAULT_RETENTION] : policies;
  return Math.max(ACCESS_LOG_MIN_MONTHS, ...all.flatMap((p) => [p.defaultMonths, ...Object.values(p.plans)]));
}

/**
 * Why a configured retention is refused, or null when it is acceptable (unset: the default
 * applies). Checked at boot (config.schema.ts) so a too-short setting stops the process.
 */
export function accessLogRetentionProblem(policies: readonly RetentionPolicy[], configured: number | undefined): string | null {
  if (configured === undefined) return null;
  const longest = longestCaseRetentionMonths(policies);
  if (configured >= longest) return null;
  return `${configured} months is shorter than the longest case retention in the policy packs (${longest} months): an access entry must outlive the case data it is about`;
}

/**
 * The months the purge applies. A pack edited after boot can make the setting too short; the
 * purge then keeps the longer period (it never deletes evidence early) rather than failing.
 */
export function accessLogRetentionMonths(policies: readonly RetentionPolicy[], configured: number | undefined): number {
  return Math.max(configured ?? 0, longestCaseRetentionMonths(policies));
}
