import { RunScopedIdGenerator } from '../../../src/workflows/trace-ids';

describe('workflow span IDs', () => {
  it('are valid W3C IDs, unique within a run and across runs, and never draw on Math.random', () => {
    const random = jest.spyOn(Math, 'random');
    const a = new RunScopedIdGenerator(() => 'run-a');
    const b = new RunScopedIdGenerator(() => 'run-b');
    const ids = [...Array.from({ length: 500 }, () => a.generateSpanId()), ...Array.from({ length: 500 }, () => b.generateSpanId())];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(a.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('are the same again when the run is replayed (a fresh generator for the same run)', () => {
    const first = new RunScopedIdGenerator(() => 'run-a');
    const replayed = new RunScopedIdGenerator(() => 'run-a');
    const sequence = (g: RunScopedIdGenerator) => [g.generateTraceId(), g.generateSpanId(), g.generateSpanId()];
    expect(sequence(replayed)).toEqual(sequence(first));
  });
});
