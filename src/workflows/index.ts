// What the worker bundles: every workflow type, and nothing from the worker's world.
//
// Each type's module is loaded when a workflow of that type first runs, not when the bundle's
// entry is imported. With reuseV8Context the SDK gives every workflow its own instance of each
// module it loads, so a ticket used to instantiate every case kind's workflows (367 KiB of
// bundled source) where it needs its own (~104 KiB); each cached case kept all of them, and each
// new or replayed case paid to evaluate them. Loading a module runs no workflow API and issues no
// command, so when it happens does not touch histories. The domain rules are shared by all
// workflows instead (src/worker/workflow-bundle.ts, domainModules).
/* eslint-disable @typescript-eslint/no-require-imports -- require() inside a function is how the bundle loads a module on first use */
import type * as Ticket from './ticket/ticket.workflow';
import type * as Incident from './incident/incident.workflow';
import type * as AlertGroup from './incident/alert-group.workflow';
import type * as Refund from './billing/refund.workflow';
import type * as Dispute from './billing/dispute.workflow';
import type * as Dunning from './billing/dunning.workflow';
import type * as SlaCredits from './billing/sla-credit-settlement.workflow';
import type * as Takedown from './takedown/takedown.workflow';
import type * as Preservation from './takedown/preservation.workflow';
import type * as Transparency from './takedown/transparency-report.workflow';
import type * as Onboarding from './onboarding/onboarding.workflow';
import type * as EndedCases from './ops/ended-cases-sweep.workflow';
import type * as RetentionPurge from './ops/retention-purge.workflow';
import type * as Cadence from './ops/report-cadence.workflow';
import type * as CrmSync from './ops/crm-sync.workflow';
import type * as CustomerSignals from './ops/customer-signals.workflow';

/**
 * The workflow `name` exported from the module `load` returns, loaded on the first call. The
 * function carries the workflow's name (clients and schedules name the type by it) and its type.
 */
function onFirstUse<M, K extends keyof M & string>(name: K, load: () => M): M[K] {
  const run = (...args: unknown[]) => (load()[name] as (...a: unknown[]) => unknown)(...args);
  Object.defineProperty(run, 'name', { value: name });
  return run as M[K];
}

export const ticketWorkflow = onFirstUse('ticketWorkflow', () => require('./ticket/ticket.workflow') as typeof Ticket);
export const incidentWorkflow = onFirstUse('incidentWorkflow', () => require('./incident/incident.workflow') as typeof Incident);
export const alertGroupWorkflow = onFirstUse('alertGroupWorkflow', () => require('./incident/alert-group.workflow') as typeof AlertGroup);
export const refundWorkflow = onFirstUse('refundWorkflow', () => require('./billing/refund.workflow') as typeof Refund);
export const disputeWorkflow = onFirstUse('disputeWorkflow', () => require('./billing/dispute.workflow') as typeof Dispute);
export const dunningWorkflow = onFirstUse('dunningWorkflow', () => require('./billing/dunning.workflow') as typeof Dunning);
export const slaCreditSettlementWorkflow = onFirstUse('slaCreditSettlementWorkflow', () => require('./billing/sla-credit-settlement.workflow') as typeof SlaCredits);
export const slaCreditSweepWorkflow = onFirstUse('slaCreditSweepWorkflow', () => require('./billing/sla-credit-settlement.workflow') as typeof SlaCredits);
export const takedownWorkflow = onFirstUse('takedownWorkflow', () => require('./takedown/takedown.workflow') as typeof Takedown);
export const preservationWorkflow = onFirstUse('preservationWorkflow', () => require('./takedown/preservation.workflow') as typeof Preservation);
export const transparencyReportWorkflow = onFirstUse('transparencyReportWorkflow', () => require('./takedown/transparency-report.workflow') as typeof Transparency);
export const onboardingWorkflow = onFirstUse('onboardingWorkflow', () => require('./onboarding/onboarding.workflow') as typeof Onboarding);
export const endedCasesSweepWorkflow = onFirstUse('endedCasesSweepWorkflow', () => require('./ops/ended-cases-sweep.workflow') as typeof EndedCases);
export const retentionPurgeWorkflow = onFirstUse('retentionPurgeWorkflow', () => require('./ops/retention-purge.workflow') as typeof RetentionPurge);
export const cadenceReportWorkflow = onFirstUse('cadenceReportWorkflow', () => require('./ops/report-cadence.workflow') as typeof Cadence);
export const crmSyncWorkflow = onFirstUse('crmSyncWorkflow', () => require('./ops/crm-sync.workflow') as typeof CrmSync);
export const customerSignalsWorkflow = onFirstUse('customerSignalsWorkflow', () => require('./ops/customer-signals.workflow') as typeof CustomerSignals);
