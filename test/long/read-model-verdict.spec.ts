import type { DriveResult } from './support/drive';
import { exactlyOnce, readModelVerdict } from './support/drive';
import type { HotCase } from './support/hot-case';
import { chainProblems, type Chain, type RunHistory } from './support/history-chain';

/** The long suite's own verdicts, on made-up rows: each kind of loss or duplicate is caught. */
describe('the long suite catches what it claims to', () => {
  type Row = { marker: string | null; eventKey: string; seq: string | null };
  const hot = (rows: Row[]): HotCase => ({ kind: 'incident', id: 'x', firstRunId: 'r', endStatus: 'closed', act: jest.fn(), finish: jest.fn(), status: jest.fn(), recorded: async () => rows });
  const drive = (ok: (string | null)[], retried: string[] = []): DriveResult => ({
    n: ok.length,
    concurrency: 1,
    wallMs: 1,
    latencies: ok.map(() => 1),
    ok,
    retried: retried.map((marker) => ({ status: 503, marker, body: null })),
    refused: [],
    statuses: {},
  });
  const row = (marker: string | null, i: number, seq: number | null = i): Row => ({ marker, eventKey: `k${i}`, seq: seq === null ? null : String(seq) });

  it('passes each action once, and a retried attempt applied once', async () => {
    const v = await readModelVerdict(hot([row('a', 1), row('b', 2), row('b-retry', 3)]), drive(['a', 'b'], ['b-retry', 'never-applied']));
    expect(exactlyOnce(v)).toBe(true);
  });

  it('fails a lost action, a duplicated one, an unknown one, a shared seq', async () => {
    expect((await readModelVerdict(hot([row('a', 1)]), drive(['a', 'b']))).missing).toEqual(['b']);
    expect((await readModelVerdict(hot([row('a', 1), row('a', 2)]), drive(['a']))).duplicated).toEqual(['a']);
    expect((await readModelVerdict(hot([row('a', 1), row('z', 2)]), drive(['a']))).unknown).toEqual(['z']);
    const sharedSeq = await readModelVerdict(hot([row('a', 1, 7), row('b', 2, 7)]), drive(['a', 'b']));
    expect([sharedSeq.duplicateSeqs, exactlyOnce(sharedSeq)]).toEqual([1, false]);
  });

  it('without markers in the events, compares counts', async () => {
    expect(exactlyOnce(await readModelVerdict(hot([row(null, 1), row(null, 2)]), drive(['a', 'b'])))).toBe(true);
    expect((await readModelVerdict(hot([row(null, 1)]), drive(['a', 'b']))).missing).toHaveLength(1);
    expect((await readModelVerdict(hot([row(null, 1), row(null, 2), row(null, 3)]), drive(['a', 'b']))).duplicated).toHaveLength(1);
  });

  it('fails a chain with a run over 10 % of the limits, or one that did not hand over', () => {
    const run = (over: Partial<RunHistory> = {}): RunHistory => ({ runId: 'r', events: 100, bytes: 1000, updates: 10, end: 'CONTINUED_AS_NEW', ...over });
    const chain = (runs: RunHistory[]): Chain => ({
      runs,
      totalEvents: 0,
      totalBytes: 0,
      current: runs[runs.length - 1],
      described: { runId: runs[runs.length - 1].runId, status: 'RUNNING', historyLength: runs[runs.length - 1].events, historySize: runs[runs.length - 1].bytes },
    });
    expect(chainProblems(chain([run(), run({ runId: 'last', end: 'RUNNING' })]))).toEqual([]);
    expect(chainProblems(chain([run({ events: 5_120 }), run({ runId: 'last', end: 'COMPLETED' })]))).toHaveLength(1);
    expect(chainProblems(chain([run({ runId: 'last', end: 'RUNNING', bytes: 5 * 1024 * 1024 })]))).toHaveLength(2); // the run, and describe()
    expect(chainProblems(chain([run({ end: 'TERMINATED' }), run({ runId: 'last', end: 'RUNNING' })]))).toHaveLength(1);
    expect(chainProblems(chain([run({ runId: 'last', end: 'TERMINATED' })]))).toHaveLength(1);
  });
});
