import { z } from 'zod';
import type { TakedownNotice } from './notice';

/**
 * Which rules a notice is judged by, from the jurisdictions it claims, and whether it is complete
 * enough under each to act on. Pure: intake, the case workflow and the API ask the same functions.
 *
 *   dmca            17 U.S.C. §512 (United States)
 *   dsa             EU Digital Services Act, Regulation (EU) 2022/2065
 *   platform_terms  everything else: reviewed against our terms of service (configurable)
 */
export const REGIMES = ['dmca', 'dsa', 'platform_terms'] as const;
export type Regime = (typeof REGIMES)[number];

/** The law each regime applies, as people name it (timers, the UI's details). */
export const REGIME_LAW: Record<Regime, string> = { dmca: 'DMCA §512', dsa: 'DSA Art. 16', platform_terms: 'platform terms' };

export const EU_MEMBER_STATES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
] as const;

/** The DSA is "text with EEA relevance": Iceland, Liechtenstein and Norway follow it too. */
export const EEA_COUNTRIES: ReadonlySet<string> = new Set([...EU_MEMBER_STATES, 'IS', 'LI', 'NO']);

export const regimeConfigSchema = z
  .object({
    /** The regime for a jurisdiction with no statute of its own here (CH, GB, JP, …). */
    defaultRegime: z.enum(REGIMES).default('platform_terms'),
  })
  .strict();
export type RegimeConfig = z.output<typeof regimeConfigSchema>;
export const DEFAULT_REGIME_CONFIG: RegimeConfig = { defaultRegime: 'platform_terms' };

export function regimeOf(country: string, config: RegimeConfig = DEFAULT_REGIME_CONFIG): Regime {
  if (country === 'US') return 'dmca';
  if (EEA_COUNTRIES.has(country)) return 'dsa';
  return config.defaultRegime;
}

/** Claimed jurisdictions grouped by regime, in REGIMES order; the groups give a geo-restriction its scope. */
export function jurisdictionsByRegime(jurisdictions: readonly string[], config: RegimeConfig = DEFAULT_REGIME_CONFIG): Map<Regime, string[]> {
  const groups = new Map<Regime, string[]>();
  for (const regime of REGIMES) {
    const countries = [...new Set(jurisdictions)].filter((c) => regimeOf(c, config) === regime);
    if (countries.length) groups.set(regime, countries);
  }
  return groups;
}

/** Distinct regimes for the jurisdictions, in REGIMES order (US + FR gives dmca and dsa). */
export function regimesFor(jurisdictions: readonly string[], config: RegimeConfig = DEFAULT_REGIME_CONFIG): Regime[] {
  return [...jurisdictionsByRegime(jurisdictions, config).keys()];
}

/**
 * Regimes for a whole notice. §512 covers copyright only, so a US trademark or defamation claim is
 * judged by the default regime instead of being held to (or excused by) the DMCA's elements.
 */
export function regimesForNotice(notice: Pick<TakedownNotice, 'claimedJurisdictions' | 'legalBasis'>, config: RegimeConfig = DEFAULT_REGIME_CONFIG): Regime[] {
  const regimes = regimesFor(notice.claimedJurisdictions, config);
  if (notice.legalBasis === 'copyright' || !regimes.includes('dmca')) return regimes;
  const swapped = new Set(regimes.map((r) => (r === 'dmca' ? config.defaultRegime : r)));
  return REGIMES.filter((r) => swapped.has(r));
}

// ── Measures ───────────────────────────────────────────────────────────────────────────────────

export type Measure = { kind: 'global_removal' } | { kind: 'geo_restriction'; countries: string[] } | { kind: 'no_action' };

/** What a reviewer may choose under one regime: a geo-restriction covers the claimed countries of that regime. */
export function possibleMeasures(regime: Regime, jurisdictions: readonly string[], config: RegimeConfig = DEFAULT_REGIME_CONFIG): Measure[] {
  const countries = jurisdictionsByRegime(jurisdictions, config).get(regime) ?? [];
  const measures: Measure[] = [{ kind: 'global_removal' }];
  if (countries.length) measures.push({ kind: 'geo_restriction', countries });
  measures.push({ kind: 'no_action' });
  return measures;
}

// ── Completeness ───────────────────────────────────────────────────────────────────────────────

export type CompletenessVerdict = 'complete' | 'substantially_complete' | 'invalid';

export interface Completeness {
  regime: Regime;
  verdict: CompletenessVerdict;
  /** Notice fields that are missing, as dotted paths ('statements.goodFaith', 'items.2.url'). */
  missing: string[];
  reason: string;
}

type Assessable = Pick<TakedownNotice, 'notifier' | 'items' | 'legalBasis' | 'explanation' | 'statements'>;

