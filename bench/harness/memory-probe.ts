import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackProcess } from './stack';

/**
 * Where a worker's memory is, from inside it. Preloaded with `node -r` (so it also runs in the
 * SDK's workflow worker thread, which inherits the process's execArgv): on SIGUSR2 the main thread
 * asks every thread over a BroadcastChannel for its V8 heap (after a GC when `--expose-gc` is on),
 * then prints one line, `caseworks-bench-memory {…}`, with process.memoryUsage() and the threads'
 * heaps. Bench only: the production worker never loads it.
 */
const PROBE = String.raw`
const { isMainThread, threadId } = require('node:worker_threads');
const v8 = require('node:v8');
const channel = new BroadcastChannel('caseworks-bench-memory');
channel.unref();
const heap = () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const h = v8.getHeapStatistics();
  // Each space's committed and used bytes: whether a heap's reserve is the young generation's
  // semi-spaces (grown with the allocation rate) or old-space pages left part-used.
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  return { threadId, heapUsed: h.used_heap_size, heapTotal: h.total_heap_size, external: h.external_memory, mallocedMemory: h.malloced_memory, nativeContexts: h.number_of_native_contexts, spaces };
};
// The process's resident memory by kind of mapping (/proc/self/smaps), in KiB: V8's heap pages
// (anonymous, 256 KiB-aligned), glibc's thread arenas (anonymous, 64 MiB-aligned), the brk heap
// (the main arena), other anonymous memory (large mallocs, the Rust core's), and files (code).
// Under jemalloc (the worker's default, scripts/worker-allocator.sh) the split is glibc's only:
// jemalloc's extents are often 256 KiB-aligned too and count as v8Pages, so compare 'anonymous',
// every anonymous mapping's sum, between allocators.
const residentByKind = () => {
  const kinds = { v8Pages: 0, mallocArenas: 0, brkHeap: 0, otherAnonymous: 0, anonymous: 0, files: 0 };
  let kind = null;
  for (const line of require('node:fs').readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const start = parseInt(m[1], 16), size = parseInt(m[2], 16) - start, name = m[3].trim();
      kind = name === '[heap]' ? 'brkHeap' : name !== '' ? 'files'
        : start % (64 * 1048576) === 0 ? 'mallocArenas'
        : start % 262144 === 0 && size % 262144 === 0 ? 'v8Pages' : 'otherAnonymous';
    } else if (kind && line.startsWith('Rss:')) {
      const kiB = parseInt(line.slice(4), 10);
      kinds[kind] += kiB;
      if (kind !== 'files') kinds.anonymous += kiB;
    }
  }
  return kinds;
};
if (isMainThread) {
  // BENCH_HEAP_SNAPSHOT_DIR: each probe also writes the worker threads' heap snapshots there.
  const threads = new Set();
  const wt = require('node:worker_threads');
  const Original = wt.Worker;
  wt.Worker = class extends Original { constructor(...args) { super(...args); threads.add(this); this.once('exit', () => threads.delete(this)); } };
  let snapshots = 0;
  process.on('SIGUSR2', () => {
    const heaps = [];
    channel.onmessage = (e) => { if (e.data && e.data.type === 'heap') heaps.push(e.data.heap); };
    channel.postMessage({ type: 'ask' });
    setTimeout(() => {
      const before = process.memoryUsage();
      const main = heap();
      const after = process.memoryUsage();
      process.stdout.write('caseworks-bench-memory ' + JSON.stringify({ rssBeforeGc: before.rss, rss: after.rss, external: after.external, arrayBuffers: after.arrayBuffers, main, threads: heaps, residentKiB: residentByKind() }) + '\n');
      const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
      if (dir) for (const t of threads) {
        const file = require('node:path').join(dir, 'thread-' + t.threadId + '-' + (++snapshots) + '.heapsnapshot');
        t.getHeapSnapshot().then((s) => s.pipe(require('node:fs').createWriteStream(file)));
      }
    }, 2000).unref();
  });
} else {
  channel.onmessage = (e) => { if (e.data && e.data.type === 'ask') channel.postMessage({ type: 'heap', heap: heap() }); };
}
`;

export interface ThreadHeap {
  threadId: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  mallocedMemory: number;
  nativeContexts: number;
  /** V8's heap spaces (new_space, old_space, code_space, …): bytes committed and in use. */
  spaces: Record<string, { size: number; used: number }>;
}

export interface ProbedMemory {
  rssBeforeGc: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  main: ThreadHeap;
  threads: ThreadHeap[];
  /** Resident memory after the GC by kind of mapping, KiB (a heuristic on addresses: see the probe). */
  residentKiB: Record<'v8Pages' | 'mallocArenas' | 'brkHeap' | 'otherAnonymous' | 'anonymous' | 'files', number>;
}

/** Node arguments that load the probe (written to a temporary file: the worker runs plain node). */
export function memoryProbeNodeArgs(): string[] {
  const file = join(tmpdir(), `caseworks-bench-memory-probe-${process.pid}.js`);
  writeFileSync(file, PROBE);
  return ['--expose-gc', '-r', file];
}

/** Asks a process started with memoryProbeNodeArgs() for its memory and waits for the answer. */
export async function probeMemory(proc: StackProcess, timeoutMs = 30_000): Promise<ProbedMemory> {
  const stdout = proc.child.stdout!;
  return new Promise<ProbedMemory>((resolve, reject) => {
    let buffered = '';
    const onData = (d: Buffer) => {
      buffered += d.toString();
      const m = /caseworks-bench-memory (\{.*\})\n/.exec(buffered);
      if (!m) return;
      cleanup();
      resolve(JSON.parse(m[1]) as ProbedMemory);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('the worker did not answer the memory probe (started without memoryProbeNodeArgs()?)'));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      stdout.off('data', onData);
    };
    stdout.on('data', onData);
    proc.child.kill('SIGUSR2');
  });
}
