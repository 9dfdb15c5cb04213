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

/**
 * `count` calls offered at a fixed rate in an open loop: each starts at its moment whether or not
 * the ones before have answered, and is timed from that moment, so a call the bench itself was
 * late to send counts its delay (no coordinated omission). For latency below saturation, where
 * runPool's closed loop measures latency at saturation. Every call is awaited before a failure is
 * thrown.
 */
export async function runAtRate(count: number, perSecond: number, task: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  if (!(perSecond > 0)) throw new Error(`runAtRate: a rate above 0 is needed, got ${perSecond}`);
  const latencies: number[] = new Array(count);
  const started = performance.now();
  const calls: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  for (let i = 0; i < count && !failure; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      task(i).then(
        () => void (latencies[i] = performance.now() - due),
        (error: unknown) => void (failure ??= { error }),
      ),
    );
  }
  await Promise.all(calls);
  if (failure) throw (failure as { error: unknown }).error;
  return { latencies, wallMs: performance.now() - started };
}
