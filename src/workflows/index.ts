// What the worker bundles: every workflow type, and nothing from the worker's world.
export { ticketWorkflow } from './ticket/ticket.workflow';
export { incidentWorkflow } from './incident/incident.workflow';
export { alertGroupWorkflow } from './incident/alert-group.workflow';
export { refundWorkflow } from './billing/refund.workflow';
export { disputeWorkflow } from './billing/dispute.workflow';
export { dunningWorkflow } from './billing/dunning.workflow';
export { slaCreditSettlementWorkflow, slaCreditSweepWorkflow } from './billing/sla-credit-settlement.workflow';
export { takedownWorkflow } from './takedown/takedown.workflow';
export { preservationWorkflow } from './takedown/preservation.workflow';
export { transparencyReportWorkflow } from './takedown/transparency-report.workflow';
export { onboardingWorkflow } from './onboarding/onboarding.workflow';
export { endedCasesSweepWorkflow } from './ops/ended-cases-sweep.workflow';
export { retentionPurgeWorkflow } from './ops/retention-purge.workflow';
export { cadenceReportWorkflow } from './ops/report-cadence.workflow';
export { crmSyncWorkflow } from './ops/crm-sync.workflow';
export { customerSignalsWorkflow } from './ops/customer-signals.workflow';
