/**
 * Need to know for decoded workflow payloads (the codec endpoint behind the Temporal UI): which
 * role may read which kind of case, and which fields stay hidden from whom. Pure.
 */

/** The groups of case data a role may read; a workflow type belongs to one. */
export type CaseArea = 'ticket' | 'billing' | 'incident' | 'legal' | 'training' | 'operations';

const AREA_OF_WORKFLOW: Readonly<Record<string, CaseArea>> = {
  ticketWorkflow: 'ticket',
  refundWorkflow: 'billing',
  disputeWorkflow: 'billing',
  dunningWorkflow: 'billing',
  slaCreditSettlementWorkflow: 'billing',
  slaCreditSweepWorkflow: 'billing',
  incidentWorkflow: 'incident',
  alertGroupWorkflow: 'incident',
  takedownWorkflow: 'legal',
  preservationWorkflow: 'legal',
  transparencyReportWorkflow: 'legal',
  // Agents' onboarding: hours, gates, decisions and QA scores while still blind (reviewers must not read them).
  onboardingWorkflow: 'training',
  endedCasesSweepWorkflow: 'operations',
  retentionPurgeWorkflow: 'operations',
  // Stored operations reports: aggregates, report IDs and the operations lead's name; no case data.
  cadenceReportWorkflow: 'operations',
  // Mirroring cases into the CRM: counts and a watermark, no case data.
  crmSyncWorkflow: 'operations',
  // Churn signals: rule IDs, counts and case IDs; no case data.
  customerSignalsWorkflow: 'operations',
};

/**
 * sre: incidents; legal: takedown notices and preservation orders; agent: tickets and billing
 * cases; trainer: onboarding cases (agents, who review QA blind, do not); admin: everything but
 * legal notices (notifiers' identities are legal's alone). Roles not
 * named here (client, billing, privacy) read no workflow data through the codec.
 */
const AREAS_OF_ROLE: Readonly<Record<string, readonly CaseArea[]>> = {
  agent: ['ticket', 'billing'],
  sre: ['incident'],
  legal: ['legal'],
  trainer: ['training'],
  admin: ['ticket', 'billing', 'incident', 'training', 'operations'],
};

/** The area of a workflow type; a type this table does not know yet counts as operations (admin only). */
export function caseAreaOf(workflowType: string): CaseArea {
  return Object.prototype.hasOwnProperty.call(AREA_OF_WORKFLOW, workflowType) ? AREA_OF_WORKFLOW[workflowType] : 'operations';
}

/** Whether the table places this workflow type on purpose (a test checks every workflow the worker runs). */
export function isPlacedWorkflowType(workflowType: string): boolean {
  return Object.prototype.hasOwnProperty.call(AREA_OF_WORKFLOW, workflowType);
}

export function mayReadArea(role: string, area: CaseArea): boolean {
  return (AREAS_OF_ROLE[role] ?? []).includes(area);
}

/** Whether the role may read a payload a workflow of this type wrote. */
export function mayReadWorkflowPayload(role: string, workflowType: string): boolean {
  return mayReadArea(role, caseAreaOf(workflowType));
}

/** The role whose data a hidden value was, as the reader sees it: `[redacted: legal]`. */
export const redactedFor = (area: 'legal' | 'agent') => `[redacted: ${area}]`;

/**
 * Fields by the object they sit in: `notifier.name` is a takedown notifier's name wherever the
 * notice sits in a payload (a workflow input, a recorded activity's argument).
 */
interface FieldRule {
  parent: string | null;
  field: string;
  hiddenAs: 'legal' | 'agent';
}

const FIELD_RULES: readonly FieldRule[] = [
  // The person who sent a takedown notice or a counter-notice (src/domain/takedown/notice.ts,
  // src/workflows/takedown/messages.ts): for legal's eyes only, whatever the reader may see of the case.
  { parent: 'notifier', field: 'name', hiddenAs: 'legal' },
  { parent: 'notifier', field: 'email', hiddenAs: 'legal' },
  { parent: 'statements', field: 'signature', hiddenAs: 'legal' },
  { parent: 'subscriber', field: 'name', hiddenAs: 'legal' },
  { parent: 'subscriber', field: 'address', hiddenAs: 'legal' },
  { parent: 'subscriber', field: 'phone', hiddenAs: 'legal' },
  // A ticket's customer and what they wrote (src/workflows/ticket/messages.ts): for roles that read tickets.
  { parent: null, field: 'customerRef', hiddenAs: 'agent' },
  { parent: null, field: 'customerEmail', hiddenAs: 'agent' },
  { parent: null, field: 'description', hiddenAs: 'agent' },
  { parent: null, field: 'socialPost', hiddenAs: 'agent' },
];

export interface RedactionScope {
  role: string;
  /**
   * The payload is tagged with a workflow type the role may read: that case's own fields are the
   * reader's to see, only legal-only fields stay hidden. Untagged payloads (written by the API or
   * an activity, whose case is unknown) hide ticket customer fields too from roles that do not read tickets.
   */
  caseReadable: boolean;
}

export interface Redacted<T> {
  value: T;
  /** Dotted paths of the fields hidden (names only, for the access log). */
  hidden: string[];
}

/** The value with the fields the role may not see replaced by `[redacted: <role>]`. Does not mutate. */
export function redactForRole<T>(value: T, scope: RedactionScope): Redacted<T> {
  const hidden: string[] = [];
  const hides = (rule: FieldRule) =>
    rule.hiddenAs === 'legal' ? scope.role !== 'legal' : !scope.caseReadable && !mayReadArea(scope.role, 'ticket');
  const walk = (node: unknown, parent: string | null, path: string): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, parent, `${path}${i}.`));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const rule = FIELD_RULES.find((r) => r.field === key && (r.parent === null || r.parent === parent));
      if (rule && child !== null && child !== undefined && hides(rule)) {
        out[key] = redactedFor(rule.hiddenAs);
        hidden.push(`${path}${key}`);
      } else {
        out[key] = walk(child, key, `${path}${key}.`);
      }
    }
    return out;
  };
  return { value: walk(value, null, '') as T, hidden };
}
