import { enforceStopDeadline } from '../../src/worker/stop-deadline';
import { waitFor } from '../support/wait-for';

/**
 * The worker's stop deadline (src/worker/stop-deadline.ts), on a worker whose state the test sets
 * and a clock it moves: the state is read every millisecond, and each expectation waits for
 * enough reads to have happened, counted, not timed.
 */
describe('a worker that began to stop must end within its deadline', () => {
  function watched(deadlineMs = 40_000) {
    const worker = { state: 'RUNNING', reads: 0, getState: () => (worker.reads++, worker.state) };
    const clock = { now: 1_000_000 };
    const overruns: string[] = [];
    const release = enforceStopDeadline(worker, { deadlineMs, onOverrun: (s) => overruns.push(s), checkEveryMs: 1, now: () => clock.now });
    /** Lets the watch read the state a few more times. */
    const settle = async () => {
      const seen = worker.reads;
      await waitFor(() => worker.reads >= seen + 3, { what: 'the watch to read the state' });
    };
    return { worker, clock, overruns, release, settle };
  }

  it('a running worker is never cut short, however long it runs', async () => {
    const w = watched();
    w.clock.now += 10 * 86_400_000;
    await w.settle();
    expect(w.overruns).toEqual([]);
    w.release();
  });

  it('a worker still stopping when the deadline passes is reported once, with the state it hangs in', async () => {
    const w = watched();
    w.worker.state = 'STOPPING';
    await w.settle(); // seen stopping at 1,000,000
    w.worker.state = 'DRAINING';
    w.clock.now += 39_999;
    await w.settle();
    expect(w.overruns).toEqual([]);
    w.clock.now += 1;
    await w.settle();
    expect(w.overruns).toEqual(['DRAINING']);
    w.clock.now += 100_000;
    await w.settle();
    expect(w.overruns).toEqual(['DRAINING']);
    w.release();
  });

  it('STOPPED counts as stopping until run() has returned and the caller releases the watch', async () => {
    const w = watched(5_000);
    w.worker.state = 'STOPPED';
    await w.settle();
    w.clock.now += 5_000;
    await w.settle();
    expect(w.overruns).toEqual(['STOPPED']);
    w.release();
  });

  it('released (run() returned), it reads nothing more and reports nothing', async () => {
    const w = watched(5_000);
    w.worker.state = 'STOPPING';
    await w.settle();
    w.release();
    const reads = w.worker.reads;
    w.clock.now += 60_000;
    // Its interval is cleared: another interval of the same period runs, this one does not.
    let ticks = 0;
    const other = setInterval(() => ticks++, 1);
    await waitFor(() => ticks >= 5, { what: 'five ticks of another interval' });
    clearInterval(other);
    expect(w.worker.reads).toBe(reads);
    expect(w.overruns).toEqual([]);
  });
});
