import { judgeKpi, type KpiName, type KpiReading } from './kpi-policy';
import { phoneServiceLevel, type PhoneCall, type PhoneServiceLevel } from './phone-service-level';
import type { ReportKind } from './report-period';
import { histogram, netPromoterScore, percentile, RESOLUTION_BUCKETS, round4, share, type HistogramBucket, type NetPromoterScore } from './report-statistics';

/**
 * The stored reports' bodies, built from row aggregates the activity reads with SQL (no I/O
 * here). A NULL category or receivedAt (rows older than those columns) is "unknown", never
 * guessed. Shares carry 4 decimals; times are seconds.
 */

export const UNKNOWN = 'unknown';
type Targets = Record<KpiName, KpiReading['target']>;

// ── daily ───────────────────────────────────────────────────────────────────────────────────────

/** Per priority and category: tickets received in the day, open at its end, their first-response wait and SLA clocks. */
export interface DailyRow {
  priority: string;
  category: string | null;
  received: number;
  openAtEnd: number;
  /** Received in the day with a known receivedAt and answered: how many, and their waits summed. */
  answered: number;
  waitSeconds: number;
  /** Received in the day, no first response yet. */
  unanswered: number;
  /** Received in the day, receivedAt unknown (their wait is not counted). */
  unknownReceivedAt: number;
  slaMet: number;
  slaBreached: number;
  breachedTickets: number;
  atRiskNow: number;
}

export interface DailyInputs {
  rows: DailyRow[];
  phoneCalls: PhoneCall[];
  /** The pack's phone first-response target ("answered within 60 seconds"); null: the pack has none. */
  phoneAnswerWithinMs: number | null;
  inPhoneHours: (intervalStart: number) => boolean;
  targets: Targets;
}

interface DailyFigures {
  received: number;
  queueDepthAtEnd: number;
  averageWaitSeconds: number | null;
  answered: number;
  unanswered: number;
  unknownReceivedAt: number;
  sla: { met: number; breached: number; compliance: number | null; breachedTickets: number };
  atRiskAtGeneration: number;
}

export interface DailyReport {
  totals: DailyFigures;
  byPriority: (DailyFigures & { priority: string })[];
  byCategory: (DailyFigures & { category: string })[];
  phone: PhoneServiceLevel | null;
  kpis: KpiReading[];
}

