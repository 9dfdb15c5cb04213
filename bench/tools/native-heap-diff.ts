/**
 * What native memory grew between two jemalloc heap profiles of the same process, by call stack
 * (docs/scaling.md, "What the native growth is"). jeprof leaves the SDK core's frames as
 * addresses; this names every frame with addr2line, through the mappings the dump lists.
 *
 *   npx ts-node --transpile-only bench/tools/native-heap-diff.ts <before.heap|-> <after.heap> [frames per stack, 3] [rows, 30]
 *
 * `-` as the first profile compares against nothing: what the second holds.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface Mapping {
  start: bigint;
  end: bigint;
  offset: bigint;
  path: string;
}
export interface HeapProfile {
  /** Live bytes per call stack (addresses, innermost first, joined by spaces), estimated as jeprof does. */
  stacks: Map<string, number>;
  mappings: Mapping[];
}

/**
 * Parses jemalloc's `heap_v2` format. Each stack's sampled bytes are scaled up by the chance that
 * an allocation of its average size was sampled at all (1 − e^(−size/period)), as jeprof does.
 */
export function parseHeapProfile(text: string): HeapProfile {
  const [head, maps = ''] = text.split('MAPPED_LIBRARIES:');
  const lines = head.split('\n');
  const period = Number(/^heap_v2\/(\d+)/.exec(lines[0])?.[1]);
  if (!Number.isFinite(period) || period <= 0) throw new Error(`not a jemalloc heap_v2 profile: "${lines[0].slice(0, 40)}"`);
  const stacks = new Map<string, number>();
  let stack: string | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith('@')) {
      stack = line.slice(1).trim();
      continue;
    }
    const total = /^\s*t\*: (\d+): (\d+)/.exec(line);
    if (total && stack !== null) {
      const [objects, bytes] = [Number(total[1]), Number(total[2])];
      if (objects > 0) stacks.set(stack, (stacks.get(stack) ?? 0) + bytes / (1 - Math.exp(-bytes / objects / period)));
      stack = null;
    }
  }
  const mappings: Mapping[] = [];
  for (const line of maps.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ \d+\s+(\/\S+)$/.exec(line.trim());
    if (m) mappings.push({ start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), offset: BigInt(`0x${m[3]}`), path: m[4] });
  }
  return { stacks, mappings };
}

/** Bytes per stack in `after` minus `before`. */
export function diffProfiles(before: HeapProfile, after: HeapProfile): Map<string, number> {
  const diff = new Map<string, number>();
  for (const [stack, bytes] of after.stacks) diff.set(stack, bytes);
  for (const [stack, bytes] of before.stacks) diff.set(stack, (diff.get(stack) ?? 0) - bytes);
  return diff;
}

/**
 * Where addr2line looks an address up in its file: a shared object (the core's index.node) by
 * its offset in the file; an executable not built position-independent (Debian's node) by the
 * address itself, as it is loaded where it was linked.
 */
export function fileAddress(address: bigint, mapping: Mapping, positionIndependent: boolean): bigint {
  return positionIndependent ? address - mapping.start + mapping.offset : address;
}

/** ELF type 3 (ET_DYN: shared objects, position-independent executables) rather than 2 (ET_EXEC). */
function isPositionIndependent(path: string): boolean {
  const header = Buffer.alloc(18);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 18, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt16LE(16) === 3;
}

/** Names each return address (looked up at address − 1, the call itself) with addr2line, per file. */
export function symbolize(addresses: Iterable<bigint>, mappings: Mapping[]): Map<bigint, string> {
  const byFile = new Map<string, { address: bigint; at: bigint }[]>();
  const pic = new Map<string, boolean>();
  for (const address of addresses) {
    const mapping = mappings.find((m) => m.start <= address - 1n && address - 1n < m.end);
    if (!mapping) continue;
    if (!pic.has(mapping.path)) pic.set(mapping.path, isPositionIndependent(mapping.path));
    const list = byFile.get(mapping.path) ?? [];
    list.push({ address, at: fileAddress(address - 1n, mapping, pic.get(mapping.path)!) });
    byFile.set(mapping.path, list);
  }
  const names = new Map<bigint, string>();
  for (const [path, list] of byFile) {
    const out = execFileSync('addr2line', ['-f', '-C', '-e', path, ...list.map((a) => `0x${a.at.toString(16)}`)], { maxBuffer: 256 * 1024 * 1024 }).toString().split('\n');
    list.forEach((a, i) => names.set(a.address, out[2 * i] && out[2 * i] !== '??' ? out[2 * i] : `${path.split('/').pop()}+0x${a.at.toString(16)}`));
  }
  return names;
}

/** The allocator's own frames say nothing about who allocated. */
const ALLOCATOR_FRAME = /^(je_|prof_|imalloc|ialloc|malloc|calloc|realloc|posix_memalign|aligned_alloc|operator new|__rust_alloc|__rdl_alloc|__rust_realloc|alloc::|<alloc::|hashbrown::raw|<hashbrown|core::ptr|libjemalloc)/;

function main(): void {
  const [beforePath, afterPath, framesArg = '3', rowsArg = '30'] = process.argv.slice(2);
  if (!beforePath || !afterPath) throw new Error('usage: native-heap-diff.ts <before.heap|-> <after.heap> [frames per stack] [rows]');
  const after = parseHeapProfile(readFileSync(afterPath, 'utf8'));
  const before = beforePath === '-' ? { stacks: new Map<string, number>(), mappings: [] } : parseHeapProfile(readFileSync(beforePath, 'utf8'));
  const diff = diffProfiles(before, after);
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / 2 ** 20;
  console.log(`live native heap (estimated): ${sum(before.stacks).toFixed(1)} → ${sum(after.stacks).toFixed(1)} MiB, ${sum(diff) >= 0 ? '+' : ''}${sum(diff).toFixed(1)} MiB`);
  const addresses = new Set<bigint>();
  for (const stack of diff.keys()) for (const a of stack.split(' ')) addresses.add(BigInt(a));
  const names = symbolize(addresses, after.mappings.length > 0 ? after.mappings : before.mappings);
  const byCaller = new Map<string, number>();
  for (const [stack, bytes] of diff) {
    const frames = stack.split(' ').map((a) => names.get(BigInt(a)) ?? a).filter((n) => !ALLOCATOR_FRAME.test(n));
    const key = frames.slice(0, Number(framesArg)).join(' <- ');
    byCaller.set(key, (byCaller.get(key) ?? 0) + bytes);
  }
  for (const [key, bytes] of [...byCaller].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, Number(rowsArg))) {
    console.log(`${(bytes / 2 ** 20).toFixed(2).padStart(8)} MiB  ${key.slice(0, 400)}`);
  }
}

if (require.main === module) main();