export function assessCompleteness(notice: Assessable, regime: Regime): Completeness {
  switch (regime) {
    case 'dmca':
      return assessDmca(notice);
    case 'dsa':
      return assessDsa(notice);
    case 'platform_terms':
      return assessPlatformTerms(notice);
  }
}

const present = (s: string | undefined) => s !== undefined && s.trim() !== '';
const contactMissing = (n: Assessable) => (['name', 'email'] as const).filter((f) => !present(n.notifier[f])).map((f) => `notifier.${f}`);

/**
 * §512(c)(3)(A) lists six elements. A notice that still identifies the work, locates the
 * material and lets us reach the notifier "substantially complies" with (ii)–(iv); under
 * §512(c)(3)(B)(ii) we then ask for the rest instead of ignoring it. Anything less is no notice.
 */
function assessDmca(n: Assessable): Completeness {
  if (n.legalBasis !== 'copyright') {
    return { regime: 'dmca', verdict: 'invalid', missing: ['legalBasis'], reason: '§512 notices are for copyright claims only' };
  }
  const s = n.statements;
  const located = n.items.every((i) => present(i.url) || present(i.contentId));
  const core = [
    ...(present(s.identificationOfWork) ? [] : ['statements.identificationOfWork']),
    ...(located ? [] : ['items']),
    ...contactMissing(n),
  ];
  const rest = [
    ...(present(s.signature) ? [] : ['statements.signature']),
    ...(present(s.infringingMaterial) ? [] : ['statements.infringingMaterial']),
    ...(s.goodFaith === true ? [] : ['statements.goodFaith']),
    ...(s.accuracyUnderPenaltyOfPerjury === true ? [] : ['statements.accuracyUnderPenaltyOfPerjury']),
  ];
  const missing = [...core, ...rest];
  if (missing.length === 0) return { regime: 'dmca', verdict: 'complete', missing, reason: 'all six §512(c)(3)(A) elements are present' };
  if (core.length === 0) {
    return {
      regime: 'dmca',
      verdict: 'substantially_complete',
      missing,
      reason: 'identifies the work, locates the material and gives contact details; ask for the rest (§512(c)(3)(B)(ii))',
    };
  }
  return { regime: 'dmca', verdict: 'invalid', missing, reason: 'does not substantially comply with §512(c)(3)(A)(ii)–(iv)' };
}

/**
 * DSA Art. 16(2): (a) an explanation, (b) the exact URL, (c) name and email unless the report is
 * of child sexual abuse, (d) a bona fide statement. Without (a) or (b) there is nothing to
 * review; without (d) we can review and ask. With some items lacking a URL we act on the others
 * and ask about those.
 */
function assessDsa(n: Assessable): Completeness {
  const unlocated = n.items.flatMap((item, i) => (present(item.url) ? [] : [`items.${i}.url`]));
  const fatal = [
    ...(present(n.explanation) ? [] : ['explanation']),
    ...(unlocated.length === n.items.length ? unlocated : []),
    // An anonymous notifier cannot be asked for anything, so missing contact is not fixable.
    ...(n.legalBasis === 'child_safety' ? [] : contactMissing(n)),
  ];
  const fixable = [...(unlocated.length < n.items.length ? unlocated : []), ...(n.statements.bonaFide === true ? [] : ['statements.bonaFide'])];
  const missing = [...fatal, ...fixable];
  if (fatal.length) return { regime: 'dsa', verdict: 'invalid', missing, reason: 'lacks what Art. 16(2) needs to review the content at all' };
  if (fixable.length) {
    return { regime: 'dsa', verdict: 'substantially_complete', missing, reason: 'reviewable, but not every Art. 16(2) element is present; ask for the rest' };
  }
  return { regime: 'dsa', verdict: 'complete', missing, reason: 'all Art. 16(2) elements are present' };
}

/** A report under our own terms is never void: staff can always ask what the problem is. */
function assessPlatformTerms(n: Assessable): Completeness {
  if (present(n.explanation)) return { regime: 'platform_terms', verdict: 'complete', missing: [], reason: 'says what is wrong and where' };
  return { regime: 'platform_terms', verdict: 'substantially_complete', missing: ['explanation'], reason: 'locates the content but does not say what is wrong with it' };
}

export type IntakeRoute = 'triage' | 'needs_info' | 'rejected';

/** One complete regime is enough to start review; otherwise ask if any regime can be fixed by asking. */
export function intakeRoute(assessments: readonly Completeness[]): IntakeRoute {
  if (assessments.some((a) => a.verdict === 'complete')) return 'triage';
  if (assessments.some((a) => a.verdict === 'substantially_complete')) return 'needs_info';
  return 'rejected';
}
