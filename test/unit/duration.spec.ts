import fc from 'fast-check';
import { InvalidDurationError, isDuration, parseDuration } from '../../src/domain/sla/duration';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['30s', 30 * SECOND],
    ['60s', 60 * SECOND],
    ['1m', MINUTE],
    ['15m', 15 * MINUTE],
    ['2h', 2 * HOUR],
    ['72h', 72 * HOUR],
    ['1d', DAY],
    ['5d', 5 * DAY],
  ])('reads %s as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['1h30m', HOUR + 30 * MINUTE],
    ['2h15m30s', 2 * HOUR + 15 * MINUTE + 30 * SECOND],
    ['1d12h', DAY + 12 * HOUR],
    ['0h5m', 5 * MINUTE],
  ])('adds up the parts of the compound form %s', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', '15', 'm', '-5m', '0m', '0h0m0s', '1.5h', ' 5 m', '5 m', '5M', '5w', '5ms', 'h5', '5m ago', 'PT5M'])(
    'refuses %j with an InvalidDurationError that quotes the input',
    (input) => {
      let caught: unknown;
      try {
        parseDuration(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidDurationError);
      expect((caught as InvalidDurationError).input).toBe(input);
      expect((caught as Error).message).toContain(`"${input}"`);
    },
  );

  it('property: h, m and s written as "<h>h<m>m<s>s" give ((h*60+m)*60+s)*1000 ms', () => {
    const part = fc.nat({ max: 100_000 });
    fc.assert(
      fc.property(
        fc.tuple(part, part, part).filter(([h, m, s]) => h + m + s > 0),
        ([h, m, s]) => {
          expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
        },
      ),
    );
  });
});

describe('isDuration', () => {
  it.each(['15m', '1h30m', '60s', '4d'])('is true for %j', (input) => {
    expect(isDuration(input)).toBe(true);
  });

  it.each(['', '15', 'm', '-5m', '0m', '1.5h', ' 5 m', 'soon'])('is false for %j (and does not throw)', (input) => {
    expect(isDuration(input)).toBe(false);
  });
});
