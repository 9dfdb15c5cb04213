import { CASE_KINDS } from '../../api/cases/case-kinds';

/**
 * The attributes Caseworks adds to spans. A case ID names a case, not a person: it may go on a
 * span (never on a metric label). Customer names, e-mail addresses, ticket text and secrets never
 * go on a span.
 */
export const CASE_ID_ATTRIBUTE = 'caseworks.case_id';
/** Which outside service an outgoing HTTP call went to (pagerduty, stripe, notify-webhook, …). */
export const OUTSIDE_SYSTEM_ATTRIBUTE = 'caseworks.outside_system';

/** The case a workflow ID belongs to: a case's workflow ID is its case ID; ops workflows (sweeps, purges) have none. */
export function caseIdOf(workflowId: string | undefined): string | undefined {
  if (!workflowId) return undefined;
  return Object.values(CASE_KINDS).some((kind) => kind.isId(workflowId)) ? workflowId : undefined;
}
