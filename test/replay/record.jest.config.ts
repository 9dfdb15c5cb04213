import type { Config } from 'jest';

/**
 * The history recorder: runs workflow/HTTP specs on one dev server (their scenarios are the
 * recordings), then record-teardown.ts writes test/replay/fixtures/<type>.json from what ran.
 *   RECORD_TYPES=ticketWorkflow npx jest -c test/replay/record.jest.config.ts --runInBand
 * records one type from the specs that drive it (SPECS_BY_TYPE); no RECORD_TYPES: all 13.
 */
const SPECS_BY_TYPE: Record<string, string[]> = {
  ticketWorkflow: ['workflows/ticket.workflow', 'workflows/ticket-continue-as-new', 'workflows/ticket-late-warning', 'workflows/needs-attention', 'workflows/forged-actors', 'workflows/ticket-notify-outage'],
  incidentWorkflow: ['workflows/incident.workflow', 'workflows/incident-continue-as-new', 'workflows/needs-attention'],
  alertGroupWorkflow: ['api/incidents.e2e'],
  refundWorkflow: ['workflows/refund.workflow', 'workflows/billing-continue-as-new', 'workflows/needs-attention', 'workflows/card-data'],
  disputeWorkflow: ['workflows/billing-continue-as-new', 'api/disputes.e2e', 'workflows/needs-attention', 'workflows/card-data'],
  dunningWorkflow: ['workflows/dunning.workflow', 'workflows/billing-continue-as-new', 'workflows/needs-attention'],
  slaCreditSettlementWorkflow: ['workflows/sla-credit-settlement', 'workflows/sla-credit-crash'],
  slaCreditSweepWorkflow: ['workflows/sla-credit-settlement'],
  takedownWorkflow: ['workflows/takedown.workflow', 'workflows/takedown-continue-as-new', 'api/takedowns.e2e'],
  preservationWorkflow: ['workflows/takedown-preservation', 'workflows/takedown-continue-as-new', 'workflows/needs-attention'],
  transparencyReportWorkflow: ['workflows/transparency-schedule'],
  endedCasesSweepWorkflow: ['workflows/ended-cases-sweep'],
  retentionPurgeWorkflow: ['workflows/retention-purge'],
  cadenceReportWorkflow: ['api/cadence-reports.e2e'],
};

const requested = (process.env.RECORD_TYPES ?? '').split(',').map((t) => t.trim()).filter(Boolean);
for (const type of requested) if (!SPECS_BY_TYPE[type]) throw new Error(`RECORD_TYPES: unknown workflow type ${type} (one of ${Object.keys(SPECS_BY_TYPE).join(', ')})`);
const specs = [...new Set((requested.length ? requested : Object.keys(SPECS_BY_TYPE)).flatMap((type) => SPECS_BY_TYPE[type]))];

const config: Config = {
  rootDir: '../..',
  testTimeout: 60_000,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: specs.map((spec) => `<rootDir>/test/${spec}.spec.ts`),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/replay/record-teardown.ts',
};

export default config;
