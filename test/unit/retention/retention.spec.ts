import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';
import {
  addCalendarMonths,
  isPastRetention,
  latestPurgeable,
  namespaceRetentionDays,
  retentionMonths,
  retentionPolicySchema,
  retentionUntil,
} from '../../../src/domain/retention/retention';

const utc = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();
// 1970 … 2200: a close date anywhere a case could have.
const instant = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) });
const months = fc.integer({ min: 1, max: 120 });

describe('calendar months (UTC)', () => {
  it.each([
    ['2025-01-28T10:00:00.000Z', 1, '2025-02-28T10:00:00.000Z'],
    ['2025-01-31T10:00:00.000Z', 1, '2025-03-01T00:00:00.000Z'], // no 31 February: to the end of February
    ['2024-01-29T10:00:00.000Z', 1, '2024-02-29T10:00:00.000Z'], // leap year: 29 February exists
    ['2024-02-29T23:59:59.999Z', 12, '2025-03-01T00:00:00.000Z'], // leap day, next year has none
    ['2024-02-29T00:00:00.000Z', 48, '2028-02-29T00:00:00.000Z'], // four years on: a leap day again
    ['2025-03-31T00:00:00.000Z', 1, '2025-05-01T00:00:00.000Z'],
    ['2025-12-15T08:30:00.000Z', 1, '2026-01-15T08:30:00.000Z'], // over the year's end
    ['2025-11-30T00:00:00.000Z', 36, '2028-11-30T00:00:00.000Z'],
  ])('%s + %i months = %s', (from, n, to) => {
    expect(iso(addCalendarMonths(utc(from), n))).toBe(to);
  });

  it('the same day and time N months on, or — when that month lacks the day — the first instant after it', () => {
    fc.assert(
      fc.property(instant, months, (at, n) => {
        const end = new Date(addCalendarMonths(at, n));
        const start = new Date(at);
        const target = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + n, 1));
        const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
        if (start.getUTCDate() <= lastDay) {
          expect(end.getUTCFullYear() * 12 + end.getUTCMonth()).toBe(target.getUTCFullYear() * 12 + target.getUTCMonth());
          expect(end.getUTCDate()).toBe(start.getUTCDate());
          expect(end.getTime() % 86_400_000).toBe(start.getTime() % 86_400_000);
        } else {
          expect(end.getTime()).toBe(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 1));
        }
      }),
    );
  });

  it('a later close at a month end never ends earlier (29 January 12:00 against 31 January 10:00)', () => {
    expect(addCalendarMonths(utc('2025-01-31T10:00:00.000Z'), 1)).toBeGreaterThanOrEqual(addCalendarMonths(utc('2025-01-29T12:00:00.000Z'), 1));
    // Pairs within the last days of a month, where clamping would break the order.
    const monthEnd = fc.record({ y: fc.integer({ min: 1990, max: 2100 }), m: fc.integer({ min: 0, max: 11 }), d: fc.integer({ min: 26, max: 31 }), ms: fc.integer({ min: 0, max: 86_399_999 }) });
    const at = ({ y, m, d, ms }: { y: number; m: number; d: number; ms: number }) => Date.UTC(y, m, 1) + (d - 1) * 86_400_000 + ms;
    fc.assert(
      fc.property(monthEnd, monthEnd, months, (a, b, n) => {
        const [x, y] = [at(a), at(b)].sort((p, q) => p - q);
        expect(addCalendarMonths(y, n)).toBeGreaterThanOrEqual(addCalendarMonths(x, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('is monotone: a later close never ends retention earlier', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 90 * 86_400_000 }), months, (at, later, n) => {
        expect(addCalendarMonths(at + later, n)).toBeGreaterThanOrEqual(addCalendarMonths(at, n));
      }),
    );
  });

  it('spans between 28 and 31 days per month', () => {
    fc.assert(
      fc.property(instant, months, (at, n) => {
        const days = (addCalendarMonths(at, n) - at) / 86_400_000;
        expect(days).toBeGreaterThanOrEqual(28 * n);
        expect(days).toBeLessThanOrEqual(31 * n);
      }),
    );
  });
});

