/** Percentiles by nearest rank over a sorted copy; ms in, ms out. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summary(values: number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  return {
    n: values.length,
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : NaN),
    mean: round(values.reduce((a, b) => a + b, 0) / (values.length || 1)),
  };
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Runs `count` tasks with at most `concurrency` in flight; returns each task's latency in ms. */
export async function runPool(count: number, concurrency: number, task: (i: number) => Promise<void>, progress?: (done: number) => void): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = new Array(count);
  let next = 0;
  let done = 0;
  const started = performance.now();
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= count || failure) return;
      const t = performance.now();
      try {
        await task(i);
      } catch (error) {
        failure ??= { error };
        return;
      }
      latencies[i] = performance.now() - t;
      done++;
      if (progress && done % Math.max(1, Math.floor(count / 10)) === 0) progress(done);
    }
  };
  // Every lane finishes its call in flight before a failure is thrown: the scenario then stops its
  // stack with no call left retrying on a closed connection (which would crash the whole run).
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failure) throw (failure as { error: unknown }).error;
  return { latencies, wallMs: performance.now() - started };
}
