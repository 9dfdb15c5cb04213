import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ticketWorkflow } from '../../src/workflows';
import { startTemporalDevServer } from '../../scripts/dev-server';
import { ticketInput } from '../../test/support/tickets';
import { check, Scenario } from '../harness/scenario';
import { countWhen, countWhileProgressing, startStack } from '../harness/stack';
import { round, runPool, summary } from '../harness/stats';

const N = Number(process.env.BENCH_RESTART_N ?? 500);

/** 500 pending timers survive a stop and restart of the (file-backed) Temporal server. */
export const restart: Scenario = {
  name: 'restart',
  description: `${N} open timers (deadlines over 30 s, starting about when all are open); the dev server is stopped and restarted mid-run`,
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'caseworks-bench-restart-'));
    const dbFilename = join(dir, 'temporal.db');
    const stack = await startStack({ dbFilename });
    try {
      // The first deadlines fall just after the last ticket is open, so the 5 s outage (which starts
      // then) holds pending timers and the rest fire after it: lateness measures the restart, not
      // the opening backlog (the file-backed server opens ~7 tickets/s on the 2-core machine).
      const base = Date.now() + Math.max(20_000, N * 150);
      log(`opening ${N} tickets`);
      await runPool(N, 64, async (i) => {
        const target = Math.max(1_000, base + Math.floor((i * 30_000) / N) - Date.now());
        const input = ticketInput({ priority: 'P2' }, { firstResponse: target, resolution: 3_600_000 });
        await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
      });
      await countWhen(stack.ds, `SELECT count(*)::int AS n FROM ticket_events WHERE type = 'opened'`, [], N, 60_000);
      log('stopping the Temporal server');
      const stoppedAt = Date.now();
      await stack.server.stop();
      const downMs = 5_000;
      await new Promise((r) => setTimeout(r, downMs)); // the outage itself is the experiment
      stack.server = await startTemporalDevServer({ dbFilename, port: stack.serverPort, logLevel: 'error' });
      const restartedAfterMs = Date.now() - stoppedAt;
      log(`server back after ${restartedAfterMs} ms; waiting for ${N} breaches`);
      const breaches = await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM ticket_events WHERE type = 'sla_breached'`, [], N, { firstExpectedAt: base, log });
      const rows: { lateness_ms: number; during: boolean }[] = await stack.ds.query(
        `SELECT extract(epoch FROM occurred_at - (data->>'deadlineAt')::timestamptz) * 1000 AS lateness_ms,
                (data->>'deadlineAt')::timestamptz < to_timestamp($1 / 1000.0) AS during
           FROM ticket_events WHERE type = 'sla_breached'`,
        [stoppedAt + restartedAfterMs],
      );
      const all = summary(rows.map((r) => Number(r.lateness_ms)));
      const after = summary(rows.filter((r) => !r.during).map((r) => Number(r.lateness_ms)));
      const workerAlive = stack.worker.child.exitCode === null;
      return {
        figures: { n: N, outageMs: restartedAfterMs, latenessMs: all, latenessAfterRestartMs: after, deadlinesDuringOutage: rows.filter((r) => r.during).length, workerSurvived: workerAlive },
        checks: [check('every timer fired', breaches === N, `${breaches} of ${N}`), check('the worker reconnected by itself', workerAlive)],
        headline: `${breaches}/${N} timers fired after a ${round(restartedAfterMs / 1000)} s outage; lateness p50 ${all.p50} p99 ${all.p99} max ${all.max} ms (deadlines after restart: p99 ${after.p99} ms)`,
      };
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
