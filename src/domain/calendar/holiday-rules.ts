import type { Weekday } from '../sla/calendar';

/**
 * Holidays as rules rather than a list of dates: a list runs out (the packs once listed
 * Thanksgiving and Christmas for 2026 only, so from 2027 on SLA clocks ticked through them).
 *
 * Pure and deterministic — workflows evaluate these rules for their timers — only Date.UTC and
 * getUTCDay on explicit dates, never the current time or a locale.
 *
 * A rule is either a fixed date ('12-25'), optionally moved off a weekend the way 5 U.S.C. 6103(b)
 * moves federal holidays (Saturday → the Friday before, Sunday → the Monday after; the Friday may
 * be in the previous year: New Year's Day 2028 is observed on Friday 31 December 2027), or the nth
 * (1–4, or last) weekday of a month ("fourth Thursday of November", "last Monday of May").
 */
export type ObservedShift = 'us-federal' | 'none';

export interface FixedDateRule {
  id: string;
  /** 'MM-DD'. 29 February is refused: a holiday that exists one year in four is a typo. */
  date: string;
  /** Default 'none': the holiday is the date itself, even on a weekend. */
  observed?: ObservedShift;
}

export interface NthWeekdayRule {
  id: string;
  month: number;
  weekday: Weekday;
  nth: 1 | 2 | 3 | 4 | 'last';
}

export type HolidayRule = FixedDateRule | NthWeekdayRule;

export const HOLIDAY_SETS = ['us-federal'] as const;
export type HolidaySetName = (typeof HOLIDAY_SETS)[number];

/** What a calendar declares; its `holidays` dates stay beside it as extra closed dates. */
export interface HolidayRules {
  /** Named sets of rules, e.g. 'us-federal'. */
  sets?: HolidaySetName[];
  /** The calendar's own rules, added to the sets'. */
  rules?: HolidayRule[];
  /** Removals: a rule id (the holiday is not observed at all) or a date 'YYYY-MM-DD' (open that day after all). */
  except?: string[];
}

/**
 * The 11 holidays of 5 U.S.C. 6103(a), with the observed-day shift of 6103(b) as OPM applies it to
 * Monday–Friday staff. Inauguration Day (20 January every fourth year) is left out: it is a holiday
 * only for federal employees in the Washington, D.C. area, not for a legal team elsewhere.
 */
export const US_FEDERAL: readonly HolidayRule[] = [
  { id: 'new-years-day', date: '01-01', observed: 'us-federal' },
  { id: 'martin-luther-king-jr-day', month: 1, weekday: 'mon', nth: 3 },
  { id: 'washingtons-birthday', month: 2, weekday: 'mon', nth: 3 },
  { id: 'memorial-day', month: 5, weekday: 'mon', nth: 'last' },
  { id: 'juneteenth', date: '06-19', observed: 'us-federal' },
  { id: 'independence-day', date: '07-04', observed: 'us-federal' },
  { id: 'labor-day', month: 9, weekday: 'mon', nth: 1 },
  { id: 'columbus-day', month: 10, weekday: 'mon', nth: 2 },
  { id: 'veterans-day', date: '11-11', observed: 'us-federal' },
  { id: 'thanksgiving-day', month: 11, weekday: 'thu', nth: 4 },
  { id: 'christmas-day', date: '12-25', observed: 'us-federal' },
];

