/**
 * The key of the one notification a run of a case's workflow gets when it ends abnormally: the
 * case and the run (a case whose next run ends abnormally too is told again). Shared by the sweep
 * workflow, which sends under it, and its activity, which leaves out runs already told.
 */
export function endedCaseKey(workflowId: string, runId: string): string {
  return `case-ended:${workflowId}:${runId}`;
}
