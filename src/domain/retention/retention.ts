import { z } from 'zod';

/**
 * How long the read model keeps a closed case, per brand and support contract, in calendar
 * months after the case closed. Pure: the purge activity, the namespace retention and the tests
 * ask these functions; nothing here reads a clock.
 */
export const retentionPolicySchema = z
  .object({
    /** Every case of the brand, unless its customer's contract asks for longer. */
    defaultMonths: z.number().int().min(1).max(120),
    /** Per support plan (the pack's `plans`): a contract may only lengthen the default. */
    plans: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), z.number().int().min(1).max(120)).default({}),
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const [plan, months] of Object.entries(r.plans)) {
      if (months < r.defaultMonths) ctx.addIssue({ code: 'custom', path: ['plans', plan], message: `${months} months is shorter than the default (${r.defaultMonths}): a contract only lengthens retention` });
    }
  });

export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** A pack without a `retention` section: 12 months, the seeds' minimum for support logs. */
export const DEFAULT_RETENTION: RetentionPolicy = { defaultMonths: 12, plans: {} };

/**
 * The months a case is kept: the longest of the brand's default and the plans the customer holds
 * (a customer may hold several across their tickets; the contract asking most wins). A plan the
 * policy does not name keeps the default.
 */
export function retentionMonths(policy: RetentionPolicy, plans: readonly (string | null | undefined)[] = []): number {
  let months = policy.defaultMonths;
  for (const plan of plans) {
    if (plan && Object.hasOwn(policy.plans, plan)) months = Math.max(months, policy.plans[plan]);
  }
  return months;
}

/**
 * `at` plus whole calendar months in UTC: the same day of the month and time of day, N months
 * later. When that month lacks the day (31 January + 1 month, 29 February + 12 months), the
 * period runs to the end of that month, i.e. to the first instant of the next one — never less
 * than the months asked for. (Clamping to the last day, as PostgreSQL's interval arithmetic does,
 * would not be monotone: 29 January 12:00 would outlive 31 January 10:00.) Monotone: a later
 * start never gives an earlier end.
 */
export function addCalendarMonths(at: number, months: number): number {
  const d = new Date(at);
  const monthIndex = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (d.getUTCDate() > lastDay) return Date.UTC(year, month + 1, 1);
  return Date.UTC(year, month, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** The first instant a case closed at `closedAt` may be purged. */
export function retentionUntil(closedAt: number, policy: RetentionPolicy, plans: readonly (string | null | undefined)[] = []): number {
  return addCalendarMonths(closedAt, retentionMonths(policy, plans));
}

/** Whether a closed case is past retention at `now`. An open case (closedAt null) never is. */
export function isPastRetention(closedAt: number | null, now: number, policy: RetentionPolicy, plans: readonly (string | null | undefined)[] = []): boolean {
  return closedAt !== null && now >= retentionUntil(closedAt, policy, plans);
}

/**
 * The latest close instant that is past `months` of retention at `now`: a case closed at or
 * before it may go, one closed a millisecond later may not. Found by bisection on the monotone
 * addCalendarMonths, so month ends and leap days need no special cases. Lets the purge ask the
 * database for `closed_at <= latestPurgeable(…)` with the domain's own arithmetic.
 */
export function latestPurgeable(now: number, months: number): number {
  // m calendar months span between 28·m and 31·m days.
  const day = 86_400_000;
  let lo = now - months * 31 * day - day; // past retention
  let hi = now - months * 28 * day + day; // not yet
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (addCalendarMonths(mid, months) <= now) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * What the Temporal namespace keeps closed workflow histories for, in days: the shortest
 * retention any brand gives a case (months of at least 365/12 days, rounded down). Closed
 * histories are the bulky, second copy of a case — the read model keeps the long record — and
 * they carry personal data, so none outlives the shortest period any case is kept; the purge
 * deletes an execution still there when it purges its case, whatever its retention.
 */
export function namespaceRetentionDays(policies: readonly RetentionPolicy[]): number {
  const months = policies.length === 0 ? DEFAULT_RETENTION.defaultMonths : Math.min(...policies.map((p) => p.defaultMonths));
  return Math.floor((months * 365) / 12);
}
