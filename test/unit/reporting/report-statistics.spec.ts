import { histogram, netPromoterScore, percentile, RESOLUTION_BUCKETS } from '../../../src/domain/reporting/report-statistics';

describe('NPS (001_…txt: "Net Promoter Score (NPS) ≥ +35"; 000_…txt: "a Net Promoter Score (NPS) above 35")', () => {
  it('is % promoters (9–10) minus % detractors (0–6); passives (7–8) count only in the total', () => {
    // 50 promoters, 30 passives, 20 detractors of 100: 50 % − 20 % = +30.
    expect(netPromoterScore({ 10: 20, 9: 30, 8: 15, 7: 15, 6: 10, 0: 10 })).toEqual({ responses: 100, promoters: 50, passives: 30, detractors: 20, score: 30 });
  });

  it('spans −100 (all detractors) to +100 (all promoters), one decimal, and is null without answers', () => {
    expect(netPromoterScore({ 0: 3, 6: 4 }).score).toBe(-100);
    expect(netPromoterScore({ 9: 1, 10: 2 }).score).toBe(100);
    expect(netPromoterScore({ 9: 1, 7: 1, 3: 1 }).score).toBe(0);
    expect(netPromoterScore({ 10: 2, 5: 1 }).score).toBe(33.3);
    expect(netPromoterScore({}).score).toBeNull();
  });

  it('refuses an answer outside 0–10', () => {
    expect(() => netPromoterScore({ 11: 1 })).toThrow(RangeError);
  });
});

describe('time-to-resolution percentiles and histogram (001_…txt: "time-to-resolution distribution")', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1…100

  it('nearest rank: p50 of 1…100 is 50, p90 is 90, p99 is 99, p100 the maximum; always a value somebody had', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7, 3, 5], 50)).toBe(5); // unsorted input
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });

  it('buckets [from, to), the last open-ended, every value counted once', () => {
    const H = 3600;
    const buckets = histogram([0, H - 1, H, 5 * H, 24 * H, 71 * H, 72 * H, 400 * H], RESOLUTION_BUCKETS);
    expect(Object.fromEntries(buckets.map((b) => [b.label, b.count]))).toEqual({ '<1h': 2, '1–4h': 1, '4–8h': 1, '8–24h': 0, '24–48h': 1, '48–72h': 1, '3–7d': 1, '≥7d': 1 });
    expect(buckets.at(-1)!.to).toBeNull();
    expect(buckets.reduce((a, b) => a + b.count, 0)).toBe(8);
  });
});
