import { resolve } from 'node:path';
import { savedHistories } from '../test/support/saved-histories';

/**
 * Replays histories a failed bench run saved (`bench/results/histories/<id>.json`, the replay
 * fixtures' format) on a workflow bundle, default the production one (dist/workflow-bundle.js),
 * and says of each whether it replays or how it fails.
 *
 *   npx ts-node --transpile-only bench/replay-history.ts bench/results/histories/<id>.json [...]
 *
 * Replaying encodes the payloads the workflow makes, which seals them under a case key: it needs
 * a migrated database (DATABASE_URL, default the `make dev` one). BENCH_REPLAY_BUNDLE names
 * another bundle (e.g. one built from an older revision, to show a failure is old).
 */
async function main(files: string[]): Promise<number> {
  const bundlePath = resolve(process.env.BENCH_REPLAY_BUNDLE ?? resolve(__dirname, '..', 'dist', 'workflow-bundle.js'));
  let failed = 0;
  for (const file of files) {
    try {
      await savedHistories(resolve(file), { bundlePath }).replayAll();
      process.stdout.write(`replays: ${file}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`FAILS: ${file}\n  ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed;
}

main(process.argv.slice(2)).then(
  (failed) => process.exit(failed ? 1 : 0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  },
);
