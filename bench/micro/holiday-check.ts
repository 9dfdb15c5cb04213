/**
 * Micro-benchmark: what holiday rules cost per business-time computation, against a list.
 *
 *   npx ts-node --transpile-only bench/micro/holiday-check.ts [N=100000]
 *
 * Same New York Mon–Fri 09:00–17:00 calendar, four ways of declaring holidays; N addBusinessTime
 * calls of 8 business hours and N of 10 business days (80 h, the §512(g) restore window), from
 * start instants spread over 2026–2035 (so every year's rules are evaluated). "rules, cold" hands
 * each call a fresh rules object, so the per-(rules, year) memo never hits: the cost without it.
 * Not part of `make bench` (that runs the stack scenarios in bench/scenarios).
 */
import { HolidayRules, holidaysInYear } from '../../src/domain/calendar/holiday-rules';
import { addBusinessTime, BusinessCalendar, isHoliday } from '../../src/domain/sla/calendar';

const N = Number(process.argv[2] ?? 100_000);
const HOUR = 3_600_000;
const weekly: BusinessCalendar['weekly'] = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]]));
const federal: HolidayRules = { sets: ['us-federal'] };
const federalList = Array.from({ length: 10 }, (_, i) => [...holidaysInYear(federal, 2026 + i)]).flat();

const variants: Array<[string, () => BusinessCalendar]> = [
  ['no holidays', () => ({ timeZone: 'America/New_York', weekly })],
  ['list, 3 dates (old business calendars)', () => ({ timeZone: 'America/New_York', weekly, holidays: ['2026-11-26', '2026-12-25', '2027-01-01'] })],
  [`list, ${federalList.length} dates (federal 2026–2035)`, () => ({ timeZone: 'America/New_York', weekly, holidays: federalList })],
  ['rules, us-federal (memoised)', () => ({ timeZone: 'America/New_York', weekly, holidayRules: federal })],
  ['rules, us-federal, cold (memo never hits)', () => ({ timeZone: 'America/New_York', weekly, holidayRules: { sets: ['us-federal'] } })],
];

const from = Date.parse('2026-01-01T00:00:00Z');
const span = Date.parse('2036-01-01T00:00:00Z') - from;
// A fixed pseudo-random sequence (LCG): every variant computes from the same start instants.
const starts = Array.from({ length: N }, (_, i) => from + Math.floor((((i * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32) * span));

function time(label: string, run: () => number): void {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  sink += run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(64)} ${ms.toFixed(0).padStart(7)} ms  ${((ms * 1000) / N).toFixed(2).padStart(7)} µs/call  (${sink % 7})`);
}

const shared = variants.map(([name, make]) => [name, make()] as const);
// Warm up Intl and the wall-time cache once, so the first variant does not pay for everyone.
for (const s of starts.slice(0, 2000)) addBusinessTime(shared[0][1], s, 80 * HOUR);

for (const [name, make] of variants) {
  const cal = shared.find(([n]) => n === name)![1];
  const fresh = name.includes('cold');
  time(`${name}: isHoliday × ${N}`, () => {
    let x = 0;
    for (const s of starts) {
      const d = new Date(s);
      if (isHoliday(fresh ? make() : cal, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) x++;
    }
    return x;
  });
  time(`${name}: addBusinessTime 8 h × ${N}`, () => starts.reduce((x, s) => x + (addBusinessTime(fresh ? make() : cal, s, 8 * HOUR) % 1000), 0));
  time(`${name}: addBusinessTime 80 h × ${N}`, () => starts.reduce((x, s) => x + (addBusinessTime(fresh ? make() : cal, s, 80 * HOUR) % 1000), 0));
}
