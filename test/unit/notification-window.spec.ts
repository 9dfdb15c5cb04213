import fc from 'fast-check';
import { ALWAYS_OPEN, BusinessCalendar, isOpenAt, validateCalendar } from '../../src/domain/sla/calendar';
import { notificationTime } from '../../src/domain/sla/notification-window';

const weekdays = (start: string, end: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start, end }]]));
/** VIVtone's business hours: Mon–Fri 09:00–17:00 America/Chicago, Thanksgiving closed. */
const chicago: BusinessCalendar = { timeZone: 'America/Chicago', weekly: weekdays('09:00', '17:00'), holidays: ['2026-11-26'] };
const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('non-urgent notifications only inside the coverage window', () => {
  it('sends at once inside the window', () => {
    expect(iso(notificationTime(chicago, at('2026-11-24T10:15:00-06:00')))).toBe('2026-11-24T16:15:00.000Z');
  });

  it('moves a notification due at night to the next morning', () => {
    expect(iso(notificationTime(chicago, at('2026-11-24T22:00:00-06:00')))).toBe('2026-11-25T15:00:00.000Z');
  });

  it('treats the closing instant as outside: a breach at 17:00 escalates at 09:00 the next business day', () => {
    expect(iso(notificationTime(chicago, at('2026-11-24T17:00:00-06:00')))).toBe('2026-11-25T15:00:00.000Z');
    expect(iso(notificationTime(chicago, at('2026-11-24T16:59:59.999-06:00')))).toBe('2026-11-24T22:59:59.999Z');
  });

  it('waits over the weekend and over holidays', () => {
    // Friday evening → Monday 09:00; Wednesday evening before Thanksgiving → Friday 09:00.
    expect(iso(notificationTime(chicago, at('2026-11-20T17:30:00-06:00')))).toBe('2026-11-23T15:00:00.000Z');
    expect(iso(notificationTime(chicago, at('2026-11-25T18:00:00-06:00')))).toBe('2026-11-27T15:00:00.000Z');
  });

  it('sends urgent notifications, and those of a 24×7 priority, at once', () => {
    const night = at('2026-11-24T22:00:00-06:00');
    expect(notificationTime(chicago, night, { urgent: true })).toBe(night);
    expect(notificationTime(ALWAYS_OPEN, night)).toBe(night);
  });

  it('never sends earlier than due, and always inside the window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }), (due) => {
        const sent = notificationTime(chicago, due);
        expect(sent).toBeGreaterThanOrEqual(due);
        expect(isOpenAt(chicago, sent)).toBe(true);
        if (isOpenAt(chicago, due)) expect(sent).toBe(due);
      }),
    );
  });

  it('works on windows of seconds (HH:MM:SS), as workflow tests build them', () => {
    const cal: BusinessCalendar = { timeZone: 'UTC', weekly: { tue: [{ start: '10:00:00', end: '10:00:02' }, { start: '10:00:06', end: '24:00' }] } };
    expect(validateCalendar(cal)).toEqual([]);
    expect(iso(notificationTime(cal, at('2026-11-24T10:00:01Z')))).toBe('2026-11-24T10:00:01.000Z');
    expect(iso(notificationTime(cal, at('2026-11-24T10:00:02Z')))).toBe('2026-11-24T10:00:06.000Z');
    expect(validateCalendar({ timeZone: 'UTC', weekly: { mon: [{ start: '10:00:60', end: '11:00' }] } })).toHaveLength(1);
  });
});
