import { setFlagsFromString } from 'node:v8';

/**
 * How far each of the worker's V8 heaps may grow past what its last full collection left live
 * before the next full collection (V8's `--heap-growing-percent`); 0 leaves it to V8.
 *
 * Why it is a setting: V8 picks that factor itself, from how fast its collections run against the
 * program, up to 4× for heaps this size. The workflow thread churns all day (cases instantiated
 * when cached, dropped when evicted), so between two full collections its garbage can pile up to
 * a multiple of what is live, and the worker's RSS swings with it. A bound narrows the swing and
 * lowers the peak, for more full collections: at 20, growth 1,000 → 10,000 open (cache 1,000)
 * peaked at 730–732 MiB while opening (933 MiB in the one run without it that read the peak), and
 * sla-lag cost the worker 55–56 ms of CPU per breach against 42–43 (docs/scaling.md, "Memory
 * per open case"). So the default is V8's own, and a deployment short of memory rather than CPU
 * may set it.
 *
 * V8 reads it at every full collection, and it is one setting per process: set at the worker's
 * start, it holds for the SDK's workflow threads (test/unit/heap-growth.spec.ts checks a thread
 * made after) and wins over node's command line.
 */
export function setHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growing percent must be a whole number ≥ 0, not ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
