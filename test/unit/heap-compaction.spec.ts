import { resolve } from 'node:path';
import { lastJsonFromNodeChild } from '../support/node-child';

/**
 * setHeapCompaction (src/worker/heap-compaction.ts) must reach a worker thread started after it,
 * as the SDK's workflow threads are. A child process sets it, then a new thread fills its heap,
 * drops every other object and collects: compacted, the old space holds about what is live; left
 * as V8 does by default, it keeps the half-used pages committed. If the flag stopped reaching
 * threads (a Node or V8 upgrade), the "on" case would look like the "off" one and fail.
 */
const CHILD = String.raw`
const { setHeapCompaction } = require(${JSON.stringify(resolve(__dirname, '../../src/worker/heap-compaction'))});
setHeapCompaction(process.env.MODE);
const { Worker } = require('node:worker_threads');
const thread = String.raw${'`'}
  const v8 = require('node:v8');
  let all = [];
  for (let i = 0; i < 400000; i++) all.push({ a: i, b: 'x' + i, c: [i, i + 1, i + 2] });
  globalThis.gc();
  const kept = all.filter((_, i) => i % 2 === 0);
  all = null;
  globalThis.gc();
  globalThis.gc();
  const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  require('node:worker_threads').parentPort.postMessage({ committed: old.space_size, used: old.space_used_size, kept: kept.length });
${'`'};
new Worker(thread, { eval: true }).on('message', (m) => console.log(JSON.stringify(m)));
`;

function oldSpaceAfterChurn(mode: 'on' | 'off'): { committed: number; used: number; kept: number } {
  return lastJsonFromNodeChild(CHILD, { MODE: mode });
}

describe('heap compaction on every full GC', () => {
  it('on: a new thread’s old space shrinks to what is live after half its objects are dropped', () => {
    const on = oldSpaceAfterChurn('on');
    expect(on.kept).toBe(200_000);
    expect(on.committed / on.used).toBeLessThan(1.2);
  }, 60_000);

  it('off: the same churn leaves the half-used pages committed (what "on" is for)', () => {
    const off = oldSpaceAfterChurn('off');
    expect(off.kept).toBe(200_000);
    expect(off.committed / off.used).toBeGreaterThan(1.5);
  }, 60_000);
});
