import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { toBusinessCalendar } from '../../../src/domain/policy/ticket-policy';
import { phoneServiceLevel } from '../../../src/domain/reporting/phone-service-level';
import { isOpenAt } from '../../../src/domain/sla/calendar';
import { parseDuration } from '../../../src/domain/sla/duration';

const S = 1_000;
const at = (iso: string) => Date.parse(iso);

/** 000_…txt: "Phone support — SLA: answer rate ≥80% within 60 seconds during business hours". */
describe('phone answer rate per 30-minute interval on the shipped uoozee pack', () => {
  const pack = PolicyRegistry.fromDirectory(resolve(__dirname, '../../../policies')).find('uoozee')!;
  const within = parseDuration(pack.channels.phone!.firstResponse!);
  const business = toBusinessCalendar(pack.calendars[pack.kpis!.targets.phoneServiceLevel!.calendar] as Exclude<(typeof pack.calendars)[string], '24x7'>);
  const inHours = (start: number) => isOpenAt(business, start);

  it('reads the seed’s 60 seconds and ≥80 % from the pack', () => {
    expect(within).toBe(60 * S);
    expect(pack.kpis!.targets.phoneServiceLevel!.min).toBe(0.8);
  });

  it('counts a call answered within 60 s as answered; later, or not yet, as missed; per interval of arrival', () => {
    // Thursday 3 December 2026, 10:00–11:00 in New York (15:00–16:00 UTC): business hours.
    const calls = [
      { receivedAt: at('2026-12-03T15:00:00Z'), firstResponseAt: at('2026-12-03T15:00:59Z') }, // 59 s
      { receivedAt: at('2026-12-03T15:10:00Z'), firstResponseAt: at('2026-12-03T15:11:00Z') }, // exactly 60 s: within
      { receivedAt: at('2026-12-03T15:20:00Z'), firstResponseAt: at('2026-12-03T15:21:01Z') }, // 61 s: missed
      { receivedAt: at('2026-12-03T15:29:59Z'), firstResponseAt: null }, // not answered: missed
      { receivedAt: at('2026-12-03T15:30:00Z'), firstResponseAt: at('2026-12-03T15:30:10Z') }, // next interval
    ];
    const level = phoneServiceLevel(calls, within, inHours);
    expect(level.intervals).toEqual([
      { start: '2026-12-03T15:00:00.000Z', calls: 4, answeredWithin: 2, serviceLevel: 0.5, inHours: true },
      { start: '2026-12-03T15:30:00.000Z', calls: 1, answeredWithin: 1, serviceLevel: 1, inHours: true },
    ]);
    expect(level.inHours).toEqual({ calls: 5, answeredWithin: 3, serviceLevel: 0.6 });
  });

  it('shows calls outside business hours but judges only those "during business hours"', () => {
    const calls = [
      // Saturday 5 December 2026, 03:00 in New York: closed; all missed.
      { receivedAt: at('2026-12-05T08:00:00Z'), firstResponseAt: null },
      { receivedAt: at('2026-12-05T08:05:00Z'), firstResponseAt: null },
      // Friday 4 December 2026, 09:00 in New York: open; both within.
      { receivedAt: at('2026-12-04T14:00:00Z'), firstResponseAt: at('2026-12-04T14:00:30Z') },
      { receivedAt: at('2026-12-04T14:01:00Z'), firstResponseAt: at('2026-12-04T14:01:45Z') },
    ];
    const level = phoneServiceLevel(calls, within, inHours);
    expect(level.intervals.map((i) => [i.start, i.inHours])).toEqual([
      ['2026-12-04T14:00:00.000Z', true],
      ['2026-12-05T08:00:00.000Z', false],
    ]);
    expect(level.inHours.serviceLevel).toBe(1);
    expect(level.allCalls.serviceLevel).toBe(0.5);
  });
});
