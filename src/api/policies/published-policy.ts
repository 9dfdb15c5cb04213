import { hasHolidayRules, holidaysInYear } from '../../domain/calendar/holiday-rules';
import type { PolicyPack } from '../../domain/policy/policy.schema';

/**
 * What a brand publishes of its policy pack (000: "publish these SLAs internally and to
 * enterprise customers"; 001: "transparent measurement on the customer portal"): targets per
 * priority and channel, coverage calendars with the closed dates they give, plans and the SLA
 * credit schedule, and the root-cause vocabulary. Incident paging, takedown and billing internals stay internal. Targets are
 * passed through as the pack states them, so a key a pack gains (a target's clock) shows here too.
 */
export function publishedPolicy(pack: PolicyPack, years: readonly number[]) {
  return {
    brand: pack.brand,
    displayName: pack.displayName,
    version: pack.version,
    source: pack.source,
    priorities: Object.entries(pack.priorities).map(([priority, p]) => ({ priority, ...p })),
    channels: Object.entries(pack.channels).map(([channel, targets]) => ({ channel, ...targets })),
    calendars: [
      { name: '24x7', alwaysOpen: true, holidays: [] as string[] },
      ...Object.entries(pack.calendars)
        .filter(([name]) => name !== '24x7')
        .map(([name, cal]) => (cal === '24x7' ? { name, alwaysOpen: true, holidays: [] as string[] } : calendarView(name, cal, years))),
    ],
    plans: Object.entries(pack.plans).map(([plan, p]) => ({ plan, ...p })),
    credits: pack.credits ?? null,
    atRiskAt: pack.atRiskAt,
    reopenWindow: pack.reopenWindow,
    autoCloseAfter: pack.autoCloseAfter,
    // The vocabulary agents tag tickets with (POST /v1/tickets/{id}/root-cause): they need its ids.
    rootCauses: pack.rootCauses ?? [],
  };
}

type BusinessCalendar = Exclude<PolicyPack['calendars'][string], '24x7'>;

/** A working calendar with every closed date in `years`: the pack's own dates and those its rules give. */
function calendarView(name: string, cal: BusinessCalendar, years: readonly number[]) {
  const closed = new Set<string>(cal.holidays);
  if (hasHolidayRules(cal.holidayRules)) for (const y of years) for (const d of holidaysInYear(cal.holidayRules, y)) closed.add(d);
  const inYears = [...closed].filter((d) => years.some((y) => d.startsWith(`${y}-`))).sort();
  return { name, alwaysOpen: false, timeZone: cal.timeZone, weekly: cal.weekly, holidays: inYears };
}
