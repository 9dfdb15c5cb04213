import { HolidayRules, holidaysInYear, ruleDate, US_FEDERAL, validateHolidayRules } from '../../../src/domain/calendar/holiday-rules';

/**
 * The published US federal holidays, as observed by Monday–Friday federal staff, written out by
 * hand as data — not computed — so the rules are checked against something other than themselves.
 *
 * Source: U.S. Office of Personnel Management, "Federal Holidays" tables
 * (https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/), which apply
 * 5 U.S.C. 6103(a) (the 11 holidays) and 6103(b) / Executive Order 11582 ("when a holiday falls on
 * a Saturday, the preceding Friday is the holiday; on a Sunday, the following Monday"). OPM lists a
 * Friday 31 December observance of New Year's Day under the new year with a footnote; here every
 * date sits under the calendar year it falls in, because that is the day the office is closed.
 * Inauguration Day (Washington, D.C. area only) is not a 6103(a) holiday and is not included.
 */
const OPM: Record<number, string[]> = {
  // 2026: Independence Day (Sat 4 July) observed Friday 3 July.
  2026: ['01-01', '01-19', '02-16', '05-25', '06-19', '07-03', '09-07', '10-12', '11-11', '11-26', '12-25'],
  // 2027: Juneteenth (Sat) → Fri 18 June; 4 July (Sun) → Mon 5 July; Christmas (Sat) → Fri 24 Dec;
  // New Year's Day 2028 (Sat) → Fri 31 December 2027.
  2027: ['01-01', '01-18', '02-15', '05-31', '06-18', '07-05', '09-06', '10-11', '11-11', '11-25', '12-24', '12-31'],
  // 2028: no New Year's Day of its own (observed 2027-12-31); Veterans Day (Sat) → Fri 10 Nov.
  2028: ['01-17', '02-21', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  // 2029: Veterans Day (Sun) → Mon 12 Nov.
  2029: ['01-01', '01-15', '02-19', '05-28', '06-19', '07-04', '09-03', '10-08', '11-12', '11-22', '12-25'],
  2030: ['01-01', '01-21', '02-18', '05-27', '06-19', '07-04', '09-02', '10-14', '11-11', '11-28', '12-25'],
  2031: ['01-01', '01-20', '02-17', '05-26', '06-19', '07-04', '09-01', '10-13', '11-11', '11-27', '12-25'],
  // 2032: Juneteenth (Sat) → Fri 18 June; 4 July (Sun) → Mon 5 July; Christmas (Sat) → Fri 24 Dec;
  // New Year's Day 2033 (Sat) → Fri 31 December 2032.
  2032: ['01-01', '01-19', '02-16', '05-31', '06-18', '07-05', '09-06', '10-11', '11-11', '11-25', '12-24', '12-31'],
  // 2033: Juneteenth (Sun) → Mon 20 June; Christmas (Sun) → Mon 26 Dec.
  2033: ['01-17', '02-21', '05-30', '06-20', '07-04', '09-05', '10-10', '11-11', '11-24', '12-26'],
  // 2034: New Year's Day (Sun) → Mon 2 Jan; Veterans Day (Sat) → Fri 10 Nov.
  2034: ['01-02', '01-16', '02-20', '05-29', '06-19', '07-04', '09-04', '10-09', '11-10', '11-23', '12-25'],
  // 2035: Veterans Day (Sun) → Mon 12 Nov.
  2035: ['01-01', '01-15', '02-19', '05-28', '06-19', '07-04', '09-03', '10-08', '11-12', '11-22', '12-25'],
};

const federal: HolidayRules = { sets: ['us-federal'] };
const sorted = (s: Iterable<string>) => [...s].sort();

describe('the us-federal holiday set against OPM\'s published dates, 2026–2035', () => {
  it.each(Object.keys(OPM).map(Number))('%i: exactly the observed federal holidays of the year', (year) => {
    expect(sorted(holidaysInYear(federal, year))).toEqual(OPM[year].map((md) => `${year}-${md}`));
  });

  it('has the 11 holidays of 5 U.S.C. 6103(a), Juneteenth included, Inauguration Day not', () => {
    expect(US_FEDERAL.map((r) => r.id)).toEqual([
      'new-years-day', 'martin-luther-king-jr-day', 'washingtons-birthday', 'memorial-day', 'juneteenth',
      'independence-day', 'labor-day', 'columbus-day', 'veterans-day', 'thanksgiving-day', 'christmas-day',
    ]);
  });

  it('"New Year\'s Day 2028 is a Saturday, observed Friday" 2027-12-31 — the date the old list missed', () => {
    expect(holidaysInYear(federal, 2027).has('2027-12-31')).toBe(true);
    expect(holidaysInYear(federal, 2028).has('2028-01-01')).toBe(false); // a Saturday: closed anyway, not a holiday
  });
});

describe('holiday rules', () => {
  it('nth weekday of a month: "fourth Thursday of November", "last Monday of May", "first Monday of September"', () => {
    expect(ruleDate({ id: 't', month: 11, weekday: 'thu', nth: 4 }, 2030)).toBe('2030-11-28');
    expect(ruleDate({ id: 't', month: 11, weekday: 'thu', nth: 4 }, 2029)).toBe('2029-11-22'); // 1 Nov 2029 is a Thursday
    expect(ruleDate({ id: 'm', month: 5, weekday: 'mon', nth: 'last' }, 2027)).toBe('2027-05-31'); // 31 May itself
    expect(ruleDate({ id: 'm', month: 5, weekday: 'mon', nth: 'last' }, 2033)).toBe('2033-05-30');
    expect(ruleDate({ id: 'l', month: 9, weekday: 'mon', nth: 1 }, 2031)).toBe('2031-09-01'); // 1 Sep itself
    expect(ruleDate({ id: 'x', month: 12, weekday: 'fri', nth: 'last' }, 2027)).toBe('2027-12-31');
  });

  it('a fixed date moves off a weekend only with observed: us-federal ("Saturday → Friday, Sunday → Monday")', () => {
    expect(ruleDate({ id: 'c', date: '12-25', observed: 'us-federal' }, 2027)).toBe('2027-12-24'); // Saturday
    expect(ruleDate({ id: 'c', date: '12-25', observed: 'us-federal' }, 2033)).toBe('2033-12-26'); // Sunday
    expect(ruleDate({ id: 'c', date: '12-25', observed: 'us-federal' }, 2030)).toBe('2030-12-25'); // Wednesday
    expect(ruleDate({ id: 'c', date: '12-25' }, 2027)).toBe('2027-12-25');
    expect(ruleDate({ id: 'c', date: '12-25', observed: 'none' }, 2033)).toBe('2033-12-25');
  });

  it('except removes a rule by id, or one date; extra rules are added to a set', () => {
    const spec: HolidayRules = {
      sets: ['us-federal'],
      rules: [{ id: 'fourth-friday-of-november', month: 11, weekday: 'fri', nth: 4 }],
      except: ['columbus-day', '2030-11-11'],
    };
    const y2030 = holidaysInYear(spec, 2030);
    expect(y2030.has('2030-10-14')).toBe(false); // Columbus Day removed every year
    expect(holidaysInYear(spec, 2031).has('2031-10-13')).toBe(false);
    expect(y2030.has('2030-11-11')).toBe(false); // that one Veterans Day only
    expect(holidaysInYear(spec, 2031).has('2031-11-11')).toBe(true);
    // 1 Nov 2030 is a Friday, so its fourth Friday is the 22nd — not the day after Thanksgiving (28th):
    // "the day after Thanksgiving" is no nth-weekday rule; a pack lists such dates in `holidays`.
    expect(y2030.has('2030-11-22')).toBe(true);
    expect(y2030.has('2030-11-29')).toBe(false);
    expect(y2030.size).toBe(10);
  });

  it('is the same answer every time it is asked (memoised per rules object and year, not per call order)', () => {
    const a = sorted(holidaysInYear({ sets: ['us-federal'] }, 2032));
    const spec: HolidayRules = { sets: ['us-federal'] };
    holidaysInYear(spec, 2033);
    expect(sorted(holidaysInYear(spec, 2032))).toEqual(a);
  });

  it.each<[string, HolidayRules, RegExp]>([
    ['an unknown set', { sets: ['uk-bank' as 'us-federal'] }, /unknown holiday set "uk-bank"/],
    ['29 February', { rules: [{ id: 'leap', date: '02-29' }] }, /"02-29" is not a date MM-DD/],
    ['13th month', { rules: [{ id: 'x', date: '13-01' }] }, /is not a date MM-DD/],
    ['a month out of range', { rules: [{ id: 'x', month: 0, weekday: 'mon', nth: 1 }] }, /month must be 1–12/],
    ['a fifth weekday', { rules: [{ id: 'x', month: 1, weekday: 'mon', nth: 5 as 4 }] }, /nth must be 1–4 or last/],
    ['an id defined twice', { sets: ['us-federal'], rules: [{ id: 'christmas-day', date: '12-26' }] }, /"christmas-day" is already defined \(set us-federal\)/],
    ['except naming no rule', { sets: ['us-federal'], except: ['easter'] }, /except "easter" is neither/],
    ['except with an impossible date', { except: ['2027-02-30'] }, /except "2027-02-30" is neither/],
  ])('refuses %s, naming it', (_, spec, message) => {
    expect(validateHolidayRules(spec).join('\n')).toMatch(message);
  });

  it('accepts the shipped shapes', () => {
    expect(validateHolidayRules({ sets: ['us-federal'] })).toEqual([]);
    expect(validateHolidayRules({ rules: [{ id: 'new-years-day', date: '01-01', observed: 'us-federal' }, { id: 'thanksgiving-day', month: 11, weekday: 'thu', nth: 4 }], except: ['2030-01-01'] })).toEqual([]);
  });
});
