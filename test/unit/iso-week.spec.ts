import fc from 'fast-check';
import { isoWeekOf, isoWeekRange } from '../../src/domain/reporting/iso-week';

describe('ISO weeks', () => {
  it('knows known weeks', () => {
    expect(isoWeekRange('2026-W48')).toEqual({ from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') });
    expect(isoWeekRange('2026-W01')!.from.toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(isoWeekRange('2020-W53')!.from.toISOString()).toBe('2020-12-28T00:00:00.000Z');
    expect(isoWeekOf(Date.parse('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeekOf(Date.parse('2026-11-25T19:00:00Z'))).toBe('2026-W48');
  });
  it('refuses what is not a week', () => {
    expect(isoWeekRange('2026-48')).toBeNull();
    expect(isoWeekRange('2025-W53')).toBeNull();
    expect(isoWeekRange('2026-W00')).toBeNull();
  });
  it('every instant lies in the range of its own week', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const range = isoWeekRange(isoWeekOf(t))!;
        return range.from.getTime() <= t && t < range.to.getTime();
      }),
    );
  });
});
