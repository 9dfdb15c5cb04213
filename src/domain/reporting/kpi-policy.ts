import { z } from 'zod';
import { isDuration, parseDuration } from '../sla/duration';

/**
 * A policy pack's `kpis:` section: the operational targets the stored reports judge each KPI by
 * (000_…txt "CSAT of ≥88%, … NPS above 35, … FCR rate of ≥75%", "AHT of 6–10 minutes"; 001_…txt
 * "CSAT ≥ 88–92%, NPS ≥ +35, FCR ≥ 75%, and AHT of 4–6 minutes"), who hears when one is off target
 * two periods running, and who owns the RCA items the monthly report proposes from root-cause tags.
 */

// The pack's channel names (policy.schema.ts CHANNELS), repeated: that schema imports this one.
const CHANNELS = ['email', 'chat', 'phone', 'social', 'portal'] as const;

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

/** A bound: `min`/`max` inclusive, `above` exclusive ("NPS above 35"); `stretch` is reported, never judged. */
const shareTarget = z
  .object({ min: z.number().min(0).max(1).optional(), stretch: z.number().min(0).max(1).optional() })
  .strict()
  .refine((t) => t.min !== undefined, 'min is required');

export const kpiPolicySchema = z
  .object({
    /** Told once when a KPI is off target two periods running ("rotation:…", "user:…", an address). */
    operationsLead: z.string().trim().min(1).max(200),
    targets: z
      .object({
        /** CSAT: share of survey scores 4–5 of 5. */
        csat: shareTarget.optional(),
        /** NPS: % promoters (9–10) − % detractors (0–6), −100…+100. */
        nps: z
          .object({ min: z.number().min(-100).max(100).optional(), above: z.number().min(-100).max(100).optional() })
          .strict()
          .refine((t) => (t.min === undefined) !== (t.above === undefined), 'exactly one of min or above')
          .optional(),
        /** First-contact resolution: share of resolved tickets resolved in one agent reply. */
        fcr: shareTarget.optional(),
        /** Average handle time: agents' logged working time per resolved ticket, on these channels (all when absent). */
        aht: z
          .object({ min: duration.optional(), max: duration.optional(), channels: z.array(z.enum(CHANNELS)).min(1).optional() })
          .strict()
          .refine((t) => t.min !== undefined || t.max !== undefined, 'min or max is required')
          .optional(),
        /** Phone service level: share of calls answered within the pack's phone first-response target, during `calendar`'s hours. */
        phoneServiceLevel: z.object({ min: z.number().gt(0).max(1), calendar: z.string().min(1).default('24x7') }).strict().optional(),
        /** Preventable tickets, quarter on quarter: the change must be at most `maxChange` (−0.15 for "reduce … by 15% per quarter"). */
        preventableChange: z.object({ maxChange: z.number().min(-1).max(1) }).strict().optional(),
      })
      .strict()
      .default({}),
    /** RCA items proposed from the most frequent preventable root-cause tags: their owner and how long they have. */
    rca: z.object({ owner: z.string().trim().min(1).max(200), dueWithin: duration }).strict().optional(),
  })
  .strict();

export type KpiPolicy = z.infer<typeof kpiPolicySchema>;
export type KpiName = 'csat' | 'nps' | 'fcr' | 'aht' | 'phoneServiceLevel' | 'preventableChange';

/** What a report says of one KPI: its value, the pack's target, and whether it is met (null: no data, or no target). */
export interface KpiReading {
  name: KpiName;
  value: number | null;
  unit: 'share' | 'score' | 'seconds';
  target: { min?: number; max?: number; above?: number; stretch?: number } | null;
  met: boolean | null;
}

/** Judges a value against a target: null when either is missing. */
export function judgeKpi(name: KpiName, unit: KpiReading['unit'], value: number | null, target: KpiReading['target']): KpiReading {
  if (value === null || target === null) return { name, unit, value, target, met: null };
  const met =
    (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max) && (target.above === undefined || value > target.above);
  return { name, unit, value, target, met };
}

const seconds = (d: string | undefined) => (d === undefined ? undefined : parseDuration(d) / 1000);

/** The targets of a pack's `kpis:` section in the units the reports carry (seconds for durations). */
export function kpiTargets(policy: KpiPolicy | undefined): Record<KpiName, KpiReading['target']> {
  const t = policy?.targets ?? {};
  const strip = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    csat: t.csat ? strip({ min: t.csat.min, stretch: t.csat.stretch }) : null,
    nps: t.nps ? strip({ min: t.nps.min, above: t.nps.above }) : null,
    fcr: t.fcr ? strip({ min: t.fcr.min, stretch: t.fcr.stretch }) : null,
    aht: t.aht ? strip({ min: seconds(t.aht.min), max: seconds(t.aht.max) }) : null,
    phoneServiceLevel: t.phoneServiceLevel ? { min: t.phoneServiceLevel.min } : null,
    preventableChange: t.preventableChange ? { max: t.preventableChange.maxChange } : null,
  };
}
