import { cpuPerItem, cpuSnapshot } from '../../../bench/harness/cpu';

describe('bench CPU accounting', () => {
  it("reads a process's CPU time from /proc, charged to the group that recognises it", () => {
    const groups = { self: (pid: number) => pid === process.pid, nobody: () => false };
    const before = cpuSnapshot(groups);
    // Burn CPU until this process's own count has moved 200 ms (no clock involved).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 200_000) Math.sqrt(Math.random());
    const after = cpuSnapshot(groups);
    // /proc counts in 10 ms ticks: within a few ticks of what the process says of itself.
    expect(after.self.get(process.pid)! - before.self.get(process.pid)!).toBeGreaterThanOrEqual(150);
    expect(after.nobody.size).toBe(0);
    expect(after.bench.get(process.pid)! - before.bench.get(process.pid)!).toBeGreaterThanOrEqual(200);
  });

  it('gives CPU per item by group, in all, and the cores busy over the wall time', () => {
    const snap = (groups: Record<string, [number, number][]>) => Object.fromEntries(Object.entries(groups).map(([g, pids]) => [g, new Map(pids)]));
    const r = cpuPerItem(snap({ api: [[10, 1_000]], temporal: [[20, 500]] }), snap({ api: [[10, 3_000]], temporal: [[20, 4_500]] }), 100, 3_000);
    expect(r).toEqual({ perItemMs: { api: 20, temporal: 40 }, totalPerItemMs: 60, coresBusy: 2 });
  });

  it('counts a process that started during the phase from zero, and never lets one that exited subtract', () => {
    const snap = (pids: [number, number][]) => ({ postgres: new Map(pids) });
    // Backend 1 ran on (+100), backend 2 exited (its 5,000 ms are gone), backend 3 started (300).
    const r = cpuPerItem(snap([[1, 1_000], [2, 5_000]]), snap([[1, 1_100], [3, 300]]), 10, 1_000);
    expect(r.perItemMs.postgres).toBe(40);
  });
});
