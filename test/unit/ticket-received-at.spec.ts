import {
  checkReceivedAt,
  parseInstantWithOffset,
  RECEIVED_AT_CLOCK_SKEW_MS,
  RECEIVED_AT_MAX_AGE_MS,
  slaStartOf,
} from '../../src/domain/ticket-received-at';

describe('a ticket\'s receivedAt', () => {
  const now = Date.parse('2026-11-30T15:00:00Z');

  it('reads ISO 8601 date-times with an offset as the instant they name', () => {
    expect(parseInstantWithOffset('2026-11-27T17:30:00-06:00')).toBe(Date.parse('2026-11-27T23:30:00Z'));
    expect(parseInstantWithOffset('2026-11-27T23:30:00Z')).toBe(Date.parse('2026-11-27T23:30:00Z'));
    expect(parseInstantWithOffset('2026-11-28T05:00+05:30')).toBe(Date.parse('2026-11-27T23:30:00Z'));
    expect(parseInstantWithOffset('2026-11-27T23:30:00.123456Z')).toBe(Date.parse('2026-11-27T23:30:00.123Z'));
    expect(parseInstantWithOffset('2026-11-27T23:30:00.5Z')).toBe(Date.parse('2026-11-27T23:30:00.500Z'));
  });

  it.each([
    ['no offset (a local time, whose instant is a guess)', '2026-11-27T17:30:00'],
    ['a date only', '2026-11-27'],
    ['no such day', '2026-02-30T10:00:00Z'],
    ['no such hour', '2026-11-27T24:00:00Z'],
    ['no such offset', '2026-11-27T10:00:00+24:00'],
    ['an RFC 2822 date', 'Fri, 27 Nov 2026 17:30:00 -0600'],
    ['epoch milliseconds', '1795822200000'],
    ['empty', ''],
  ])('refuses %s', (_what, text) => {
    expect(parseInstantWithOffset(text)).toBeNull();
    expect(checkReceivedAt(text, now)).toMatchObject({ ok: false, reason: expect.stringContaining('ISO 8601') });
  });

  it('accepts now, the past within the window, and the clock-skew allowance ahead', () => {
    for (const at of [now, now - 60_000, now - RECEIVED_AT_MAX_AGE_MS, now + RECEIVED_AT_CLOCK_SKEW_MS]) {
      expect(checkReceivedAt(new Date(at).toISOString(), now)).toEqual({ ok: true, at });
    }
  });

  it('refuses the future beyond the clock-skew allowance and the past beyond the window', () => {
    expect(checkReceivedAt(new Date(now + RECEIVED_AT_CLOCK_SKEW_MS + 1).toISOString(), now)).toMatchObject({ ok: false, reason: expect.stringContaining('future') });
    expect(checkReceivedAt(new Date(now - RECEIVED_AT_MAX_AGE_MS - 1).toISOString(), now)).toMatchObject({ ok: false, reason: expect.stringContaining('30 days') });
  });

  it('starts the clocks when the customer wrote, never after the ticket opened', () => {
    expect(slaStartOf(null, now)).toBe(now);
    expect(slaStartOf(now - 3_600_000, now)).toBe(now - 3_600_000);
    expect(slaStartOf(Number.NaN, now)).toBe(now);
    expect(slaStartOf(now + 60_000, now)).toBe(now); // a sender's clock slightly ahead counts as now
  });
});
