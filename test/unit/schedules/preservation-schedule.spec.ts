import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { earliest } from '../../../src/domain/schedule';
import { applyPreservationAction, openPreservationHold } from '../../../src/domain/takedown/preservation';
import { pendingPreservationReminders, preservationReminderKey, preservationSchedule } from '../../../src/domain/takedown/schedule';
import { pinTakedownCasePolicy } from '../../../src/domain/takedown/takedown-policy';

/**
 * A preservation hold's clock under the SHIPPED pack (policies/uoozee.yaml: held 90 days,
 * extendable once by 90 on a renewed request, the legal lead reminded 14 and 3 days before
 * expiry). Wall-clock days, at fixed instants.
 */
const pack = PolicyRegistry.fromDirectory(resolve(__dirname, '../../../policies')).find('uoozee');
if (!pack) throw new Error('the shipped packs have no uoozee');
const policy = pinTakedownCasePolicy(pack).clocks.preservation!;

const DAY = 86_400_000;
const HOLD = 'preservation-0123456789abcdefghijklmnop';
const T0 = Date.UTC(2026, 10, 20, 21, 30); // Friday 20 November 2026, 16:30 in New York
const iso = (ms: number) => new Date(ms).toISOString();

describe('preservation schedule (shipped uoozee pack)', () => {
  it('a new hold: reminders 14 and 3 days before the 90-day expiry, the expiry last', () => {
    const hold = openPreservationHold(T0, policy);
    const expires = T0 + 90 * DAY;
    expect(preservationSchedule(HOLD, hold, policy, new Set())).toEqual([
      { at: expires, summary: `preservation hold expires ${iso(expires)}` },
      { at: expires - 14 * DAY, summary: `reminder before the hold expires ${iso(expires)}` },
      { at: expires - 3 * DAY, summary: `reminder before the hold expires ${iso(expires)}` },
    ]);
    expect(earliest(preservationSchedule(HOLD, hold, policy, new Set()))?.at).toBe(T0 + 76 * DAY);
  });

  it('a reminder sent leaves the schedule: the next one, then the expiry', () => {
    const hold = openPreservationHold(T0, policy);
    const [first, second] = pendingPreservationReminders(HOLD, hold, policy, new Set());
    const sent = new Set([preservationReminderKey(HOLD, first)]);
    expect(earliest(preservationSchedule(HOLD, hold, policy, sent))?.at).toBe(T0 + 87 * DAY);
    sent.add(preservationReminderKey(HOLD, second));
    expect(earliest(preservationSchedule(HOLD, hold, policy, sent))).toEqual({ at: T0 + 90 * DAY, summary: `preservation hold expires ${iso(T0 + 90 * DAY)}` });
  });

  it('extended on day 80: the expiry moves 90 days on and brings a fresh pair of reminders; the old unsent one is dropped', () => {
    const hold = applyPreservationAction(openPreservationHold(T0, policy), 'extend', 'legal', T0 + 80 * DAY, policy);
    const expires = T0 + 180 * DAY;
    const sentBefore = new Set([preservationReminderKey(HOLD, { at: T0 + 76 * DAY, beforeMs: 14 * DAY, expiresAt: T0 + 90 * DAY })]);
    expect(preservationSchedule(HOLD, hold, policy, sentBefore).map((d) => d.at)).toEqual([expires, expires - 14 * DAY, expires - 3 * DAY]);
  });

  it('a reminder that would fall before the hold began is not owed', () => {
    const short = { ...policy, holdMs: 10 * DAY };
    const hold = openPreservationHold(T0, short);
    expect(preservationSchedule(HOLD, hold, short, new Set()).map((d) => d.at)).toEqual([T0 + 10 * DAY, T0 + 7 * DAY]);
  });

  it('a released hold waits for nothing', () => {
    const released = applyPreservationAction(openPreservationHold(T0, policy), 'release', 'system', T0 + 90 * DAY, policy);
    expect(preservationSchedule(HOLD, released, policy, new Set())).toEqual([]);
  });
});
