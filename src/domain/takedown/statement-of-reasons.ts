import { DECISION_OUTCOMES, DecisionGround, DecisionOutcome, TakedownCase, TakedownDecision, TakedownState } from './case';
import { RESTORE_MAX_BUSINESS_DAYS, RESTORE_MIN_BUSINESS_DAYS } from './deadlines';
import { LEGAL_BASES, LegalBasis, NOTIFIER_ROLES, NoticeItem, NotifierRole, TakedownNotice } from './notice';
import { Measure, REGIMES, Regime } from './regime';

/**
 * What the people on each side of a takedown are told, and the yearly transparency counts.
 * Pure: rendering and sending belong to activities. The record follows the fields of the DSA
 * Transparency Database's statements of reasons, so it can be submitted as it stands.
 */
export class TakedownDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TakedownDocumentError';
  }
}

// ── DSA Art. 17 statement of reasons ─────────────────────────────────────────────────────────────

export type TerritorialScope = { kind: 'worldwide' } | { kind: 'countries'; countries: string[] };

export interface StatementOfReasons {
  caseId: string;
  content: NoticeItem[];
  /** (a) The restriction and its territorial scope and duration (endsAt null = indefinite). */
  restriction: 'content_removed' | 'content_disabled';
  territorialScope: TerritorialScope;
  endsAt: string | null;
  /** (b) Facts and circumstances, and what prompted the decision. */
  facts: string;
  source: 'article_16_notice' | 'trusted_flagger' | 'other_notification';
  /** (c) Automated means. */
  automatedMeans: { used: boolean; detection: boolean; decision: TakedownDecision['automatedDecision'] };
  /** (d) legal ground for illegal content, or (e) contractual ground for content against our terms. */
  ground: { kind: 'illegal_content'; legalGround: string; explanation: string } | { kind: 'incompatible_content'; contractualGround: string; explanation: string };
  /** (f) Redress. */
  redress: {
    internalComplaint: { until: string; how: string };
    outOfCourtSettlement: string;
    judicialRedress: string;
  };
  decidedAt: string;
  text: string;
}

export interface StatementInput {
  caseId: string;
  takedown: TakedownCase;
  items: readonly NoticeItem[];
  notifierRole: NotifierRole;
  /** Trusted-flagger status is reported only when checked against the coordinator's list. */
  roleVerified: boolean;
}

/**
 * Art. 17 is owed to the uploader for every restriction; "no action" restricts nothing (the
 * notifier hears of it under Art. 16(5) instead). The notifier's identity is left out: Art.
 * 17(3)(b) allows it only "where strictly necessary", and that is a reviewer's call, not a default.
 */
export function buildStatementOfReasons(input: StatementInput): StatementOfReasons {
  const c = input.takedown;
  const d = c.decision;
  if (!d || c.decidedAt === null) throw new TakedownDocumentError('no decision yet: nothing to give reasons for');
  if (d.measure.kind === 'no_action') throw new TakedownDocumentError('no restriction was imposed: Art. 17 does not apply');
  if (!c.regimes.includes('dsa') || c.complaintClosesAt === null) throw new TakedownDocumentError('not a DSA case: send the regime’s own notification');

  const territorialScope: TerritorialScope = d.measure.kind === 'geo_restriction' ? { kind: 'countries', countries: [...d.measure.countries] } : { kind: 'worldwide' };
  const ground: StatementOfReasons['ground'] =
    d.ground.kind === 'legal'
      ? { kind: 'illegal_content', legalGround: d.ground.reference, explanation: d.ground.explanation }
      : { kind: 'incompatible_content', contractualGround: d.ground.reference, explanation: d.ground.explanation };
  const statement: Omit<StatementOfReasons, 'text'> = {
    caseId: input.caseId,
    content: input.items.map((i) => ({ ...i })),
    restriction: d.measure.kind === 'global_removal' ? 'content_removed' : 'content_disabled',
    territorialScope,
    endsAt: d.endsAt === null ? null : iso(d.endsAt),
    facts: d.facts,
    source: input.roleVerified && input.notifierRole === 'trusted_flagger' ? 'trusted_flagger' : input.notifierRole === 'authority' ? 'other_notification' : 'article_16_notice',
    automatedMeans: { used: d.automatedDetection || d.automatedDecision !== 'not_automated', detection: d.automatedDetection, decision: d.automatedDecision },
    ground,
    redress: {
      internalComplaint: { until: iso(c.complaintClosesAt - 1), how: `reply to this statement quoting case ${input.caseId}; the decision will be reviewed by a different person` },
      outOfCourtSettlement: 'you may refer the dispute to a certified out-of-court dispute settlement body (DSA Art. 21)',
      judicialRedress: 'you may bring the matter before the courts of your country at any time',
    },
    decidedAt: iso(c.decidedAt),
  };
  return { ...statement, text: renderStatement(statement) };
}