const SETS: Record<HolidaySetName, readonly HolidayRule[]> = { 'us-federal': US_FEDERAL };
const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MMDD = /^(\d{2})-(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isFixed(rule: HolidayRule): rule is FixedDateRule {
  return 'date' in rule;
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The rules in force: the sets' and the calendar's own, minus those removed by id. */
function activeRules(spec: HolidayRules): HolidayRule[] {
  const removed = new Set(spec.except ?? []);
  const all = [...(spec.sets ?? []).flatMap((s) => SETS[s] ?? []), ...(spec.rules ?? [])];
  return all.filter((r) => !removed.has(r.id));
}

/** The closed date a rule gives in year y ('YYYY-MM-DD'), which may fall in y-1 or y+1 after a shift. */
export function ruleDate(rule: HolidayRule, y: number): string {
  if (isFixed(rule)) {
    const [, mm, dd] = MMDD.exec(rule.date)!;
    const t = new Date(Date.UTC(y, Number(mm) - 1, Number(dd)));
    if (rule.observed === 'us-federal') {
      const wd = t.getUTCDay();
      if (wd === 6) t.setUTCDate(t.getUTCDate() - 1);
      if (wd === 0) t.setUTCDate(t.getUTCDate() + 1);
    }
    return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }
  const target = WEEKDAYS.indexOf(rule.weekday);
  if (rule.nth === 'last') {
    const last = new Date(Date.UTC(y, rule.month, 0)); // day 0 of the next month
    const back = (last.getUTCDay() - target + 7) % 7;
    return iso(y, rule.month, last.getUTCDate() - back);
  }
  const first = new Date(Date.UTC(y, rule.month - 1, 1)).getUTCDay();
  return iso(y, rule.month, 1 + ((target - first + 7) % 7) + 7 * (rule.nth - 1));
}

// Memo per (rules object, year): the calendar walks day by day, so without it every day would
// evaluate every rule. Keyed by the object (a pinned policy keeps the same object for a workflow
// run), so the memo cannot change a result, only skip recomputing it.
const memo = new WeakMap<HolidayRules, Map<number, ReadonlySet<string>>>();

/** The closed dates ('YYYY-MM-DD') the rules give within calendar year y, observed shifts applied. */
export function holidaysInYear(spec: HolidayRules, y: number): ReadonlySet<string> {
  let years = memo.get(spec);
  if (!years) {
    years = new Map();
    memo.set(spec, years);
  }
  const hit = years.get(y);
  if (hit) return hit;
  const prefix = `${String(y).padStart(4, '0')}-`;
  const out = new Set<string>();
  for (const rule of activeRules(spec)) {
    // A shift crosses a year end only for fixed dates; look one year either side for those.
    for (const ry of isFixed(rule) ? [y - 1, y, y + 1] : [y]) {
      const date = ruleDate(rule, ry);
      if (date.startsWith(prefix)) out.add(date);
    }
  }
  for (const e of spec.except ?? []) out.delete(e);
  if (years.size > 200) years.clear();
  years.set(y, out);
  return out;
}

/** Is the local date y-m-d closed under these rules? */
export function isRuleHoliday(spec: HolidayRules, y: number, m: number, d: number): boolean {
  return holidaysInYear(spec, y).has(iso(y, m, d));
}

/** Problems with a rule set, as sentences naming the offending entry (empty when valid). */
export function validateHolidayRules(spec: HolidayRules): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const s of spec.sets ?? []) {
    if (!Object.hasOwn(SETS, s)) {
      problems.push(`unknown holiday set "${s}"; known: ${HOLIDAY_SETS.join(', ')}`);
      continue;
    }
    for (const r of SETS[s]) ids.set(r.id, `set ${s}`);
  }
  for (const r of spec.rules ?? []) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(r.id ?? '')) problems.push(`holiday rule id "${r.id}" must be a lower-case slug`);
    if (ids.has(r.id)) problems.push(`holiday rule "${r.id}" is already defined (${ids.get(r.id)}); remove it with except first`);
    ids.set(r.id, 'rules');
    if (isFixed(r)) {
      const m = MMDD.exec(r.date);
      if (!m || !isRealDate(2025, Number(m[1]), Number(m[2]))) problems.push(`holiday rule "${r.id}": "${r.date}" is not a date MM-DD`);
      if (r.observed !== undefined && r.observed !== 'us-federal' && r.observed !== 'none') problems.push(`holiday rule "${r.id}": observed must be us-federal or none`);
    } else {
      if (!Number.isInteger(r.month) || r.month < 1 || r.month > 12) problems.push(`holiday rule "${r.id}": month must be 1–12`);
      if (!WEEKDAYS.includes(r.weekday)) problems.push(`holiday rule "${r.id}": unknown weekday "${r.weekday}"`);
      if (![1, 2, 3, 4, 'last'].includes(r.nth)) problems.push(`holiday rule "${r.id}": nth must be 1–4 or last`);
    }
  }
  for (const e of spec.except ?? []) {
    const d = ISO_DATE.exec(e);
    if (d ? !isRealDate(Number(d[1]), Number(d[2]), Number(d[3])) : !ids.has(e)) {
      problems.push(`except "${e}" is neither a holiday rule id of this calendar nor a date YYYY-MM-DD`);
    }
  }
  return problems;
}

/** True when the rules can close a day at all (no sets, no rules: an empty declaration). */
export function hasHolidayRules(spec: HolidayRules | undefined): spec is HolidayRules {
  return !!spec && ((spec.sets?.length ?? 0) > 0 || (spec.rules?.length ?? 0) > 0);
}
