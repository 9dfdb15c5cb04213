import { z } from 'zod';
import { HOLIDAY_SETS } from './holiday-rules';

/**
 * The pack's shape of a calendar's `holidayRules` (see holiday-rules.ts). Structure only: which
 * ids exist, duplicate ids and impossible dates are checked by validateHolidayRules, through
 * validateCalendar, so a workflow's pinned input is held to the same rules as a pack.
 */
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case slug');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

const fixedDateRule = z
  .object({
    id: slug,
    date: z.string().regex(/^\d{2}-\d{2}$/, 'MM-DD'),
    observed: z.enum(['us-federal', 'none']).optional(),
  })
  .strict();

const nthWeekdayRule = z
  .object({
    id: slug,
    month: z.number().int().min(1).max(12),
    weekday,
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal('last')]),
  })
  .strict();

export const holidayRulesSchema = z
  .object({
    sets: z.array(z.enum(HOLIDAY_SETS)).optional(),
    rules: z.array(z.union([fixedDateRule, nthWeekdayRule])).optional(),
    except: z.array(z.string().min(1)).optional(),
  })
  .strict();
