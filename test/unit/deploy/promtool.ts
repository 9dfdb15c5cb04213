import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

/**
 * promtool as scripts/install-promtool.sh leaves it (`make install` runs it), or $PROMTOOL.
 * Missing is a failure, never a skip: the rule checks would otherwise pass by not running.
 */
export function promtoolPath(): string {
  const path = process.env.PROMTOOL || resolve(root, '.tools', 'bin', 'promtool');
  if (!existsSync(path)) throw new Error(`promtool not found at ${path}: run \`bash scripts/install-promtool.sh\` (or \`make install\`) first`);
  return path;
}

/** Runs promtool in deploy/prometheus; returns its exit code and combined output. */
export function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(promtoolPath(), args, { cwd: resolve(root, 'deploy', 'prometheus'), encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
