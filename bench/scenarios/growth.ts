import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ticketWorkflow } from '../../src/workflows';
import { ticketInput } from '../../test/support/tickets';
import { runAtMeasure } from '../harness/at-measure';
import { memoryProbeNodeArgs, probeMemory } from '../harness/memory-probe';
import { check, Scenario } from '../harness/scenario';
import { benchMetricsAddress, sdkCacheMetrics } from '../harness/sdk-metrics';
import { countWhileProgressing, Stack, startStack } from '../harness/stack';
import { round, runPool, summary } from '../harness/stats';

const SMALL = Number(process.env.BENCH_GROWTH_SMALL ?? 1_000);
const LARGE = Number(process.env.BENCH_GROWTH_LARGE ?? 10_000);
/**
 * The worker's workflow cache in this scenario: BENCH_GROWTH_CACHE, else WORKER_MAX_CACHED_WORKFLOWS
 * from this environment, else the small size. At the small size the cache is full from the first
 * measurement on, so the ratio shows whether anything but the cache grows with the open cases
 * (issue 17: flat with a bounded cache). The product's default of 2,000 (sized for sla-lag) is
 * still filling between 1,000 and 2,000 open; BENCH_GROWTH_CACHE=2000 measures that, and what one
 * more cached workflow costs.
 */
function cacheSize(): number {
  const given = process.env.BENCH_GROWTH_CACHE ?? process.env.WORKER_MAX_CACHED_WORKFLOWS;
  const size = given === undefined ? SMALL : Number(given);
  if (!Number.isInteger(size) || size < 1) throw new Error(`BENCH_GROWTH_CACHE: "${given}" is not a positive whole number`);
  return size;
}
/** Within this ratio, large/small worker RSS counts as flat (issue 17: a bounded cache). */
const FLAT_RSS = 1.1;
const MiB = 1024 * 1024;

/**
 * What 10× more open tickets cost: worker memory (RSS; V8 heap of the main thread and of the
 * workflow thread after a GC; the workflows the SDK holds cached), server database size, API read
 * latency. Memory comes from a probe preloaded into the worker (bench/harness/memory-probe.ts),
 * the cache size from the worker's Prometheus endpoint (the SDK's temporal_sticky_cache_size).
 */