function renderStatement(s: Omit<StatementOfReasons, 'text'>): string {
  const scope = s.territorialScope.kind === 'worldwide' ? 'worldwide' : `in ${s.territorialScope.countries.join(', ')}`;
  const automation = s.automatedMeans.used
    ? `Automated means were used (detection: ${s.automatedMeans.detection ? 'yes' : 'no'}; decision: ${s.automatedMeans.decision.replace('_', ' ')}).`
    : 'No automated means were used.';
  const ground =
    s.ground.kind === 'illegal_content'
      ? `The content is considered illegal under ${s.ground.legalGround}: ${s.ground.explanation}`
      : `The content is incompatible with our terms (${s.ground.contractualGround}): ${s.ground.explanation}`;
  return [
    `Case ${s.caseId}, decided ${s.decidedAt}.`,
    `Measure: ${s.restriction === 'content_removed' ? 'the content was removed' : 'access to the content was disabled'} ${scope}${s.endsAt ? ` until ${s.endsAt}` : ''}.`,
    `Facts and circumstances: ${s.facts} (${s.source === 'trusted_flagger' ? 'notice from a trusted flagger' : s.source === 'other_notification' ? 'notice from an authority' : 'notice under Art. 16 DSA'}).`,
    automation,
    ground,
    `Redress: internal complaint until ${s.redress.internalComplaint.until} (${s.redress.internalComplaint.how}); ${s.redress.outOfCourtSettlement}; ${s.redress.judicialRedress}.`,
  ].join('\n');
}

// ── DMCA notification to the uploader ────────────────────────────────────────────────────────────

/** §512(g)(3)(A)–(D): what a counter-notice must contain to restore the material. */
export const COUNTER_NOTICE_ELEMENTS = [
  'your physical or electronic signature',
  'identification of the material removed and the location where it appeared before removal',
  'a statement under penalty of perjury that you believe in good faith the material was removed by mistake or misidentification',
  'your name, address and telephone number, consent to the jurisdiction of the US Federal District Court for your address (or, outside the US, any district where we may be found), and agreement to accept service of process from the claimant',
] as const;

export interface DmcaUploaderNotification {
  caseId: string;
  content: NoticeItem[];
  action: 'removed' | 'disabled';
  territorialScope: TerritorialScope;
  /** Who complained: the uploader must know whom a counter-notice and any lawsuit concern. Never their email. */
  claimant: { name: string | null; organisation: string | null };
  workIdentified: string | null;
  counterNotice: { elements: readonly string[]; restoreAfterBusinessDays: { min: number; max: number } };
  text: string;
}

