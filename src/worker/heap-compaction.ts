import { setFlagsFromString } from 'node:v8';

/**
 * Whether every full garbage collection in this process compacts the heap (V8's
 * `--compact-on-every-full-gc`), the SDK's workflow threads included.
 *
 * Why: the workflow thread instantiates a case when it is cached and drops it when it is evicted,
 * all day. By default V8 moves objects only out of pages that are mostly empty, so the pages that
 * evicted cases left part-used stay committed: from 1,000 to 10,000 open tickets with the cache
 * full at 1,000, the workflow thread's live heap stayed at 129 MiB while its old space grew to
 * 179–198 MiB committed, and RSS ×1.11–1.17 (four runs); compacting, the old space stayed at
 * 132 MiB and RSS ×1.04–1.11 (five runs), for no CPU measurable in sla-lag (docs/scaling.md,
 * "Memory per open case").
 *
 * V8's flags are one set per process, and an isolate made after they are set (the SDK's workflow
 * threads) works under them: set here, at the worker's start, before the SDK makes its threads,
 * the flag reaches every thread (test/unit/heap-compaction.spec.ts checks it in a thread made
 * after), and this setting wins over node's command line.
 */
export function setHeapCompaction(mode: 'on' | 'off'): void {
  setFlagsFromString(mode === 'on' ? '--compact-on-every-full-gc' : '--no-compact-on-every-full-gc');
}