describe('latestPurgeable', () => {
  it('is the last close instant past retention: one millisecond later is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) }), months, (now, n) => {
        const latest = latestPurgeable(now, n);
        expect(addCalendarMonths(latest, n)).toBeLessThanOrEqual(now);
        expect(addCalendarMonths(latest + 1, n)).toBeGreaterThan(now);
      }),
    );
  });

  it('at month ends: a close whose day the later month lacks waits for that month to end', () => {
    // 28 January 10:00 + 1 month = 28 February 10:00; 29–31 January run to 1 March.
    expect(iso(latestPurgeable(utc('2025-02-28T10:00:00.000Z'), 1))).toBe('2025-01-28T10:00:00.000Z');
    expect(iso(latestPurgeable(utc('2025-03-01T00:00:00.000Z'), 1))).toBe('2025-02-01T00:00:00.000Z');
    // 29 February 2024 + 12 months = 1 March 2025.
    expect(iso(latestPurgeable(utc('2025-02-28T23:59:59.999Z'), 12))).toBe('2024-02-28T23:59:59.999Z');
    expect(iso(latestPurgeable(utc('2025-03-01T00:00:00.000Z'), 12))).toBe('2024-03-01T00:00:00.000Z');
  });
});

describe('retention per brand and contract', () => {
  const vivtone = retentionPolicySchema.parse({ defaultMonths: 12, plans: { enterprise: 36 } });

  it('the default, unless a plan the customer holds asks for longer (the longest wins); unknown plans keep the default', () => {
    expect(retentionMonths(vivtone, [])).toBe(12);
    expect(retentionMonths(vivtone, ['basic', null, undefined])).toBe(12);
    expect(retentionMonths(vivtone, ['basic', 'enterprise'])).toBe(36);
    expect(retentionMonths(vivtone, ['no-such-plan'])).toBe(12);
  });

  it('a closed case is past retention from its retentionUntil on; an open one never', () => {
    const closed = utc('2025-01-31T09:00:00.000Z');
    expect(iso(retentionUntil(closed, vivtone))).toBe('2026-01-31T09:00:00.000Z');
    expect(iso(retentionUntil(closed, vivtone, ['enterprise']))).toBe('2028-01-31T09:00:00.000Z');
    expect(isPastRetention(closed, utc('2026-01-31T08:59:59.999Z'), vivtone)).toBe(false);
    expect(isPastRetention(closed, utc('2026-01-31T09:00:00.000Z'), vivtone)).toBe(true);
    expect(isPastRetention(closed, utc('2027-06-01T00:00:00.000Z'), vivtone, ['enterprise'])).toBe(false);
    expect(isPastRetention(null, utc('2300-01-01T00:00:00.000Z'), vivtone)).toBe(false);
  });

  it('refuses a contract shorter than the default, and a plan the pack does not sell', () => {
    expect(retentionPolicySchema.safeParse({ defaultMonths: 12, plans: { basic: 6 } }).success).toBe(false);
    const raw = parse(readFileSync(resolve(__dirname, '../../../policies/vivtone.yaml'), 'utf8')) as Record<string, unknown>;
    expect(policyPackSchema.safeParse(raw).success).toBe(true);
    const parsed = policyPackSchema.safeParse({ ...raw, retention: { defaultMonths: 12, plans: { platinum: 24 } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain('retention.plans.platinum');
  });

  it('the shipped packs: 12 months by default, 36 for VIVtone Enterprise; the namespace keeps histories 365 days', () => {
    const packs = PolicyRegistry.fromDirectory(resolve(__dirname, '../../../policies'));
    expect(packs.find('uoozee')!.retention).toEqual({ defaultMonths: 12, plans: {} });
    expect(packs.find('vivtone')!.retention).toEqual({ defaultMonths: 12, plans: { enterprise: 36 } });
    expect(namespaceRetentionDays(packs.brands().map((b) => packs.find(b)!.retention))).toBe(365);
    expect(namespaceRetentionDays([{ defaultMonths: 24, plans: {} }, { defaultMonths: 36, plans: {} }])).toBe(730);
  });
});
