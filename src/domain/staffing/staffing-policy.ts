import { z } from 'zod';
import { isDuration } from '../sla/duration';

/**
 * A policy pack's `staffing:` section: what the Erlang C forecast needs per live channel (average
 * handle time and the service level to staff for), the shrinkage to plan on, and the seeds'
 * headcount ratios (agents per users or accounts), reported next to the Erlang figure.
 */

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

/** What a ratio counts: the caller passes the count as a query parameter of the same name. */
export const RATIO_UNITS = ['mau', 'users', 'midMarketAccounts', 'enterpriseAccounts'] as const;
export type RatioUnit = (typeof RATIO_UNITS)[number];

const channelStaffing = z
  .object({
    /** Average handle time per contact (talk + wrap-up). */
    aht: duration,
    /** Share of contacts to answer within `answerWithin` (0.8 for "80 %"). */
    serviceLevel: z.number().gt(0).lt(1),
    answerWithin: duration,
  })
  .strict();

const ratio = z
  .object({
    /** Who is staffed by it (agent, level1, csm). */
    role: z.string().min(1).max(64),
    unit: z.enum(RATIO_UNITS),
    /** Units one person covers: a number, or the seed's range ("3,000–7,000 MAU"). */
    perPerson: z.union([z.number().positive(), z.object({ min: z.number().positive(), max: z.number().positive() }).strict()]),
    note: z.string().optional(),
  })
  .strict()
  .refine((r) => typeof r.perPerson === 'number' || r.perPerson.min <= r.perPerson.max, { message: 'perPerson.min must not exceed max', path: ['perPerson'] });

export const staffingPolicySchema = z
  .object({
    /** Share of paid time not on contacts (training, breaks, admin). */
    shrinkage: z.number().min(0).lt(1),
    /** Live channels staffed by Erlang C; channels not listed are reported as arrivals only. */
    channels: z.record(z.enum(['email', 'chat', 'phone', 'social', 'portal']), channelStaffing).default({}),
    ratios: z.array(ratio).default([]),
    /**
     * The IANA zone intervals are labelled and grouped in (local days, the weekly profile's time of
     * day). Absent: the zone of the pack's `business` calendar, else of its first zoned calendar.
     */
    timeZone: z.string().min(1).optional(),
  })
  .strict();

export type StaffingPolicy = z.infer<typeof staffingPolicySchema>;
export type StaffingRatio = StaffingPolicy['ratios'][number];

export interface RatioResult {
  role: string;
  unit: RatioUnit;
  count: number;
  perPerson: { min: number; max: number };
  /** Headcount by the ratio: `fewest` at the widest span of control (max units per person), `most` at the narrowest. */
  people: { fewest: number; most: number };
  note?: string;
}

/** The headcount a ratio rule asks for, given the count of its unit (rounded up: a part person is a person). */
export function applyRatio(rule: StaffingRatio, count: number): RatioResult {
  if (!(count >= 0)) throw new RangeError('count must not be negative');
  const per = typeof rule.perPerson === 'number' ? { min: rule.perPerson, max: rule.perPerson } : rule.perPerson;
  return {
    role: rule.role,
    unit: rule.unit,
    count,
    perPerson: per,
    people: { fewest: Math.ceil(count / per.max), most: Math.ceil(count / per.min) },
    ...(rule.note ? { note: rule.note } : {}),
  };
}
