import { diffProfiles, fileAddress, parseHeapProfile } from '../../../bench/tools/native-heap-diff';

const PERIOD = 131_072;
const profile = (stacks: [string, number, number][]) =>
  [
    `heap_v2/${PERIOD}`,
    '  t*: 0: 0 [0: 0]',
    ...stacks.flatMap(([stack, objects, bytes]) => [`@ ${stack}`, `  t*: ${objects}: ${bytes} [0: 0]`, `  t0: ${objects}: ${bytes} [0: 0]`]),
    '',
    'MAPPED_LIBRARIES:',
    '00400000-00b6f000 r--p 00000000 fe:00 247580                             /usr/bin/node',
    '7f72e2600000-7f72e3800000 r-xp 00200000 fe:00 1234                       /app/node_modules/@temporalio/core-bridge/index.node',
    '7f7309400000-7f7309500000 rw-p 00000000 00:00 0 ',
    '',
  ].join('\n');

describe('bench: native-heap-diff, jemalloc heap profiles compared by call stack', () => {
  it('scales each stack’s sampled bytes up by the chance its allocations were sampled, as jeprof does', () => {
    const p = parseHeapProfile(profile([['0x10 0x20', 1, PERIOD], ['0x30', 4, 4 * 1024]]));
    // One object of the sampling period: sampled with probability 1 − e^−1.
    expect(p.stacks.get('0x10 0x20')).toBeCloseTo(PERIOD / (1 - Math.exp(-1)), 3);
    // Small objects are rarely sampled: each sampled KiB stands for ~128 KiB.
    expect(p.stacks.get('0x30')! / (4 * 1024)).toBeGreaterThan(100);
  });

  it('reads the mappings of files only, and subtracts stack by stack', () => {
    const before = parseHeapProfile(profile([['0x10', 1, PERIOD], ['0x30', 1, PERIOD]]));
    const after = parseHeapProfile(profile([['0x10', 2, 2 * PERIOD], ['0x40', 1, PERIOD]]));
    expect(after.mappings.map((m) => m.path)).toEqual(['/usr/bin/node', '/app/node_modules/@temporalio/core-bridge/index.node']);
    const diff = diffProfiles(before, after);
    expect(diff.get('0x10')).toBeCloseTo(before.stacks.get('0x10')!, 3); // doubled
    expect(diff.get('0x30')).toBeCloseTo(-before.stacks.get('0x30')!, 3); // gone
    expect(diff.get('0x40')).toBeCloseTo(after.stacks.get('0x40')!, 3); // new
  });

  it('looks a shared object up by its offset in the file, an executable linked in place by the address', () => {
    const [node, core] = parseHeapProfile(profile([])).mappings;
    expect(fileAddress(0x7f72e2601000n, core, true)).toBe(0x201000n);
    expect(fileAddress(0x500000n, node, false)).toBe(0x500000n);
  });

  it('refuses what is not a heap_v2 profile', () => {
    expect(() => parseHeapProfile('--- heapz 1 ---\n')).toThrow(/heap_v2/);
  });
});
