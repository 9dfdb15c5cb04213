import type { CaseEventRecord } from '../../persistence/read-model/case-records';
import type { RecordedCaseFacts } from '../../persistence/read-model/recorded-events';
import type { metricCatalog } from '../metric-catalog';

/** One change to a case metric: a counter's +1 or a histogram's observation. */
export type CaseMetricChange =
  | { metric: Exclude<CaseMetricKey, 'slaBreachLateness'>; labels: Record<string, string> }
  | { metric: 'slaBreachLateness'; labels: Record<string, string>; seconds: number };

type CaseMetricKey = keyof Pick<
  typeof metricCatalog,
  'casesOpened' | 'casesClosed' | 'slaAtRisk' | 'slaBreached' | 'slaBreachLateness' | 'escalations' | 'pagesSent' | 'refunds' | 'disputes' | 'takedownClocksAtRisk'
>;

/** What a label value becomes when it is not a short identifier (bounded cardinality, nothing personal). */
export const OTHER_LABEL = 'other';
/** The priority label of kinds that have none (billing cases). */
export const NO_PRIORITY = 'none';

/**
 * A label value as exported: short identifiers pass (brands, priorities, metrics, levels,
 * outcomes, a step number), anything else becomes `other` — free text, an e-mail address, and
 * anything shaped like a case ID (a `<kind>-` prefix, or a run of 6+ digits/hex).
 */
export function labelValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value < 100 ? String(value) : OTHER_LABEL;
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+]{0,23}$/.test(value)) return OTHER_LABEL;
  return /[0-9a-f]{6,}/i.test(value) ? OTHER_LABEL : value;
}

/** The opening event of each kind (what its workflow records first). */
const OPENING: Readonly<Record<RecordedCaseFacts['kind'], string>> = {
  ticket: 'opened',
  incident: 'triggered',
  refund: 'opened',
  dispute: 'opened',
  dunning: 'opened',
  takedown: 'received',
};

/**
 * The events that end a case. A refund escalated to manual remediation is not among them: a
 * person takes it over (it is counted in refunds_total{outcome="manual_remediation"}). A takedown
 * may be disputed after it closed; its close is still counted once.
 */
const CLOSING: Readonly<Record<RecordedCaseFacts['kind'], readonly string[]>> = {
  ticket: ['closed'],
  incident: ['closed'],
  refund: ['refund_succeeded', 'refund_failed', 'nothing_to_refund', 'accept_offer', 'identity_timeout'],
  dispute: ['won', 'lost', 'accepted'],
  dunning: ['recovered', 'cancelled', 'cancelled_by_agent'],
  takedown: ['close', 'lapse', 'reject'],
};

/** A refund's outcome per event (the label of caseworks_refunds_total). */
const REFUND_OUTCOMES: Readonly<Record<string, string>> = {
  refund_succeeded: 'refunded',
  refund_failed: 'failed',
  nothing_to_refund: 'nothing_to_refund',
  accept_offer: 'retained',
  identity_timeout: 'identity_timeout',
  escalate: 'manual_remediation',
};

const DISPUTE_OUTCOMES: Readonly<Record<string, string>> = { won: 'won', lost: 'lost', accepted: 'accepted' };

/**
 * The case metrics one newly stored event moves. Pure: the caller counts each event once (the
 * read model tells which events were stored for the first time). Lateness is the event's time
 * (when the workflow recorded the breach) minus the deadline it carries, never negative.
 */
export function caseMetricsFor(c: RecordedCaseFacts, e: CaseEventRecord): CaseMetricChange[] {
  const kind = c.kind;
  const brand = labelValue(c.brand);
  const priority = c.priority === null ? NO_PRIORITY : labelValue(c.priority);
  const changes: CaseMetricChange[] = [];
  if (e.type === OPENING[kind]) changes.push({ metric: 'casesOpened', labels: { kind, brand, priority } });
  if (CLOSING[kind].includes(e.type)) changes.push({ metric: 'casesClosed', labels: { kind, brand, priority } });

  const sla = (metric: string, deadline: unknown): void => {
    if (e.type.endsWith('at_risk')) changes.push({ metric: 'slaAtRisk', labels: { kind, brand, priority, metric } });
    else {
      changes.push({ metric: 'slaBreached', labels: { kind, brand, priority, metric } });
      const seconds = latenessSeconds(e.occurredAt, deadline);
      if (seconds !== null) changes.push({ metric: 'slaBreachLateness', labels: { kind, metric }, seconds });
    }
  };

  switch (kind) {
    case 'ticket':
    case 'incident':
      if (e.type === 'sla_at_risk' || e.type === 'sla_breached') sla(labelValue(e.data.metric), e.data.deadlineAt);
      // A ticket's escalation chain names its level; an incident escalates a breach to its policy's contact.
      if (e.type === 'escalated') changes.push({ metric: 'escalations', labels: { kind, brand, step: labelValue(e.data.level) } });
      if (e.type === 'sla_breach_escalated') changes.push({ metric: 'escalations', labels: { kind, brand, step: 'sla_breach' } });
      // A page the pager refused was recorded too; it woke nobody.
      if (e.type === 'paged' && pageAccepted(e.data.response)) changes.push({ metric: 'pagesSent', labels: { brand, priority } });
      break;
    case 'refund':
      if (e.type === 'settlement_at_risk' || e.type === 'settlement_breached') sla('settlement', e.data.breachAt);
      if (e.type in REFUND_OUTCOMES) changes.push({ metric: 'refunds', labels: { brand, outcome: REFUND_OUTCOMES[e.type]! } });
      break;
    case 'dispute':
      if (e.type in DISPUTE_OUTCOMES) changes.push({ metric: 'disputes', labels: { brand, outcome: DISPUTE_OUTCOMES[e.type]! } });
      break;
    case 'dunning':
      break;
    case 'takedown':
      if (e.type === 'deadline_at_risk') {
        changes.push({ metric: 'takedownClocksAtRisk', labels: { regime: regimeLabel(c.regimes), clock: 'decision' } });
        changes.push({ metric: 'slaAtRisk', labels: { kind, brand, priority, metric: 'decision' } });
      }
      if (e.type === 'deadline_breached') sla('decision', e.data.dueAt);
      if (e.type === 'legal_oncall_paged' || e.type === 'safety_team_paged') changes.push({ metric: 'pagesSent', labels: { brand, priority } });
      break;
  }
  return changes;
}

/** Seconds from `deadline` (ISO text) to `occurredAt`; null when the deadline is missing or unreadable. */
export function latenessSeconds(occurredAt: string, deadline: unknown): number | null {
  if (typeof deadline !== 'string') return null;
  const late = Date.parse(occurredAt) - Date.parse(deadline);
  return Number.isFinite(late) ? Math.max(0, late) / 1000 : null;
}

function pageAccepted(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { status?: unknown }).status !== 'rejected';
}

/** A takedown's regimes, sorted and joined (`dmca`, `dsa+platform_terms`): a handful of values. */
function regimeLabel(regimes: readonly string[] | undefined): string {
  return regimes && regimes.length > 0 ? labelValue([...regimes].sort().join('+')) : OTHER_LABEL;
}
