import { anyBreached, boundSettledClocks, EarlierClocks, settledCount } from '../../src/domain/sla/bounded-history';
import type { SlaClock } from '../../src/domain/sla/clock';

const clock = (metric: SlaClock['metric'], cycle: number, state: SlaClock['state']): SlaClock => ({ metric, cycle, state }) as SlaClock;

describe('a ticket lists its last settled clocks of a metric and counts the older ones', () => {
  const answers = (n: number, breachedCycles: number[] = []) =>
    Array.from({ length: n }, (_, i) => clock('nextResponse', i + 1, breachedCycles.includes(i + 1) ? 'breached' : 'met'));

  it('keeps the last 10 next-response clocks and tallies the rest, leaving other metrics listed', () => {
    const history = [clock('firstResponse', 1, 'met'), ...answers(14, [2, 12])];
    const { history: kept, earlier } = boundSettledClocks(history, {}, 'nextResponse', () => false);
    expect(kept.filter((c) => c.metric === 'nextResponse').map((c) => c.cycle)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(kept[0].metric).toBe('firstResponse');
    expect(earlier).toEqual({ nextResponse: { met: 3, breached: 1, count: 4 } });
    expect(settledCount(kept, earlier, 'nextResponse')).toBe(14);
    expect(anyBreached(kept.filter((c) => c.cycle !== 12), earlier)).toBe(true); // cycle 2's breach is only counted now
  });

  it('adds to the tallies it was given, and stops at a clock an escalation still waits on', () => {
    const before: EarlierClocks = { nextResponse: { met: 5, breached: 0, count: 5 } };
    const { history: kept, earlier } = boundSettledClocks(answers(13), before, 'nextResponse', (c) => c.cycle === 2);
    expect(kept.map((c) => c.cycle)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(earlier).toEqual({ nextResponse: { met: 6, breached: 0, count: 6 } });
  });

  it('changes nothing while a metric has 10 or fewer settled clocks', () => {
    const history = answers(10);
    const result = boundSettledClocks(history, {}, 'nextResponse', () => false);
    expect(result.history).toBe(history);
    expect(result.earlier).toEqual({});
    expect(anyBreached(history, {})).toBe(false);
  });
});
