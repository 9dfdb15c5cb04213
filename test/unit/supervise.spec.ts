import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, RestartBackoff, supervise } from '../../scripts/supervise';
import { waitFor } from '../support/wait-for';

describe('RestartBackoff', () => {
  it('doubles the delay after each quick exit, up to the maximum', () => {
    const backoff = new RestartBackoff(1_000, 30_000, 30_000);
    expect([0, 0, 0, 0, 0, 0, 0].map(() => backoff.next(500))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('starts over after a run that lasted long enough to count as healthy', () => {
    const backoff = new RestartBackoff(1_000, 30_000, 30_000);
    backoff.next(100);
    backoff.next(100);
    expect(backoff.next(100)).toBe(4_000);
    expect(backoff.next(45_000)).toBe(1_000);
    expect(backoff.next(100)).toBe(2_000);
  });
});

describe('describeExit', () => {
  it('says whether the process was signalled, crashed or ended on its own', () => {
    expect(describeExit(null, 'SIGKILL')).toBe('was stopped by SIGKILL');
    expect(describeExit(1, null)).toBe('crashed (exit code 1)');
    expect(describeExit(0, null)).toBe('exited (code 0)');
  });
});

/** Real child processes (node scripts), the way dev.sh runs the worker under the supervisor. */
describe('supervise', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'caseworks-supervise-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A child that records its pid on each start, then runs `body`. */
  function child(body: string): { args: string[]; starts: () => number[] } {
    const file = join(dir, 'starts');
    writeFileSync(file, '');
    const script = `require('fs').appendFileSync(${JSON.stringify(file)}, process.pid + '\\n'); ${body}`;
    return { args: ['-e', script], starts: () => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) };
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('restarts a process that crashes, backing off, and says why each time', async () => {
    const { args, starts } = child('process.exit(3)');
    const lines: string[] = [];
    const stop = new AbortController();
    const done = supervise({ name: 'worker', command: process.execPath, args, stop: stop.signal, backoff: new RestartBackoff(20, 200, 60_000), log: (l) => lines.push(l), stdio: 'ignore' });
    await waitFor(() => starts().length >= 4, { what: 'three restarts' });
    stop.abort('SIGTERM');
    expect(await done).toBe(0);
    const restarts = lines.filter((l) => l.includes('restarting in'));
    expect(restarts.length).toBeGreaterThanOrEqual(3);
    expect(restarts[0]).toMatch(/worker crashed \(exit code 3\) after \d+ s; restarting in 0\.0 s \(restart 1\)/);
    expect(restarts[2]).toMatch(/restarting in 0\.1 s \(restart 3\)/); // 20 → 40 → 80 ms
  });

  it('restarts a process stopped by SIGTERM from outside, and on its own stop passes the signal on and does not restart', async () => {
    const { args, starts } = child('setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0));');
    const lines: string[] = [];
    const stop = new AbortController();
    const done = supervise({ name: 'worker', command: process.execPath, args, stop: stop.signal, backoff: new RestartBackoff(20, 200, 60_000), log: (l) => lines.push(l), stdio: 'ignore' });
    const [first] = await waitFor(() => (starts().length === 1 ? starts() : undefined), { what: 'the first start' });
    process.kill(first, 'SIGTERM');
    const [, second] = await waitFor(() => (starts().length === 2 ? starts() : undefined), { what: 'the restart' });
    expect(lines.some((l) => l.includes('worker exited (code 0)'))).toBe(true); // its SIGTERM handler exits 0
    expect(alive(second)).toBe(true);

    stop.abort('SIGTERM');
    expect(await done).toBe(0);
    expect(alive(second)).toBe(false);
    expect(starts()).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatch(/worker .*; stopped$/);
  });

  it('a process killed outright is restarted too', async () => {
    const { args, starts } = child('setInterval(() => {}, 1000);');
    const lines: string[] = [];
    const stop = new AbortController();
    const done = supervise({ name: 'worker', command: process.execPath, args, stop: stop.signal, backoff: new RestartBackoff(20, 200, 60_000), log: (l) => lines.push(l), stdio: 'ignore' });
    const [first] = await waitFor(() => (starts().length === 1 ? starts() : undefined), { what: 'the first start' });
    process.kill(first, 'SIGKILL');
    await waitFor(() => starts().length === 2, { what: 'the restart' });
    expect(lines.some((l) => l.includes('worker was stopped by SIGKILL'))).toBe(true);
    stop.abort('SIGTERM');
    expect(await done).toBe(0);
  });

  it('does not restart a process whose configuration is refused (exit 78): the supervisor ends with that code', async () => {
    const { args, starts } = child('process.exit(78)');
    const lines: string[] = [];
    const done = supervise({ name: 'worker', command: process.execPath, args, stop: new AbortController().signal, backoff: new RestartBackoff(20, 200, 60_000), log: (l) => lines.push(l), stdio: 'ignore' });
    expect(await done).toBe(78);
    expect(starts()).toHaveLength(1);
    expect(lines).toEqual([expect.stringMatching(/worker crashed \(exit code 78\): its configuration is refused, not restarting/)]);
  });

  it('a stop while waiting to restart ends at once, without starting it again', async () => {
    const { args, starts } = child('process.exit(1)');
    const lines: string[] = [];
    const stop = new AbortController();
    const done = supervise({ name: 'worker', command: process.execPath, args, stop: stop.signal, backoff: new RestartBackoff(60_000, 60_000, 60_000), log: (l) => lines.push(l), stdio: 'ignore' });
    await waitFor(() => lines.some((l) => l.includes('restarting in 60.0 s')), { what: 'the first exit' });
    stop.abort('SIGINT');
    expect(await done).toBe(0);
    expect(starts()).toHaveLength(1);
  });
});
