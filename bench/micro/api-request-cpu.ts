/**
 * What the API's own process spends per request, by how far a request gets (ms of CPU from
 * /proc, user and kernel, the API process alone):
 *   health     GET /health/live: HTTP, the global middleware, no guard;
 *   refused    POST /v1/tickets whose body fails validation: + the API key, rate limit, the body's
 *              parsing and input checks, the access log's entry, the problem answer;
 *   opened     POST /v1/tickets: + the CRM lookup, the Idempotency-Key's claim, the case key,
 *              the sealed start, the first state (the worker runs its first task meanwhile;
 *              only the API process is counted).
 * npx ts-node --transpile-only bench/micro/api-request-cpu.ts [requests per kind] [concurrency] [kinds, e.g. health,refused]
 */
import { randomUUID } from 'node:crypto';
import { processCpuMs } from '../harness/cpu';
import { countWhileProgressing, startStack } from '../harness/stack';
import { round, runPool, summary } from '../harness/stats';

const N = Number(process.argv[2] ?? 2_000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const KINDS = (process.argv[4] ?? 'health,refused,opened').split(',');

async function main(): Promise<void> {
  const stack = await startStack({ api: true });
  try {
    const apiPid = stack.api!.child.pid!;
    const ticket = (subject?: string) => ({ brand: 'uoozee', channel: 'email', priority: 'P4', ...(subject === undefined ? {} : { subject }), description: 'bench', customerRef: 'bench' });
    const all: Record<string, { expect: number; send: () => Promise<Response> }> = {
      health: { expect: 200, send: () => fetch(`${stack.apiUrl}/health/live`) },
      refused: { expect: 400, send: () => post(ticket()) },
      opened: { expect: 201, send: () => post(ticket('Buffering')) },
    };
    const unknown = KINDS.filter((k) => !Object.hasOwn(all, k));
    if (unknown.length > 0) throw new Error(`unknown kinds: ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')}`);
    const kinds = Object.fromEntries(KINDS.map((k) => [k, all[k]]));
    function post(body: unknown): Promise<Response> {
      return fetch(`${stack.apiUrl}/v1/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify(body),
      });
    }
    // Warm up each path (JIT, pools, caches) before measuring.
    for (const kind of Object.values(kinds)) await runPool(200, CONCURRENCY, async () => void (await (await kind.send()).arrayBuffer()));
    const warmedUp = KINDS.includes('opened') ? 200 : 0;
    await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM tickets`, [], warmedUp, {});
    const results: Record<string, unknown> = {};
    for (const [name, kind] of Object.entries(kinds)) {
      let wrong = 0;
      const before = processCpuMs(apiPid);
      const run = await runPool(N, CONCURRENCY, async () => {
        const res = await kind.send();
        if (res.status !== kind.expect) wrong++;
        await res.arrayBuffer();
      });
      const after = processCpuMs(apiPid);
      const [userMs, systemMs] = [after.userMs - before.userMs, after.systemMs - before.systemMs];
      results[name] = { apiCpuPerRequestMs: round((userMs + systemMs) / N, 2), userMs: round(userMs / N, 2), systemMs: round(systemMs / N, 2), perSecond: round((N / run.wallMs) * 1000), p50Ms: summary(run.latencies).p50, wrongStatus: wrong };
      // Let the worker finish the opened tickets' first tasks before the next kind is measured.
      if (name === 'opened') await countWhileProgressing(stack.ds, `SELECT count(*)::int AS n FROM tickets`, [], warmedUp + N, {});
    }
    console.log(JSON.stringify({ n: N, concurrency: CONCURRENCY, results }, null, 1));
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
