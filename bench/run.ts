import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { Scenario } from './harness/scenario';
import { alertStorm } from './scenarios/alert-storm';
import { crash } from './scenarios/crash';
import { growth } from './scenarios/growth';
import { hotCase } from './scenarios/hot-case';
import { intake } from './scenarios/intake';
import { load } from './scenarios/load';
import { restart } from './scenarios/restart';
import { slaLag } from './scenarios/sla-lag';

/** `make bench [SCENARIO=name]`: each scenario on a fresh stack; JSON per scenario, one table. */
const SCENARIOS: Scenario[] = [intake, slaLag, alertStorm, restart, growth, crash, hotCase, load];
const SKIPPED: Record<string, string> = {};
/** Scenarios that only make sense on the dev server, with why. */
const DEV_SERVER_ONLY: Record<string, string> = {
  restart: "stops and restarts the dev server's SQLite file; on the cluster the crash test (test/cluster/) kills a history process instead",
  growth: "measures the dev server's SQLite file; the worker's memory does not depend on the server",
};
/** BENCH_SERVERS=dev,cluster (the default): every scenario on the dev server, then on `make cluster`'s Temporal. */
const SERVERS = (process.env.BENCH_SERVERS ?? 'dev,cluster').split(',').map((s) => s.trim()).filter((s): s is 'dev' | 'cluster' => s === 'dev' || s === 'cluster');

async function main(): Promise<void> {
  const wanted = process.argv[2];
  const known = [...SCENARIOS.map((s) => s.name), ...Object.keys(SKIPPED)];
  if (wanted && !known.includes(wanted)) {
    process.stderr.write(`unknown scenario "${wanted}"; known: ${known.join(', ')}\n`);
    process.exit(2);
  }
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    revision: safe(() => execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim()),
    dirty: safe(() => execSync('git status --porcelain', { encoding: 'utf8' }).trim() !== ''),
  };
  const outDir = resolve(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  const rows: string[] = [];
  let failed = false;
  const began = Date.now();
  for (const server of SERVERS) {
    process.env.BENCH_SERVER = server;
    for (const scenario of SCENARIOS.filter((s) => !wanted || s.name === wanted)) {
      if (server === 'cluster' && DEV_SERVER_ONLY[scenario.name]) {
        rows.push(`| ${scenario.name} | ${server} | skipped | ${DEV_SERVER_ONLY[scenario.name]} | — |`);
        continue;
      }
      const t = Date.now();
      const log = (line: string) => process.stdout.write(`[${scenario.name}@${server} +${Math.round((Date.now() - t) / 1000)}s] ${line}\n`);
      log(scenario.description);
      try {
        const result = await scenario.run(log);
        const ok = result.checks.every((c) => c.ok);
        failed ||= !ok;
        const record = { scenario: scenario.name, server, description: scenario.description, at: new Date().toISOString(), wallSeconds: Math.round((Date.now() - t) / 1000), machine, ...result };
        writeFileSync(resolve(outDir, `${scenario.name}${server === 'dev' ? '' : `.${server}`}.json`), `${JSON.stringify(record, null, 2)}\n`);
        for (const c of result.checks) log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok || !c.detail ? '' : ` — ${c.detail}`}`);
        rows.push(`| ${scenario.name} | ${server} | ${ok ? 'exact' : '**FAILED**'} | ${result.headline} | ${record.wallSeconds} s |`);
      } catch (err) {
        failed = true;
        log(`error: ${err instanceof Error ? err.stack : String(err)}`);
        rows.push(`| ${scenario.name} | ${server} | **ERROR** | ${err instanceof Error ? err.message.split('\n')[0] : String(err)} | ${Math.round((Date.now() - t) / 1000)} s |`);
      }
    }
  }
  for (const [name, why] of Object.entries(SKIPPED)) if (!wanted || wanted === name) rows.push(`| ${name} | — | skipped | ${why} | — |`);
  process.stdout.write(
    [
      '',
      `Caseworks benchmarks — ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, rev ${machine.revision?.slice(0, 10)}${machine.dirty ? '+dirty' : ''}, ${Math.round((Date.now() - began) / 1000)} s`,
      '',
      '| scenario | server | exactness | figures | wall |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
  process.exit(failed ? 1 : 0);
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
