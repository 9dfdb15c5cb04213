import { runAtRate } from '../../../bench/harness/stats';

describe('runAtRate: calls offered at a fixed rate in an open loop (bench/harness/stats.ts)', () => {
  it('starts every call on time whether or not the ones before have answered', async () => {
    // No call answers until all 20 have started: a closed loop would wait on the first forever.
    let started = 0;
    let release!: () => void;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const run = await runAtRate(20, 1_000, async () => {
      if (++started === 20) release();
      await allStarted;
    });
    expect(started).toBe(20);
    expect(run.latencies.filter((ms) => ms >= 0)).toHaveLength(20);
  });

  it('paces the calls: 11 at 100/s span at least the 10 intervals between them', async () => {
    const sentAt: number[] = [];
    const run = await runAtRate(11, 100, async () => void sentAt.push(performance.now()));
    // Timers may fire a millisecond early; never a whole interval.
    expect(sentAt[10] - sentAt[0]).toBeGreaterThanOrEqual(95);
    expect(run.wallMs).toBeGreaterThanOrEqual(95);
  });

  it('times a call from its moment, not from when the bench got round to it', async () => {
    // The first call holds the bench's thread for 50 ms: the second, due 1 ms in, starts late and counts it.
    const run = await runAtRate(2, 1_000, async (i) => {
      if (i === 0) {
        const until = performance.now() + 50;
        while (performance.now() < until);
      }
    });
    expect(run.latencies[1]).toBeGreaterThanOrEqual(45);
  });

  it('throws the first failure once every call has settled, and refuses a rate of 0', async () => {
    let settled = 0;
    const boom = new Error('boom');
    await expect(
      runAtRate(5, 1_000, async (i) => {
        await Promise.resolve();
        settled++;
        if (i === 1) throw boom;
      }),
    ).rejects.toBe(boom);
    expect(settled).toBeGreaterThanOrEqual(2);
    await expect(runAtRate(1, 0, async () => undefined)).rejects.toThrow('a rate above 0 is needed');
  });
});