/** §512(g)(2)(A): we must promptly tell the uploader we removed or disabled the material. */
export function buildDmcaUploaderNotification(input: {
  caseId: string;
  takedown: TakedownCase;
  notice: Pick<TakedownNotice, 'items' | 'notifier' | 'statements'>;
}): DmcaUploaderNotification {
  const c = input.takedown;
  const d = c.decision;
  if (!c.regimes.includes('dmca') || c.legalBasis !== 'copyright') throw new TakedownDocumentError('not a DMCA copyright case');
  if (!d || (d.outcome !== 'remove' && d.outcome !== 'restrict')) throw new TakedownDocumentError('nothing was removed or disabled');
  const territorialScope: TerritorialScope = d.measure.kind === 'geo_restriction' ? { kind: 'countries', countries: [...d.measure.countries] } : { kind: 'worldwide' };
  const n: Omit<DmcaUploaderNotification, 'text'> = {
    caseId: input.caseId,
    content: input.notice.items.map((i) => ({ ...i })),
    action: d.measure.kind === 'global_removal' ? 'removed' : 'disabled',
    territorialScope,
    claimant: { name: input.notice.notifier.name ?? null, organisation: input.notice.notifier.organisation ?? null },
    workIdentified: input.notice.statements.identificationOfWork ?? null,
    counterNotice: { elements: COUNTER_NOTICE_ELEMENTS, restoreAfterBusinessDays: { min: RESTORE_MIN_BUSINESS_DAYS, max: RESTORE_MAX_BUSINESS_DAYS } },
  };
  const who = [n.claimant.name, n.claimant.organisation].filter(Boolean).join(', ') || 'the copyright owner';
  const text = [
    `Case ${n.caseId}: we ${n.action === 'removed' ? 'removed' : 'disabled access to'} the content below after a copyright notice from ${who} under 17 U.S.C. §512(c)${n.workIdentified ? ` concerning ${n.workIdentified}` : ''}.`,
    ...n.content.map((i) => `- ${i.url ?? i.contentId}`),
    'If you believe this was a mistake, you may send a counter-notice containing:',
    ...n.counterNotice.elements.map((e, i) => `${i + 1}. ${e}`),
    `We will then restore the content ${RESTORE_MIN_BUSINESS_DAYS} to ${RESTORE_MAX_BUSINESS_DAYS} business days after we receive it, unless the claimant tells us they have filed a court action.`,
    'A counter-notice that knowingly misrepresents the facts may make you liable for damages (17 U.S.C. §512(f)).',
  ].join('\n');
  return { ...n, text };
}

// ── Transparency report ──────────────────────────────────────────────────────────────────────────

/** What the yearly report needs of a case; no notifier or uploader data. */
export interface TakedownCaseSummary {
  receivedAt: number;
  legalBasis: LegalBasis;
  regimes: readonly Regime[];
  state: TakedownState;
  outcome: DecisionOutcome | null;
  decidedAt: number | null;
  /** A threat to life or safety for which the legal on-call was paged (absent: not paged). */
  legalOnCallPaged?: boolean;
  /** The countries the notifier claimed (ISO 3166-1); absent or empty: counted as `unknown`. */
  claimedJurisdictions?: readonly string[];
  /** The notifier's role as stated on the notice; absent: counted as `unknown`. */
  notifierRole?: NotifierRole | null;
  /** The decided measure (no_action is counted from here; restrictions from the content actions taken). */
  measure?: Measure['kind'] | null;
  /** The decision's ground: the law relied on, or our terms. */
  ground?: DecisionGround['kind'] | null;
  /** The content actions taken on the case's items (each counted once per case). */
  contentActions?: readonly ReportedMeasure[];
}

export function summarizeTakedownCase(c: TakedownCase, notice?: Pick<TakedownNotice, 'claimedJurisdictions' | 'notifier'>): TakedownCaseSummary {
  return {
    receivedAt: c.receivedAt,
    legalBasis: c.legalBasis,
    regimes: [...c.regimes],
    state: c.state,
    outcome: c.decision?.outcome ?? null,
    decidedAt: c.decidedAt,
    ...(notice ? { claimedJurisdictions: [...notice.claimedJurisdictions], notifierRole: notice.notifier.role } : {}),
    measure: c.decision?.measure.kind ?? null,
    ground: c.decision?.ground.kind ?? null,
  };
}

