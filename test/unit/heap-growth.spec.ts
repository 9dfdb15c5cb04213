import { resolve } from 'node:path';
import { setHeapGrowingPercent } from '../../src/worker/heap-growth';
import { lastJsonFromNodeChild } from '../support/node-child';

/**
 * setHeapGrowingPercent (src/worker/heap-growth.ts) must reach a worker thread started after it,
 * as the SDK's workflow threads are. A child process sets it (or not), then a new thread holds
 * ~90 MiB live and keeps replacing a ring of objects that live long enough to reach old space, as
 * evicted cases do; its highest heap use, sampled as it goes, is how much garbage V8 let pile up
 * before a full collection. Bounded at 20 %, the peak stays under 2.5× what is live (1.6–1.8×
 * measured); left to V8 it went to 4.3–4.4× here. If the flag stopped reaching threads (a Node
 * or V8 upgrade), the bounded case would look like the other and fail.
 */
const CHILD = String.raw`
if (process.env.PERCENT) require(${JSON.stringify(resolve(__dirname, '../../src/worker/heap-growth'))}).setHeapGrowingPercent(Number(process.env.PERCENT));
const { Worker } = require('node:worker_threads');
const thread = String.raw${'`'}
  const v8 = require('node:v8');
  const live = [];
  for (let i = 0; i < 400000; i++) live.push({ a: i, b: 'x' + i, c: [i, i + 1] });
  const ring = new Array(200000);
  for (let i = 0; i < ring.length; i++) ring[i] = { a: i, b: [i, i], c: 'r' + i };
  globalThis.gc();
  const liveBytes = v8.getHeapStatistics().used_heap_size;
  let peak = 0;
  for (let r = 0; r < 3000000; r++) {
    ring[r % ring.length] = { a: r, b: [r, r], c: 'r' + r };
    if (r % 5000 === 0) peak = Math.max(peak, v8.getHeapStatistics().used_heap_size);
  }
  require('node:worker_threads').parentPort.postMessage({ liveBytes, peak, kept: live.length });
${'`'};
new Worker(thread, { eval: true }).on('message', (m) => console.log(JSON.stringify(m)));
`;

function peakOverLive(percent: number | null): { ratio: number; kept: number } {
  const m = lastJsonFromNodeChild<{ liveBytes: number; peak: number; kept: number }>(CHILD, { PERCENT: percent === null ? '' : String(percent) });
  return { ratio: m.peak / m.liveBytes, kept: m.kept };
}

describe('heap growing percent', () => {
  let bounded: { ratio: number; kept: number };
  let v8s: { ratio: number; kept: number };
  beforeAll(() => {
    bounded = peakOverLive(20);
    v8s = peakOverLive(null);
  }, 120_000);

  it('20: a new thread’s heap peaks under 2.5× what is live while it churns', () => {
    expect(bounded.kept).toBe(400_000);
    expect(bounded.ratio).toBeLessThan(2.5);
  });

  it('unset: V8 lets the same churn pile up far more (what the setting is for)', () => {
    expect(v8s.kept).toBe(400_000);
    expect(v8s.ratio).toBeGreaterThan(bounded.ratio * 1.5);
  });

  it('refuses a value that is not a whole number ≥ 0', () => {
    expect(() => setHeapGrowingPercent(-1)).toThrow(RangeError);
    expect(() => setHeapGrowingPercent(1.5)).toThrow(RangeError);
  });
});
