import { resolve } from 'node:path';
import { savedHistories } from '../../test/support/saved-histories';

/**
 * The worker's CPU per replayed history, apart from the stack: replays the histories of a replay
 * fixture (test/replay/fixtures, default the tickets') `rounds` times on a replay worker and
 * prints the process's CPU (all threads) per replayed history. A replay runs the same workflow
 * code as a live task, with no server, database round trip or other process beside it, so two
 * builds or two sets of node flags compare within a few percent where `make bench` drifts by
 * tens.
 *
 *   npx ts-node --transpile-only bench/micro/replay-cpu.ts [fixture.json] [rounds]
 *   # the same without the SDK's per-promise stack traces (src/worker/without-workflow-stack-traces.ts):
 *   NODE_OPTIONS="-r ts-node/register/transpile-only -r ./src/worker/without-workflow-stack-traces.ts" \
 *     npx ts-node --transpile-only bench/micro/replay-cpu.ts
 *
 * Replaying seals payloads under a case key: it needs a migrated database (DATABASE_URL, default
 * the `make dev` one; `make migrate`). The bundle is dist/workflow-bundle.js (`npm run build`),
 * or the one BENCH_REPLAY_BUNDLE names.
 */
async function main(fixture: string, rounds: number): Promise<void> {
  if (!(rounds >= 2)) throw new Error('rounds: at least 2');
  const bundlePath = resolve(process.env.BENCH_REPLAY_BUNDLE ?? resolve(__dirname, '..', '..', 'dist', 'workflow-bundle.js'));
  const saved = savedHistories(fixture, { bundlePath });
  // Each pass starts a replay worker (its thread, the bundle): a pass of one round and one of
  // `rounds`, and the difference between them is the replays alone.
  const pass = async (n: number): Promise<number> => {
    const before = process.cpuUsage();
    await saved.replayAll(Array.from({ length: n }, () => saved.histories).flat());
    const cpu = process.cpuUsage(before);
    return (cpu.user + cpu.system) / 1000;
  };
  const one = await pass(1);
  const started = Date.now();
  const all = await pass(rounds);
  const replays = (rounds - 1) * saved.histories.length;
  const line = { fixture, histories: saved.histories.length, rounds, wallMs: Date.now() - started, cpuMs: Math.round(all), cpuPerReplayMs: Math.round(((all - one) / replays) * 100) / 100 };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const [fixture = 'ticketWorkflow.json', rounds = '10'] = process.argv.slice(2);
main(fixture, Number(rounds)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
