import { execFileSync } from 'node:child_process';

/**
 * BENCH_GROWTH_AT_MEASURE="<shell command>": run at each of the growth scenario's measurements,
 * right after the probe's collection and before the GETs, with WORKER_PID and BENCH_OPEN (the
 * tickets open) in its environment; the scenario waits for it, and a command that fails ends the
 * run (a profile missing at one point would leave nothing to compare). For what only the worker's
 * own allocator can say at that moment, e.g. gdb calling glibc's malloc_stats() and malloc_trim(0)
 * or jemalloc's mallctl("prof.dump") (docs/scaling.md, "What the native growth is").
 */
export function runAtMeasure(command: string | undefined, workerPid: number, open: number): void {
  if (!command) return;
  execFileSync('sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, WORKER_PID: String(workerPid), BENCH_OPEN: String(open) } });
}
