import { statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ticketWorkflow } from '../../src/workflows';
import { ticketInput } from '../../test/support/tickets';
import { check, Scenario } from '../harness/scenario';
import { countWhileProgressing, Stack, startStack } from '../harness/stack';
import { round, runPool, summary } from '../harness/stats';

const SMALL = Number(process.env.BENCH_GROWTH_SMALL ?? 1_000);
const LARGE = Number(process.env.BENCH_GROWTH_LARGE ?? 10_000);

/** What 10× more open tickets cost: worker memory, server database size, API read latency. */
export const growth: Scenario = {
  name: 'growth',
  description: `worker RSS, server DB size and GET /v1/tickets/:id p99 with ${SMALL} and ${LARGE} open tickets`,
  async run(log) {
    const dir = mkdtempSync(join(tmpdir(), 'caseworks-bench-growth-'));
    const dbFilename = join(dir, 'temporal.db');
    const stack = await startStack({ api: true, dbFilename });
    const ids: string[] = [];
    try {
      const openUpTo = async (total: number) => {
        log(`opening tickets up to ${total}`);
        await runPool(total - ids.length, 64, async () => {
          const input = ticketInput({ priority: 'P4', account: 'bench' }); // the bench client key's account, so its GETs see them
          ids.push(input.ticketId);
          await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
        }, (d) => log(`  +${d}`));
        // Measure a settled stack: every ticket running and in the read model.
        const recorded = await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM tickets`, [], total, { log });
        if (recorded < total) throw new Error(`only ${recorded} of ${total} tickets reached the read model (stalled)`);
      };
      await openUpTo(SMALL);
      const small = await measure(stack, ids, dbFilename);
      log(`at ${SMALL}: ${JSON.stringify(small)}`);
      await openUpTo(LARGE);
      const large = await measure(stack, ids, dbFilename);
      log(`at ${LARGE}: ${JSON.stringify(large)}`);
      const ratio = (a: number, b: number) => round(b / a, 2);
      return {
        figures: { small: { open: SMALL, ...small }, large: { open: LARGE, ...large }, growth: { workerRss: ratio(small.workerRssKiB, large.workerRssKiB), serverDb: ratio(small.serverDbKiB, large.serverDbKiB), apiP99: ratio(small.apiGet.p99, large.apiGet.p99) } },
        checks: [check('every GET answered 200', small.failures + large.failures === 0, `${small.failures + large.failures} failures`)],
        headline: `${SMALL}→${LARGE} open: worker RSS ${Math.round(small.workerRssKiB / 1024)}→${Math.round(large.workerRssKiB / 1024)} MiB, server DB ${Math.round(small.serverDbKiB / 1024)}→${Math.round(large.serverDbKiB / 1024)} MiB, GET p99 ${small.apiGet.p99}→${large.apiGet.p99} ms`,
      };
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function measure(stack: Stack, ids: string[], dbFilename: string) {
  let failures = 0;
  const sources: Record<string, number> = {};
  const failed: string[] = [];
  const { latencies } = await runPool(200, 16, async () => {
    const id = ids[Math.floor(Math.random() * ids.length)];
    const res = await fetch(`${stack.apiUrl}/v1/tickets/${id}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    const source = res.headers.get('caseworks-source') ?? 'none';
    sources[source] = (sources[source] ?? 0) + 1;
    if (res.status !== 200) {
      failures++;
      if (failed.length < 3) failed.push(`${res.status} ${(await res.text()).slice(0, 200)}`);
    } else await res.arrayBuffer();
  });
  const dbBytes = ['', '-wal'].reduce((sum, suffix) => sum + (statSync(dbFilename + suffix, { throwIfNoEntry: false })?.size ?? 0), 0);
  return { workerRssKiB: stack.worker.rssKiB(), serverDbKiB: Math.round(dbBytes / 1024), apiGet: summary(latencies), sources, failures, failed };
}