export const growth: Scenario = {
  name: 'growth',
  description: `worker RSS and heap, cached workflows, server DB size and GET /v1/tickets/:id p99 with ${SMALL} and ${LARGE} open tickets`,
  async run(log) {
    const CACHE_CONFIGURED = cacheSize();
    const dir = mkdtempSync(join(tmpdir(), 'caseworks-bench-growth-'));
    const dbFilename = join(dir, 'temporal.db');
    const metricsAddress = await benchMetricsAddress();
    const stack = await startStack({ api: true, dbFilename, extraEnv: { WORKER_METRICS_ADDRESS: metricsAddress, WORKER_MAX_CACHED_WORKFLOWS: String(CACHE_CONFIGURED) }, workerNodeArgs: memoryProbeNodeArgs() });
    const ids: string[] = [];
    try {
      const openUpTo = async (total: number) => {
        log(`opening tickets up to ${total}`);
        await runPool(total - ids.length, 64, async () => {
          const input = ticketInput({ priority: 'P4', account: 'bench' }); // the bench client key's account, so its GETs see them
          ids.push(input.ticketId);
          await startTicket(stack, input, log);
        }, (d) => log(`  +${d}`));
        // Measure a settled stack: every ticket running and in the read model.
        // Up to an hour in all: on a shared 2-core machine the worker ran the first tasks of 9,000
        // new tickets at ~7/s (measured 2026-12-05), past the harness's 15 minutes. A stall (60 s
        // without a new ticket in the read model) still ends the wait.
        const recorded = await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM tickets`, [], total, { log, maxMs: 60 * 60_000 });
        if (recorded < total) throw new Error(`only ${recorded} of ${total} tickets reached the read model (stalled)`);
      };
      log(`worker cache: WORKER_MAX_CACHED_WORKFLOWS=${CACHE_CONFIGURED}`);
      await openUpTo(SMALL);
      const small = await measure(stack, ids, dbFilename, metricsAddress);
      log(`at ${SMALL}: ${JSON.stringify(small)}`);
      // The next peak is the second phase's alone (opening the rest, settling), the probe's
      // collection and the GETs above left out.
      stack.worker.resetPeakRss();
      await openUpTo(LARGE);
      const large = await measure(stack, ids, dbFilename, metricsAddress);
      log(`at ${LARGE}: ${JSON.stringify(large)}`);
      const ratio = (a: number, b: number) => round(b / a, 2);
      // Three decimals, and flat judged on the exact ratio: ×1.1016 rounded to ×1.1 is not flat.
      const rssGrowth = round(large.workerRssKiB / small.workerRssKiB, 3);
      const flat = large.workerRssKiB / small.workerRssKiB <= FLAT_RSS;
      // What one more cached workflow costs, where the number cached changed between the two sizes.
      const moreCached = large.cachedWorkflows - small.cachedWorkflows;
      // Only when the number moved enough to divide by (a full cache at both sizes gives none).
      const perCached = (a: number, b: number) => (moreCached >= 100 ? round((b - a) / moreCached, 1) : null);
      return {
        figures: {
          cacheConfigured: CACHE_CONFIGURED,
          workerAllocator: stack.worker.allocator(),
          small: { open: SMALL, ...small },
          large: { open: LARGE, ...large },
          growth: {
            workerRss: rssGrowth,
            workerRssFlat: flat,
            // Each phase's highest RSS: where the level between collections peaked while opening.
            workerPeakRss: round(large.workerPeakRssKiB / small.workerPeakRssKiB, 3),
            workflowThreadHeapUsed: ratio(small.workflowThreadHeapUsedKiB, large.workflowThreadHeapUsedKiB),
            mainHeapUsed: ratio(small.mainHeapUsedKiB, large.mainHeapUsedKiB),
            serverDb: ratio(small.serverDbKiB, large.serverDbKiB),
            apiP99: ratio(small.apiGet.p99, large.apiGet.p99),
          },
          perCachedWorkflowKiB: { rss: perCached(small.workerRssKiB, large.workerRssKiB), workflowThreadHeapUsed: perCached(small.workflowThreadHeapUsedKiB, large.workflowThreadHeapUsedKiB) },
          flatTarget: `large/small worker RSS <= ${FLAT_RSS}`,
        },
        checks: [
          check('every GET answered 200', small.failures + large.failures === 0, `${small.failures + large.failures} failures`),
          check('the workflow cache holds at most its configured size', Math.max(small.cachedWorkflows, large.cachedWorkflows) <= CACHE_CONFIGURED, `${small.cachedWorkflows} and ${large.cachedWorkflows} cached, ${CACHE_CONFIGURED} configured`),
        ],
        headline:
          `${SMALL}→${LARGE} open (cache ${CACHE_CONFIGURED}: ${small.cachedWorkflows}→${large.cachedWorkflows} cached, malloc ${stack.worker.allocator()}): worker RSS ${Math.round(small.workerRssKiB / 1024)}→${Math.round(large.workerRssKiB / 1024)} MiB (×${rssGrowth}${flat ? ', flat' : ''}; peak while opening ${Math.round(small.workerPeakRssKiB / 1024)}→${Math.round(large.workerPeakRssKiB / 1024)} MiB), ` +
          `workflow-thread heap ${Math.round(small.workflowThreadHeapUsedKiB / 1024)}→${Math.round(large.workflowThreadHeapUsedKiB / 1024)} MiB, main heap ${Math.round(small.mainHeapUsedKiB / 1024)}→${Math.round(large.mainHeapUsedKiB / 1024)} MiB, ` +
          `server DB ${Math.round(small.serverDbKiB / 1024)}→${Math.round(large.serverDbKiB / 1024)} MiB, GET p99 ${small.apiGet.p99}→${large.apiGet.p99} ms`,
      };
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Starts one ticket. A PostgreSQL that refuses connections (the machine's server is shared: "too
 * many clients already", from the client's case-key codec, before anything is sent) is waited out;
 * a start that did reach the server and is retried finds the ticket started. Any other failure is
 * logged here: stopping the stack closes the client under the other starts' retries, which can end
 * the process before the error is reported.
 */
async function startTicket(stack: Stack, input: ReturnType<typeof ticketInput>, log: (l: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
      return;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt > 1) return;
      if (attempt < 30 && err instanceof Error && /too many clients/.test(err.message)) {
        await new Promise((r) => setTimeout(r, 2_000));
        continue;
      }
      log(`start of ${input.ticketId} failed: ${err instanceof Error ? err.stack : String(err)}`);
      throw err;
    }
  }
}

async function measure(stack: Stack, ids: string[], dbFilename: string, metricsAddress: string) {
  // RSS as the OS counts it, before anything here touches the worker (the probe GCs).
  const workerRssKiB = stack.worker.rssKiB();
  const workerPeakRssKiB = stack.worker.peakRssKiB();
  const memory = await probeMemory(stack.worker);
  runAtMeasure(process.env.BENCH_GROWTH_AT_MEASURE, stack.worker.child.pid!, ids.length);
  const sdk = await sdkCacheMetrics(metricsAddress);
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
  const kib = (bytes: number) => Math.round(bytes / 1024);
  const threadHeap = memory.threads.reduce((sum, t) => sum + t.heapUsed, 0);
  return {
    workerRssKiB,
    workerPeakRssKiB,
    workerRssAfterGcKiB: kib(memory.rss),
    mainHeapUsedKiB: kib(memory.main.heapUsed),
    workflowThreadHeapUsedKiB: kib(threadHeap),
    workflowThreads: memory.threads.map((t) => ({ heapUsedMiB: round(t.heapUsed / MiB), heapTotalMiB: round(t.heapTotal / MiB), externalMiB: round(t.external / MiB), mallocedMiB: round(t.mallocedMemory / MiB), nativeContexts: t.nativeContexts, spacesMiB: spacesMiB(t.spaces) })),
    mainSpacesMiB: spacesMiB(memory.main.spaces),
    mainHeapTotalKiB: kib(memory.main.heapTotal),
    externalKiB: kib(memory.external),
    arrayBuffersKiB: kib(memory.arrayBuffers),
    // What the heaps do not explain: the Rust core, native buffers, freed but unreturned pages.
    outsideV8HeapsKiB: kib(memory.rss - memory.main.heapTotal - memory.threads.reduce((sum, t) => sum + t.heapTotal, 0)),
    // The same resident memory by kind of mapping: where "outside the V8 heaps" is.
    residentKiB: memory.residentKiB,
    cachedWorkflows: sdk.temporal_sticky_cache_size ?? NaN,
    sdk,
    serverDbKiB: Math.round(dbBytes / 1024),
    apiGet: summary(latencies),
    sources,
    failures,
    failed,
  };
}

/** The heap spaces that hold at least 1 MiB, as committed/used MiB: where a heap's reserve sits. */
function spacesMiB(spaces: Record<string, { size: number; used: number }>): Record<string, string> {
  return Object.fromEntries(Object.entries(spaces).filter(([, s]) => s.size >= MiB).map(([name, s]) => [name, `${round(s.size / MiB)}/${round(s.used / MiB)}`]));
}
