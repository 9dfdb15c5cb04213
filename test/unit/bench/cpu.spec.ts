import { apiCpuBudget, apiCpuBudgetText, cpuPerItem, cpuSnapshot } from '../../../bench/harness/cpu';

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

  it("gives what a throughput goal leaves the API process when both phases are bound by CPU", () => {
    // The intake run of 2026-12-07 21:00 (rev 96c8bcc): 25.15 ms per ticket through the API, 7.82 of
    // it the API's own; 16.15 ms per bare start.
    const apiPath = { perItemMs: { api: 7.82, worker: 5.25, temporal: 8.13, postgres: 1.7, bench: 2.27 }, totalPerItemMs: 25.15, coresBusy: 1.92 };
    const bare = { perItemMs: { api: 0, worker: 3.19, temporal: 8.18, postgres: 0.74, bench: 4.05 }, totalPerItemMs: 16.15, coresBusy: 1.86 };
    const budget = apiCpuBudget(apiPath, bare, 0.8);
    // 0.8× of the bare rate is 16.15 / 0.8 = 20.19 ms per ticket. The rest of the path as measured
    // is 17.33; with the worker's and Temporal's share as bare (3.19 + 8.18 for 5.25 + 8.13) 15.32.
    expect(budget).toEqual({
      goal: 0.8,
      apiMs: 7.82,
      asMeasured: { apiBudgetMs: 2.86, ratioWithoutApi: 0.93 },
      workerAndTemporalAsBare: { apiBudgetMs: 4.87, ratioWithoutApi: 1.05 },
    });
    expect(apiCpuBudgetText(budget, 'ticket')).toBe('0.8× leaves the API process 2.86 to 4.87 ms of CPU per ticket (it used 7.82); with the API process free the ratio would be 0.93 to 1.05');
    // A rest already over the goal's whole allowance leaves a negative budget: out of the API's reach.
    expect(apiCpuBudget({ ...apiPath, totalPerItemMs: 30, perItemMs: { api: 5 } }, bare, 0.8).asMeasured.apiBudgetMs).toBeLessThan(0);
  });
});