/** Content actions as the report names them (the content platform's remove / geo_restrict / restore). */
export const REPORTED_MEASURES = ['remove', 'geo_restrict', 'restore'] as const;
export type ReportedMeasure = (typeof REPORTED_MEASURES)[number];
const GROUNDS = ['legal', 'contractual'] as const;
/** A notice or action whose jurisdiction, role or ground was not recorded. */
const UNKNOWN = 'unknown';

/** An authority's preservation request, as the report counts it: when it came, and whether it was renewed. */
export interface PreservationRequestSummary {
  requestedAt: number;
  extendedAt: number | null;
}

export interface TransparencyCounts {
  year: number;
  notices: number;
  byLegalBasis: Record<LegalBasis, number>;
  /** A notice under two regimes counts once in each, so these may sum to more than `notices`. */
  byRegime: Record<Regime, number>;
  byDecision: Record<DecisionOutcome, number>;
  /**
   * Notices by claimed country (ISO 3166-1, sorted): a notice claiming two countries counts once
   * in each, so these may sum to more than `notices`; none recorded → `unknown`.
   */
  byJurisdiction: Record<string, number>;
  /** Notices by the notifier's stated role (rights holder, agent, attorney, trusted flagger, authority). */
  byNotifierRole: Record<NotifierRole, number> & { unknown?: number };
  /**
   * Actions by measure: cases whose content was removed, geo-restricted or restored (each counted
   * once per case and measure, whatever the decision's outcome — an escalate_safety decision
   * counts under the measure it took), and decisions to take no action on the content.
   */
  byMeasure: Record<ReportedMeasure | 'no_action', number>;
  /** Restrictions taken (content removed or geo-restricted), by the decision's ground: the law, or our terms. */
  byGround: Record<(typeof GROUNDS)[number], number> & { unknown?: number };
  rejected: number;
  lapsed: number;
  undecided: number;
  medianTimeToDecisionMs: number | null;
  /** Nearest rank: the smallest time at or under which 90 % of the year's decisions were taken. */
  p90TimeToDecisionMs: number | null;
  /** Decisions to escalate to the safety team (outcome escalate_safety). */
  safetyEscalations: number;
  /** Threats to life or safety paged to the legal on-call at intake: counted apart from decisions. */
  legalOnCallPages: number;
  counterNotices: number;
  restoredAfterCounterNotice: number;
  /** Kept down after a counter-notice because the notifier went to court (§512(g)(2)(C)). */
  keptAfterCourtAction: number;
  /** Authorities' preservation requests received in the year (whenever the notice came). */
  retentionRequests: number;
  /** Of those, renewed once for a further period. */
  retentionExtensions: number;
  complaints: { received: number; upheld: number; reversed: number };
}

const COUNTER_NOTICE_STATES: readonly TakedownState[] = ['counter_notice_received', 'restore_pending', 'restored', 'kept'];
const COMPLAINT_STATES: readonly TakedownState[] = ['complaint_review', 'upheld', 'reversed'];

const inUtcYear = (ms: number, year: number) => new Date(ms).getUTCFullYear() === year;

/**
 * Counts over the notices received in `year` (UTC), wherever each case stands today; retention
 * requests are counted by the year the authority's request came (an order is reported in the
 * period it was received, DSA Art. 15(1)(a)).
 */
