import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAtMeasure } from '../../../bench/harness/at-measure';

describe('bench: BENCH_GROWTH_AT_MEASURE, a command at each growth measurement', () => {
  const dir = mkdtempSync(join(tmpdir(), 'at-measure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the command with the worker and the tickets open in its environment, and waits for it', () => {
    const out = join(dir, 'seen');
    runAtMeasure(`sleep 0.2; echo "$WORKER_PID $BENCH_OPEN" > ${out}`, 4242, 1000);
    expect(readFileSync(out, 'utf8').trim()).toBe('4242 1000');
  });

  it('ends the run when the command fails, rather than measuring without it', () => {
    expect(() => runAtMeasure('exit 3', 4242, 10000)).toThrow(/exit|status 3|failed/i);
  });

  it('does nothing when unset', () => {
    expect(() => runAtMeasure(undefined, 4242, 1000)).not.toThrow();
    expect(() => runAtMeasure('', 4242, 1000)).not.toThrow();
  });
});
