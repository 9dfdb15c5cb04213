import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { loadConfigOrExit } from '../src/config/load-config';
import { temporalCredentialsFrom } from '../src/temporal/temporal-credentials';
import { repairStuckCase, RepairOutcome } from '../src/temporal/stuck-case';

/**
 * `make repair-case CASE=<case-id> [APPLY=1]` — for a case whose workflow task fails on every
 * attempt: says whether it is the known problem of docs/known-problems.md (an update accepted
 * beside an activity result) and, with APPLY=1, resets the case to the task that accepted the
 * update. Prints one JSON line (the outcome) on stdout and what it means on stderr. Reads event
 * types and update names only, so it needs no payload key; it needs the Temporal connection the
 * worker uses (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS, and the cluster's client
 * credentials when the server authorizes callers).
 */
function explain(o: RepairOutcome): string {
  switch (o.outcome) {
    case 'not-stuck':
      return "the case's latest workflow task did not fail: nothing to repair";
    case 'not-current':
      return `run ${o.runId} is no longer the case's current run (${o.currentRunId}): nothing done`;
    case 'stuck-otherwise':
      return `its workflow task fails (event ${o.failedEventId}), but not from the known problem: read the failure in the Temporal UI`;
    case 'found':
      return `stuck by the known problem: run again with APPLY=1 to reset it to event ${o.resetToEventId}, the task that accepted ${o.update}`;
    case 'reset':
      return `reset to event ${o.resetToEventId} (new run ${o.newRunId}): the case runs again from there. ${o.update} is reapplied and refused; repeat the action once the case shows the state it needs`;
  }
}

async function main(): Promise<void> {
  const caseId = process.env.CASE || process.argv[2];
  if (!caseId || !/^[\w.:-]{1,200}$/.test(caseId)) fail('CASE must be a case ID (its workflow ID, e.g. refund-…)');
  const apply = ['1', 'true', 'yes'].includes((process.env.APPLY ?? '').toLowerCase()) || process.argv.includes('--apply');
  const config = loadConfigOrExit();
  const credentials = await temporalCredentialsFrom(config, (msg) => process.stderr.write(`${msg}\n`));
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS === 'on',
    ...(credentials ? { apiKey: () => credentials.token() } : {}),
  });
  try {
    const outcome = await repairStuckCase(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), caseId, { apply });
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    process.stderr.write(`${caseId}: ${explain(outcome)}\n`);
  } finally {
    credentials?.stop();
    await connection.close();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: make repair-case CASE=<case-id> [APPLY=1]\n`);
  process.exit(2);
}

main().catch((err: unknown) => {
  if (err instanceof WorkflowNotFoundError) {
    process.stderr.write(`no case ${err.workflowId} in this namespace (TEMPORAL_NAMESPACE)\n`);
    process.exit(1);
  }
  process.stderr.write(`could not look at the case: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
