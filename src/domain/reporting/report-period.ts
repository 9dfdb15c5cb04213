import { isoWeekOf, isoWeekRange } from './iso-week';

/**
 * The cadences of the stored operations reports (001_…txt: "Operational reporting is run on
 * daily, weekly, and monthly cadences"; "quarterly business reviews with customers").
 */
export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'quarterly'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export function isReportKind(value: unknown): value is ReportKind {
  return typeof value === 'string' && (REPORT_KINDS as readonly string[]).includes(value);
}

/** A report period: its name ("2026-12-03", "2026-W49", "2026-11", "2026-Q4") and `[from, to)` in UTC. */
export interface ReportPeriod {
  kind: ReportKind;
  name: string;
  from: number;
  to: number;
}

const DAY = 86_400_000;

/** How a period of each kind is written, for error messages and the API's documentation. */
export const PERIOD_FORMATS: Record<ReportKind, string> = {
  daily: 'a UTC day like 2026-12-03',
  weekly: 'an ISO week like 2026-W49',
  monthly: 'a month like 2026-11',
  quarterly: 'a quarter like 2026-Q4',
};

/** The period a name stands for, or null when it is not one of `kind` (malformed or impossible). */
export function parseReportPeriod(kind: ReportKind, name: string): ReportPeriod | null {
  switch (kind) {
    case 'daily': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(name);
      if (!m) return null;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const from = Date.UTC(y, mo - 1, d);
      const back = new Date(from);
      if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || y < 1970) return null;
      return { kind, name, from, to: from + DAY };
    }
    case 'weekly': {
      const range = isoWeekRange(name);
      return range && range.from.getTime() >= 0 ? { kind, name, from: range.from.getTime(), to: range.to.getTime() } : null;
    }
    case 'monthly': {
      const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(name);
      if (!m || Number(m[1]) < 1970) return null;
      return { kind, name, from: Date.UTC(Number(m[1]), Number(m[2]) - 1, 1), to: Date.UTC(Number(m[1]), Number(m[2]), 1) };
    }
    case 'quarterly': {
      const m = /^(\d{4})-Q([1-4])$/.exec(name);
      if (!m || Number(m[1]) < 1970) return null;
      const first = (Number(m[2]) - 1) * 3;
      return { kind, name, from: Date.UTC(Number(m[1]), first, 1), to: Date.UTC(Number(m[1]), first + 3, 1) };
    }
  }
}

/** The period of `kind` that contains the instant `at`. */
export function reportPeriodAt(kind: ReportKind, at: number): ReportPeriod {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  const name =
    kind === 'daily'
      ? `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
      : kind === 'weekly'
        ? isoWeekOf(at)
        : kind === 'monthly'
          ? `${y}-${pad(d.getUTCMonth() + 1)}`
          : `${y}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  return parseReportPeriod(kind, name)!;
}

/** The last period of `kind` that ended at or before `now`: what a schedule run (and a GET without `period`) reports. */
export function lastCompletePeriod(kind: ReportKind, now: number): ReportPeriod {
  return reportPeriodAt(kind, reportPeriodAt(kind, now).from - 1);
}

/** The period just before `period` (the KPI streak compares a period with the ones before it). */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  return reportPeriodAt(period.kind, period.from - 1);
}