export function transparencyCounts(cases: readonly TakedownCaseSummary[], year: number, preservationRequests: readonly PreservationRequestSummary[] = []): TransparencyCounts {
  if (!Number.isInteger(year)) throw new RangeError(`year must be an integer, got ${year}`);
  const inYear = cases.filter((c) => inUtcYear(c.receivedAt, year));
  const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const requests = preservationRequests.filter((p) => inUtcYear(p.requestedAt, year));
  const counts: TransparencyCounts = {
    year,
    notices: inYear.length,
    byLegalBasis: zero(LEGAL_BASES),
    byRegime: zero(REGIMES),
    byDecision: zero(DECISION_OUTCOMES),
    byJurisdiction: {},
    byNotifierRole: zero(NOTIFIER_ROLES),
    byMeasure: zero([...REPORTED_MEASURES, 'no_action'] as const),
    byGround: zero(GROUNDS),
    rejected: 0,
    lapsed: 0,
    undecided: 0,
    medianTimeToDecisionMs: null,
    p90TimeToDecisionMs: null,
    safetyEscalations: 0,
    legalOnCallPages: 0,
    counterNotices: 0,
    restoredAfterCounterNotice: 0,
    keptAfterCourtAction: 0,
    retentionRequests: requests.length,
    retentionExtensions: requests.filter((p) => p.extendedAt !== null).length,
    complaints: { received: 0, upheld: 0, reversed: 0 },
  };
  const decisionTimes: number[] = [];
  const jurisdictions: Record<string, number> = {};
  const bump = <K extends string>(record: Partial<Record<K, number>>, key: K) => (record[key] = (record[key] ?? 0) + 1);
  for (const c of inYear) {
    counts.byLegalBasis[c.legalBasis]++;
    for (const r of new Set(c.regimes)) counts.byRegime[r]++;
    const claimed = new Set(c.claimedJurisdictions ?? []);
    if (claimed.size === 0) bump(jurisdictions, UNKNOWN);
    for (const country of claimed) bump(jurisdictions, country);
    if (c.notifierRole && (NOTIFIER_ROLES as readonly string[]).includes(c.notifierRole)) counts.byNotifierRole[c.notifierRole]++;
    else bump(counts.byNotifierRole, UNKNOWN);
    const taken = new Set(c.contentActions ?? []);
    for (const m of REPORTED_MEASURES) if (taken.has(m)) counts.byMeasure[m]++;
    if (c.outcome !== null && c.measure === 'no_action') counts.byMeasure.no_action++;
    if (taken.has('remove') || taken.has('geo_restrict')) {
      if (c.ground === 'legal' || c.ground === 'contractual') counts.byGround[c.ground]++;
      else bump(counts.byGround, UNKNOWN);
    }
    if (c.outcome !== null) {
      counts.byDecision[c.outcome]++;
      if (c.decidedAt !== null) decisionTimes.push(c.decidedAt - c.receivedAt);
    } else if (c.state === 'rejected') counts.rejected++;
    else if (c.state === 'lapsed') counts.lapsed++;
    else counts.undecided++;
    if (c.outcome === 'escalate_safety') counts.safetyEscalations++;
    if (c.legalOnCallPaged) counts.legalOnCallPages++;
    if (COUNTER_NOTICE_STATES.includes(c.state)) counts.counterNotices++;
    if (c.state === 'restored') counts.restoredAfterCounterNotice++;
    if (c.state === 'kept') counts.keptAfterCourtAction++;
    if (COMPLAINT_STATES.includes(c.state)) counts.complaints.received++;
    if (c.state === 'upheld') counts.complaints.upheld++;
    if (c.state === 'reversed') counts.complaints.reversed++;
  }
  counts.byJurisdiction = Object.fromEntries(Object.entries(jurisdictions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  counts.medianTimeToDecisionMs = median(decisionTimes);
  counts.p90TimeToDecisionMs = nearestRankPercentile(decisionTimes, 90);
  return counts;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The nearest-rank percentile: the ⌈p/100 · n⌉-th smallest value. Always one of the observed
 * times (no interpolation), so a reader can find the case it came from.
 */
export function nearestRankPercentile(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p * sorted.length) / 100) - 1]; // p · n first: integer arithmetic, no 0.07 · n rounding
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
