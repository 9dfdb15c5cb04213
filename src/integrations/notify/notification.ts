import type { EscalationLevel, SlaMetric } from '../../domain/policy/policy.schema';

/**
 * A message to people about a case: an SLA warning or escalation step on a ticket, or a
 * post-incident review reminder / overdue escalation. No personal data.
 */
export interface Notification {
  /** Business key (case + metric + cycle + step): the same notification is never sent twice. */
  key: string;
  kind:
    | 'sla_at_risk'
    | 'sla_escalation'
    | 'review_reminder'
    | 'review_overdue'
    | 'refund_receipt'
    | 'refund_settlement_at_risk'
    | 'refund_settlement_breached'
    | 'refund_remediation'
    | 'dispute_reminder'
    | 'dispute_deadline_missed'
    | 'dunning'
    | 'takedown_deadline_at_risk'
    | 'takedown_deadline_breached'
    | 'takedown_safety_report'
    | 'takedown_preservation_reminder'
    | 'takedown_preservation_released'
    | 'case_needs_attention'
    /** A case's workflow was terminated, timed out or failed (src/workflows/ops/ended-cases-sweep.workflow.ts). */
    | 'case_ended_abnormally'
    /** A stored operations report is ready (src/workflows/ops/report-cadence.workflow.ts); ticketId is the report's ID. */
    | 'report_ready'
    /** A KPI off its pack target two report periods running, told to the operations lead once per run of misses. */
    | 'kpi_off_target'
    /** Onboarding (issue 14): told to the team lead once each; ticketId is the onboarding case's ID. */
    | 'onboarding_overdue'
    | 'onboarding_decision_due'
    | 'refresher_overdue'
    | 'agent_suspended';
  /** The case: a ticket ID, an incident ID for review notifications, a takedown case ID for takedown deadlines. */
  ticketId: string;
  brand: string;
  priority: string;
  metric: SlaMetric | null;
  level: EscalationLevel | 'owner' | 'manager' | 'customer' | 'legal_lead' | 'operations';
  /** The agent for assignee-level messages; routing to a team is the receiver's business. */
  recipient: string | null;
  summary: string;
  /** An SLA warning given after its moment, once the case could act again (its deadline already passed). */
  late?: boolean;
  /**
   * Playback tickets whose priority escalates "with logs attached" (P2+): the checklist's
   * verdicts and the player log references and error codes collected so far.
   */
  troubleshooting?: {
    results: { check: string; outcome: string; findings: string[] }[];
    logs: { playerLogUrl: string | null; screenRecordingUrl: string | null; errorCodes: { code: string; at: string }[] } | null;
  };
}