function dailyFigures(rows: readonly DailyRow[]): DailyFigures {
  const sum = (f: (r: DailyRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const answered = sum((r) => r.answered);
  const met = sum((r) => r.slaMet);
  const breached = sum((r) => r.slaBreached);
  return {
    received: sum((r) => r.received),
    queueDepthAtEnd: sum((r) => r.openAtEnd),
    averageWaitSeconds: answered ? Math.round(sum((r) => r.waitSeconds) / answered) : null,
    answered,
    unanswered: sum((r) => r.unanswered),
    unknownReceivedAt: sum((r) => r.unknownReceivedAt),
    sla: { met, breached, compliance: share(met, met + breached), breachedTickets: sum((r) => r.breachedTickets) },
    atRiskAtGeneration: sum((r) => r.atRiskNow),
  };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Daily (001_…txt: "Daily dashboards show queue depth, average wait, and SLA at-risk tickets"):
 * per priority and category, plus the phone service level per 30-minute interval.
 */
export function buildDailyReport(input: DailyInputs): DailyReport {
  const phone = input.phoneAnswerWithinMs === null ? null : phoneServiceLevel(input.phoneCalls, input.phoneAnswerWithinMs, input.inPhoneHours);
  return {
    totals: dailyFigures(input.rows),
    byPriority: groupBy(input.rows, (r) => r.priority).map(([priority, rows]) => ({ priority, ...dailyFigures(rows) })),
    byCategory: groupBy(input.rows, (r) => r.category ?? UNKNOWN).map(([category, rows]) => ({ category, ...dailyFigures(rows) })),
    phone,
    kpis: [judgeKpi('phoneServiceLevel', 'share', phone?.inHours.serviceLevel ?? null, input.targets.phoneServiceLevel)],
  };
}

// ── weekly ──────────────────────────────────────────────────────────────────────────────────────

/** Tickets received in the week, counted per channel (source), priority and category. */
export interface VolumeRow {
  channel: string;
  priority: string;
  category: string | null;
  tickets: number;
}

/** A ticket resolved in the week: its priority and seconds from receivedAt (openedAt when unknown) to resolution. */
export interface ResolutionTime {
  priority: string;
  seconds: number;
}

export interface ResolutionDistribution {
  resolved: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  p99Seconds: number | null;
}

export interface WeeklyReport {
  volume: { total: number; byChannel: Record<string, number>; byPriority: Record<string, number>; byCategory: Record<string, number> };
  /** The 10 categories with the most tickets (unknown left out: it is no category). */
  topCategories: { category: string; tickets: number }[];
  timeToResolution: ResolutionDistribution & { histogram: HistogramBucket[]; byPriority: (ResolutionDistribution & { priority: string })[] };
  /** The weekly incident report of the same ISO week (000_…txt: "Track escalation adherence weekly"). */
  escalationAdherence: unknown;
}

function distribution(seconds: readonly number[]): ResolutionDistribution {
  return { resolved: seconds.length, p50Seconds: percentile(seconds, 50), p90Seconds: percentile(seconds, 90), p99Seconds: percentile(seconds, 99) };
}

function countBy(rows: readonly VolumeRow[], key: (r: VolumeRow) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + r.tickets;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Weekly (001_…txt: "Weekly reports cover trends: ticket volume by source, top 10 issue
 * categories, and time-to-resolution distribution"; 000_…txt: "Track escalation adherence weekly").
 */
export function buildWeeklyReport(volume: readonly VolumeRow[], resolutions: readonly ResolutionTime[], escalationAdherence: unknown): WeeklyReport {
  const byCategory = countBy(volume, (r) => r.category ?? UNKNOWN);
  const seconds = resolutions.map((r) => r.seconds);
  return {
    volume: { total: volume.reduce((a, r) => a + r.tickets, 0), byChannel: countBy(volume, (r) => r.channel), byPriority: countBy(volume, (r) => r.priority), byCategory },
    topCategories: Object.entries(byCategory)
      .filter(([category]) => category !== UNKNOWN)
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, 10)
      .map(([category, tickets]) => ({ category, tickets })),
    timeToResolution: {
      ...distribution(seconds),
      histogram: histogram(seconds, RESOLUTION_BUCKETS),
      byPriority: groupBy(resolutions, (r) => r.priority).map(([priority, rows]) => ({ priority, ...distribution(rows.map((r) => r.seconds)) })),
    },
    escalationAdherence,
  };
}

// ── monthly ─────────────────────────────────────────────────────────────────────────────────────

/** Tickets resolved in the month, per channel: the survey answers and handling they carry. */
export interface ResolvedRow {
  channel: string;
  resolved: number;
  firstContact: number;
  csatResponses: number;
  csatSatisfied: number;
  csatScoreSum: number;
  handleSeconds: number;
}

/** A corrective action from a post-incident review (backlog_items): it has an owner and a due date. */
export interface CorrectiveAction {
  key: string;
  incidentId: string;
  title: string;
  owner: string;
  due: string;
  rootCauseCategory: string;
}

/** A root-cause tag on tickets resolved in the month: how many, and how many of those were preventable. */
export interface RootCauseTagCount {
  tag: string;
  tickets: number;
  preventable: number;
}

export interface RcaItem {
  source: 'incident_review' | 'root_cause_tag';
  title: string;
  owner: string;
  due: string;
  /** The incident the review was of, or the tag the tickets carried. */
  reference: string;
  tickets?: number;
}

export interface MonthlyInputs {
  resolved: ResolvedRow[];
  /** How many answered each NPS score 0–10. */
  npsCounts: Record<number, number>;
  backlogByPriority: Record<string, number>;
  /** Tickets received in the month per category (null: unknown), to follow a category's volume month on month. */
  volumeByCategory: { category: string | null; tickets: number }[];
  correctiveActions: CorrectiveAction[];
  rootCauseTags: RootCauseTagCount[];
  preventableTickets: number;
  /** Who owns an RCA item proposed from a tag, and its due date (ISO day); null: the pack names no owner. */
  tagRca: { owner: string; due: string } | null;
  /** The channels the AHT target is about (000_…txt: "on chat and phone"); null: every channel. */
  ahtChannels: string[] | null;
  targets: Targets;
}

export interface MonthlyReport {
  csat: { responses: number; satisfied: number; share: number | null; meanScore: number | null };
  nps: NetPromoterScore;
  firstContactResolution: { resolved: number; firstContact: number; share: number | null };
  averageHandleTime: {
    resolved: number;
    handleSeconds: number;
    seconds: number | null;
    byChannel: { channel: string; resolved: number; seconds: number | null }[];
    /** The channels the AHT KPI is judged on (null: all) and their AHT. */
    judgedChannels: string[] | null;
    judgedSeconds: number | null;
  };
  backlogByPriority: Record<string, number>;
  volumeByCategory: Record<string, number>;
  preventableTickets: number;
  rootCauseTags: RootCauseTagCount[];
  /** Three RCA items with owners and due dates (001_…txt "three RCA items with owners and due dates"). */
  rcaItems: RcaItem[];
  kpis: KpiReading[];
}

export function csatOf(rows: readonly Pick<ResolvedRow, 'csatResponses' | 'csatSatisfied' | 'csatScoreSum'>[]) {
  const responses = rows.reduce((a, r) => a + r.csatResponses, 0);
  const satisfied = rows.reduce((a, r) => a + r.csatSatisfied, 0);
  const scores = rows.reduce((a, r) => a + r.csatScoreSum, 0);
  return { responses, satisfied, share: share(satisfied, responses), meanScore: responses ? round4(scores / responses) : null };
}

/**
 * RCA items: corrective actions from post-incident reviews first (they already have an owner and
 * a due date), earliest due first; the rest from the most frequent preventable root-cause tags
 * (001_…txt: "measuring 'preventable tickets' to drive product or KB improvements"), owned as the
 * pack says. At most `n`.
 */
export function rcaItems(actions: readonly CorrectiveAction[], tags: readonly RootCauseTagCount[], tagRca: MonthlyInputs['tagRca'], n = 3): RcaItem[] {
  const fromReviews: RcaItem[] = [...actions]
    .sort((a, b) => a.due.localeCompare(b.due) || a.key.localeCompare(b.key))
    .map((a) => ({ source: 'incident_review', title: a.title, owner: a.owner, due: a.due, reference: a.incidentId }));
  const fromTags: RcaItem[] = tagRca
    ? tags
        .filter((t) => t.preventable > 0)
        .sort((a, b) => b.preventable - a.preventable || b.tickets - a.tickets || a.tag.localeCompare(b.tag))
        .map((t) => ({ source: 'root_cause_tag', title: `Reduce preventable "${t.tag}" tickets (${t.preventable} this month)`, owner: tagRca.owner, due: tagRca.due, reference: t.tag, tickets: t.preventable }))
    : [];
  return [...fromReviews, ...fromTags].slice(0, n);
}

/**
 * Monthly (001_…txt: "Monthly executive reports include CSAT, NPS, backlog by priority, and three
 * RCA items with owners and due dates"), with FCR and AHT judged against the pack's targets.
 */
export function buildMonthlyReport(input: MonthlyInputs): MonthlyReport {
  const resolved = input.resolved.reduce((a, r) => a + r.resolved, 0);
  const firstContact = input.resolved.reduce((a, r) => a + r.firstContact, 0);
  const handleSeconds = input.resolved.reduce((a, r) => a + r.handleSeconds, 0);
  const judged = input.ahtChannels === null ? input.resolved : input.resolved.filter((r) => input.ahtChannels!.includes(r.channel));
  const judgedResolved = judged.reduce((a, r) => a + r.resolved, 0);
  const judgedSeconds = judgedResolved ? Math.round(judged.reduce((a, r) => a + r.handleSeconds, 0) / judgedResolved) : null;
  const csat = csatOf(input.resolved);
  const nps = netPromoterScore(input.npsCounts);
  const fcrShare = share(firstContact, resolved);
  const ahtSeconds = resolved ? Math.round(handleSeconds / resolved) : null;
  return {
    csat,
    nps,
    firstContactResolution: { resolved, firstContact, share: fcrShare },
    averageHandleTime: {
      resolved,
      handleSeconds,
      seconds: ahtSeconds,
      byChannel: [...input.resolved].sort((a, b) => a.channel.localeCompare(b.channel)).map((r) => ({ channel: r.channel, resolved: r.resolved, seconds: r.resolved ? Math.round(r.handleSeconds / r.resolved) : null })),
      judgedChannels: input.ahtChannels,
      judgedSeconds,
    },
    backlogByPriority: input.backlogByPriority,
    volumeByCategory: Object.fromEntries(
      groupBy(input.volumeByCategory, (r) => r.category ?? UNKNOWN).map(([category, rows]) => [category, rows.reduce((n, r) => n + r.tickets, 0)]),
    ),
    preventableTickets: input.preventableTickets,
    rootCauseTags: input.rootCauseTags,
    rcaItems: rcaItems(input.correctiveActions, input.rootCauseTags, input.tagRca),
    kpis: [
      judgeKpi('csat', 'share', csat.share, input.targets.csat),
      judgeKpi('nps', 'score', nps.score, input.targets.nps),
      judgeKpi('fcr', 'share', fcrShare, input.targets.fcr),
      judgeKpi('aht', 'seconds', judgedSeconds, input.targets.aht),
    ],
  };
}

// ── quarterly ───────────────────────────────────────────────────────────────────────────────────

/** One enterprise customer's quarter: tickets, settled SLA clocks, credits, incidents, surveys. */
export interface AccountQuarterRow {
  accountId: string;
  tickets: number;
  slaMet: number;
  slaBreached: number;
  credits: { currency: string; owedMinor: number; credits: number }[];
  incidents: number;
  csatResponses: number;
  csatSatisfied: number;
  csatScoreSum: number;
  npsCounts: Record<number, number>;
}

export interface QuarterlyReport {
  /** Per enterprise customer, for business reviews (001_…txt: "quarterly business reviews with customers"). */
  accounts: {
    accountId: string;
    tickets: number;
    slaCompliance: { met: number; breached: number; share: number | null };
    credits: AccountQuarterRow['credits'];
    incidents: number;
    csat: ReturnType<typeof csatOf>;
    nps: NetPromoterScore;
  }[];
  brand: { csat: ReturnType<typeof csatOf>; nps: NetPromoterScore; preventable: { tickets: number; previousQuarter: number; change: number | null } };
  kpis: KpiReading[];
}

/** Quarter-on-quarter change of preventable tickets (−0.15: 15 % fewer); null without a previous count. */
export function preventableChange(current: number, previous: number): number | null {
  return previous > 0 ? round4((current - previous) / previous) : null;
}

export function buildQuarterlyReport(
  accounts: readonly AccountQuarterRow[],
  brand: { csat: Pick<ResolvedRow, 'csatResponses' | 'csatSatisfied' | 'csatScoreSum'>; npsCounts: Record<number, number>; preventable: number; preventablePrevious: number },
  targets: Targets,
): QuarterlyReport {
  const csat = csatOf([brand.csat]);
  const nps = netPromoterScore(brand.npsCounts);
  const change = preventableChange(brand.preventable, brand.preventablePrevious);
  return {
    accounts: [...accounts]
      .sort((a, b) => a.accountId.localeCompare(b.accountId))
      .map((a) => ({
        accountId: a.accountId,
        tickets: a.tickets,
        slaCompliance: { met: a.slaMet, breached: a.slaBreached, share: share(a.slaMet, a.slaMet + a.slaBreached) },
        credits: a.credits,
        incidents: a.incidents,
        csat: csatOf([a]),
        nps: netPromoterScore(a.npsCounts),
      })),
    brand: { csat, nps, preventable: { tickets: brand.preventable, previousQuarter: brand.preventablePrevious, change } },
    kpis: [judgeKpi('csat', 'share', csat.share, targets.csat), judgeKpi('nps', 'score', nps.score, targets.nps), judgeKpi('preventableChange', 'share', change, targets.preventableChange)],
  };
}

export type ReportBody = DailyReport | WeeklyReport | MonthlyReport | QuarterlyReport;

/** The KPI verdicts a stored report carries (the weekly report judges none). */
export function kpisOf(kind: ReportKind, body: ReportBody): KpiReading[] {
  return kind === 'weekly' ? [] : (body as { kpis: KpiReading[] }).kpis;
}
