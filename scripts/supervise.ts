/**
 * `make dev`'s keeper of one process (the worker): when it exits — SIGTERM, a crash, an exit of
 * its own — it is started again after a backoff, with a log line saying why, while the API and
 * Temporal stay up. SIGINT/SIGTERM to the supervisor (Ctrl-C, dev.sh's cleanup) stop it: the signal
 * goes on to the process, which shuts down gracefully and is not restarted.
 *
 * Usage (compiled, as dist/scripts/supervise.js): node supervise.js <name> -- <command> [args…]
 */
import { ChildProcess, spawn } from 'node:child_process';

/** Exits that restarting cannot fix: 78 (EX_CONFIG) is a refused configuration (loadConfigOrExit). */
const FATAL_EXIT_CODES = [78];

/**
 * Doubling delays from `initialMs` up to `maxMs`; a run that lasted `stableAfterMs` counts as
 * healthy and starts the doubling over, so a crash loop backs off and a rare crash restarts fast.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly initialMs = 1_000,
    private readonly maxMs = 30_000,
    private readonly stableAfterMs = 30_000,
  ) {}

  /** The delay before the next start, after a run that lasted `ranMs`. */
  next(ranMs: number): number {
    if (ranMs >= this.stableAfterMs) this.failures = 0;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }
}

/** Why a process ended, for the log line. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was stopped by ${signal}`;
  return code === 0 ? 'exited (code 0)' : `crashed (exit code ${code})`;
}

export interface SuperviseOptions {
  name: string;
  command: string;
  args: string[];
  /** Aborted: stop the process (SIGTERM, or the signal given as the abort reason) and do not restart it. */
  stop: AbortSignal;
  backoff?: RestartBackoff;
  log?: (line: string) => void;
  /** Where the process's output goes (dev.sh's prefixed log); default inherited. */
  stdio?: 'inherit' | 'ignore';
}

/**
 * Runs the process until `stop` aborts, restarting it after each exit. Resolves with the exit code
 * the supervisor should end with: 0 after a stop, or the process's own fatal code (a refused
 * configuration), which restarting would only repeat.
 */
export function supervise({ name, command, args, stop, backoff = new RestartBackoff(), log = (l) => process.stdout.write(`${l}\n`), stdio = 'inherit' }: SuperviseOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    let child: ChildProcess | undefined;
    let restartTimer: NodeJS.Timeout | undefined;
    let runs = 0;

    const start = () => {
      restartTimer = undefined;
      runs++;
      const startedAt = Date.now();
      // Its own process group: a Ctrl-C reaches the supervisor alone, which passes exactly one
      // signal on (the worker's runtime takes a second one as "stop now", skipping its graceful shutdown).
      const current = spawn(command, args, { stdio, detached: true });
      child = current;
      current.once('error', (err) => log(`[supervisor] ${name} could not be started: ${err.message}`));
      current.once('exit', (code, signal) => {
        child = undefined;
        if (stop.aborted) {
          log(`[supervisor] ${name} ${describeExit(code, signal)}; stopped`);
          resolve(0);
          return;
        }
        if (code !== null && FATAL_EXIT_CODES.includes(code)) {
          log(`[supervisor] ${name} ${describeExit(code, signal)}: its configuration is refused, not restarting`);
          resolve(code);
          return;
        }
        const ran = Date.now() - startedAt;
        const delay = backoff.next(ran);
        log(`[supervisor] ${name} ${describeExit(code, signal)} after ${Math.round(ran / 1000)} s; restarting in ${(delay / 1000).toFixed(1)} s (restart ${runs})`);
        restartTimer = setTimeout(start, delay);
      });
    };

    stop.addEventListener(
      'abort',
      () => {
        if (restartTimer) {
          clearTimeout(restartTimer);
          log(`[supervisor] stopped while ${name} was waiting to restart`);
          resolve(0);
        } else if (child) {
          const signal: NodeJS.Signals = stop.reason === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
          child.kill(signal);
        }
      },
      { once: true },
    );
    start();
  });
}

if (require.main === module) {
  const [name, separator, command, ...args] = process.argv.slice(2);
  if (!name || separator !== '--' || !command) {
    process.stderr.write('usage: supervise.js <name> -- <command> [args…]\n');
    process.exit(64);
  }
  const stopping = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopping.abort(signal));
  void supervise({ name, command, args, stop: stopping.signal }).then((code) => process.exit(code));
}
