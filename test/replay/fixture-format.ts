/** The 13 workflow types src/workflows/index.ts exports: one replay fixture each. */
export const REPLAYED_WORKFLOW_TYPES = [
  'ticketWorkflow',
  'incidentWorkflow',
  'alertGroupWorkflow',
  'refundWorkflow',
  'disputeWorkflow',
  'dunningWorkflow',
  'slaCreditSettlementWorkflow',
  'slaCreditSweepWorkflow',
  'takedownWorkflow',
  'preservationWorkflow',
  'transparencyReportWorkflow',
  'endedCasesSweepWorkflow',
  'retentionPurgeWorkflow',
  'cadenceReportWorkflow',
] as const;

/**
 * A history fixture: histories recorded by the code of the day (History.encode, base64) with the
 * test payload key their payloads are encrypted under (a history's own `key` when it was recorded
 * in another run), and what each shows (history-features.ts).
 */
export interface SavedHistoryFile {
  key: string;
  histories: { workflowId: string; features?: string[]; history: string; key?: string }[];
}
