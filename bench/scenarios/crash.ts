import { existsSync, rmSync } from 'node:fs';
import { crashRecovery } from '../harness/crash-recovery';
import { Scenario } from '../harness/scenario';
import { startStack, Stack } from '../harness/stack';

const TICKETS = Number(process.env.BENCH_CRASH_N ?? 50);
const REFUNDS = Number(process.env.BENCH_CRASH_REFUNDS ?? 20);
const INCIDENTS = Number(process.env.BENCH_CRASH_INCIDENTS ?? 15);
const TAKEDOWNS = Number(process.env.BENCH_CRASH_TAKEDOWNS ?? 15);
const ONBOARDINGS = Number(process.env.BENCH_CRASH_ONBOARDINGS ?? 10);
const KILLS = 5;

/**
 * 100 cases of mixed kinds in flight — tickets (half breach and escalate, half are answered),
 * refunds (one gateway refund each, sandbox ledger), P1 incidents (paging ladders, built-in
 * pager) and DMCA takedowns (removal, counter-notice, restoration on the built-in content
 * platform) and agent onboardings (sessions, double-blind QA, gates, certification) — while the
 * worker is SIGKILLed and restarted.
 */
export const crash: Scenario = {
  name: 'crash',
  description: `${TICKETS} tickets, ${REFUNDS} refunds, ${INCIDENTS} incidents, ${TAKEDOWNS} takedowns, ${ONBOARDINGS} onboardings in flight; the worker is SIGKILLed ${KILLS} times at random moments and restarted`,
  async run(log) {
    const stack = await startStack();
    try {
      const result = await crashRecovery({
        client: stack.client,
        ds: stack.ds,
        taskQueue: stack.taskQueue,
        worker: { kill: () => stack.worker.kill('SIGKILL'), start: () => stack.worker.start() },
        tickets: TICKETS,
        kills: KILLS,
        spanMs: 40_000,
        escalationSteps: 3,
        refunds: REFUNDS,
        incidents: INCIDENTS,
        pagesPerIncident: 2,
        takedowns: TAKEDOWNS,
        onboardings: ONBOARDINGS,
        sealing: stack.sealing,
        log,
      });
      const r = result.figures.recoveryMs as { p50: number; max: number };
      const repeated = (result.figures.refusedThenRepeated as unknown[]).length;
      const reset = (result.figures.resetByWorker as unknown[]).length;
      if (process.env.BENCH_HOLD_ON_FAILURE && !result.checks.every((c) => c.ok)) await holdForInspection(stack, log);
      return { ...result, headline: `${TICKETS} tickets + ${REFUNDS} refunds + ${INCIDENTS} incidents + ${TAKEDOWNS} takedowns + ${ONBOARDINGS} onboardings, ${KILLS} SIGKILLs: ${result.checks.every((c) => c.ok) ? 'every case at its expected end, effects once' : 'EXACTNESS FAILED'}; recovery p50 ${r.p50} ms, max ${r.max} ms; ${repeated} action(s) refused right after a read and repeated; ${reset} stuck case(s) reset by the worker` };
    } finally {
      await stack.stop();
    }
  },
};

/**
 * BENCH_HOLD_ON_FAILURE=<file>: a failed run keeps its stack (server, worker, database) until that
 * file exists, so a stuck case can be inspected and repaired by hand (temporal workflow describe,
 * reset) before it is torn down.
 */
async function holdForInspection(stack: Stack, log: (line: string) => void): Promise<void> {
  const release = process.env.BENCH_HOLD_ON_FAILURE!;
  log(`held for inspection: temporal --address ${stack.server.address}; DATABASE_URL=${stack.databaseUrl}; PAYLOAD_ENCRYPTION_KEY in the saved histories; touch ${release} to go on`);
  while (!existsSync(release)) await new Promise((r) => setTimeout(r, 1_000));
  rmSync(release);
}
