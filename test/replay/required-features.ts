import type { REPLAYED_WORKFLOW_TYPES } from './fixture-format';

/**
 * What each type's fixture must show (history-features.ts names): the new path of every patch
 * the type's code asks about (as the fixtures' recordings reached them), and, for the case kinds
 * that continue as new, a run that continued as new and the run that took over. A re-recording
 * that loses one fails replay.spec.ts: add a scenario, don't drop the line.
 */
const CONTINUED = ['continued-as-new', 'continued-from'];
const START = ['patch:caseworks-verified-start'];
const SIGNALS = ['patch:caseworks-verified-signals'];
const CASE = [...CONTINUED, 'patch:case-continue-as-new', 'patch:case-needs-attention', ...START];

export const REQUIRED_FEATURES: Record<(typeof REPLAYED_WORKFLOW_TYPES)[number], string[]> = {
  ticketWorkflow: [...CASE, ...SIGNALS, 'patch:notify-in-coverage-window', 'patch:ticket-bounded-sla-history', 'patch:ticket-late-at-risk-warning', 'patch:ticket-record-as-task', 'patch:ticket-system-records-local', 'patch:ticket-clock-sends-local', 'local-activity'],
  incidentWorkflow: [...CASE, ...SIGNALS, 'patch:incident-breach-escalation', 'patch:incident-due-before-auto-resolve', 'patch:incident-lean-records'],
  alertGroupWorkflow: [...START, ...SIGNALS],
  refundWorkflow: [...CASE, ...SIGNALS, 'patch:billing-card-data-remediation', 'patch:refund-trace-number'],
  disputeWorkflow: [...CASE, ...SIGNALS, 'patch:billing-card-data-remediation', 'patch:dispute-3ds-from-charge', 'patch:dispute-refunded-charge', 'patch:dispute-submit-at-internal-deadline', 'patch:dispute-record-evidence-staged'],
  dunningWorkflow: [...CASE, ...SIGNALS],
  slaCreditSettlementWorkflow: [...START],
  slaCreditSweepWorkflow: [...START],
  takedownWorkflow: [...CASE, 'patch:takedown-complaint-reviewer', 'patch:takedown-complaint-window-at-statement', 'patch:takedown-legal-oncall-page', 'patch:takedown-publish-on-change', 'patch:takedown-restriction-end', 'patch:takedown-safety-escalation-page'],
  preservationWorkflow: [...CASE],
  transparencyReportWorkflow: [...START],
  endedCasesSweepWorkflow: [...START],
  retentionPurgeWorkflow: [...CONTINUED, ...START, 'patch:retention-purge-access-log'],
  cadenceReportWorkflow: [...START],
};
