import { caseDetailsMarkdown, formatDuration, RECENT_ACTIONS, utcTime, withRecent, zonedTime } from '../../src/domain/ui-details';

const at = (iso: string) => Date.parse(iso);

describe('the Temporal UI details text (issue 15 §2)', () => {
  it('times are to the second in UTC, and in the case zone first with its own abbreviation across DST', () => {
    expect(utcTime(at('2026-12-10T14:26:16.226Z'))).toBe('2026-12-10 14:26:16 UTC');
    expect(zonedTime(at('2026-12-10T14:26:16.226Z'), 'America/New_York')).toBe('Thu 10 Dec, 09:26 EST (2026-12-10 14:26:16 UTC)');
    expect(zonedTime(at('2026-07-10T14:26:16Z'), 'America/New_York')).toBe('Fri 10 Jul, 10:26 EDT (2026-07-10 14:26:16 UTC)');
    // Fall back: 01:30 happens twice in New York; the zone names tell the two apart.
    expect(zonedTime(at('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('Sun 01 Nov, 01:30 EDT (2026-11-01 05:30:00 UTC)');
    expect(zonedTime(at('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('Sun 01 Nov, 01:30 EST (2026-11-01 06:30:00 UTC)');
    expect(zonedTime(at('2026-12-10T14:26:16Z'), 'UTC')).toBe('2026-12-10 14:26:16 UTC');
  });

  it('durations in their largest whole unit', () => {
    expect([7 * 86_400_000, 4 * 3_600_000, 90 * 60_000, 30_000, 1_500].map(formatDuration)).toEqual(['7d', '4h', '90m', '30s', '1.5s']);
  });

  it('keeps the last few actions only', () => {
    let list = withRecent([], { at: 0, actor: 'a', what: 'opened' });
    for (let i = 1; i <= 10; i++) list = withRecent(list, { at: i, actor: 'a', what: `note ${i}` });
    expect(list).toHaveLength(RECENT_ACTIONS);
    expect(list.map((a) => a.what)).toEqual(['note 6', 'note 7', 'note 8', 'note 9', 'note 10']);
  });

  it('renders next, clocks and actions (newest first); text cannot break the table', () => {
    const text = caseDetailsMarkdown({
      headline: '**open** · P2',
      next: { what: 'firstResponse SLA deadline (1h business target)', at: at('2026-12-10T15:00:00Z') },
      timeZone: 'America/Chicago',
      clocks: [{ name: 'first | response', target: '1h business', dueAt: at('2026-12-10T15:00:00Z'), atRiskAt: at('2026-12-10T14:45:00Z'), state: 'running' }],
      recent: [
        { at: at('2026-12-10T14:00:00Z'), actor: 'api', what: 'opened' },
        { at: at('2026-12-10T14:05:00Z'), actor: 'ann', what: 'assigned' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '**open** · P2',
      '',
      '**Next:** firstResponse SLA deadline (1h business target) — Thu 10 Dec, 09:00 CST (2026-12-10 15:00:00 UTC)',
      '',
      '| clock | target | deadline | at risk from | state |',
      '|---|---|---|---|---|',
      '| first \\| response | 1h business | Thu 10 Dec, 09:00 CST (2026-12-10 15:00:00 UTC) | Thu 10 Dec, 08:45 CST (2026-12-10 14:45:00 UTC) | running |',
      '',
      '**Recent actions**',
      '- Thu 10 Dec, 08:05 CST (2026-12-10 14:05:00 UTC) · assigned · ann',
      '- Thu 10 Dec, 08:00 CST (2026-12-10 14:00:00 UTC) · opened · api',
    ]);
    expect(caseDetailsMarkdown({ headline: 'h', next: null, timeZone: 'UTC', clocks: [], recent: [] })).toBe('h\n\n**Next:** nothing timed; waiting for a person');
  });
});
