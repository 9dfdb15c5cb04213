import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Runs `source` in a new Node process (with `--expose-gc`, TypeScript imports allowed) and returns
 * the last line it printed, parsed as JSON. For tests of process-wide settings (V8's flags) that
 * must not touch the test runner's own process.
 */
export function lastJsonFromNodeChild<T>(source: string, env: Record<string, string> = {}): T {
  const run = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-e', source], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}
