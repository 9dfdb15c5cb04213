import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import {
  applyPreservationAction,
  checkPreservationAction,
  InvalidPreservationTransitionError,
  openPreservationHold,
  PreservationForbiddenError,
  PreservationPolicy,
  preservationReminders,
} from '../../../src/domain/takedown/preservation';
import { pinTakedownCasePolicy } from '../../../src/domain/takedown/takedown-policy';
import { DAY } from './fixtures';

const root = resolve(__dirname, '..', '..', '..');
const POLICY: PreservationPolicy = { holdMs: 90 * DAY, extendByMs: 90 * DAY, remindBeforeMs: [14 * DAY, 3 * DAY] };
const T0 = Date.UTC(2026, 2, 1, 9);

describe('preservation holds (authorities’ retention requests)', () => {
  it('the shipped pack holds 90 days, extendable by 90, reminding 14 and 3 days before; the test pack runs in seconds', () => {
    const shipped = pinTakedownCasePolicy(PolicyRegistry.fromDirectory(resolve(root, 'policies')).find('uoozee')!);
    expect(shipped.clocks.preservation).toEqual(POLICY);
    expect(shipped.legalOnCall).toBe('rotation:legal-oncall');
    const test = pinTakedownCasePolicy(PolicyRegistry.fromDirectory(resolve(root, 'test', 'fixtures', 'policies')).find('uoozee')!);
    expect(test.clocks.preservation).toEqual({ holdMs: 4_000, extendByMs: 4_000, remindBeforeMs: [2_000, 1_000] });
  });

  it('holds for 90 days from the request, with reminders 14 and 3 days before the expiry', () => {
    const hold = openPreservationHold(T0, POLICY);
    expect(hold).toEqual({ state: 'held', requestedAt: T0, expiresAt: T0 + 90 * DAY, extendedAt: null, releasedAt: null });
    expect(preservationReminders(hold, POLICY)).toEqual([
      { at: T0 + 76 * DAY, beforeMs: 14 * DAY, expiresAt: T0 + 90 * DAY },
      { at: T0 + 87 * DAY, beforeMs: 3 * DAY, expiresAt: T0 + 90 * DAY },
    ]);
  });

  it('extends once, by 90 days from the current expiry (not from the renewal), with a fresh set of reminders', () => {
    const hold = openPreservationHold(T0, POLICY);
    const extended = applyPreservationAction(hold, 'extend', 'legal', T0 + 80 * DAY, POLICY);
    expect(extended).toMatchObject({ state: 'extended', extendedAt: T0 + 80 * DAY, expiresAt: T0 + 180 * DAY });
    expect(preservationReminders(extended, POLICY).map((r) => r.at)).toEqual([T0 + 166 * DAY, T0 + 177 * DAY]);
    const again = () => checkPreservationAction(extended, 'extend', 'legal', T0 + 81 * DAY);
    expect(again).toThrow(InvalidPreservationTransitionError);
    expect(again).toThrow(/in state extended: a preservation hold is extended once only/);
  });

  it('drops reminders that would fall before the hold (or its extension) began', () => {
    const short: PreservationPolicy = { holdMs: 10 * DAY, extendByMs: 5 * DAY, remindBeforeMs: [14 * DAY, 3 * DAY, 3 * DAY] };
    const hold = openPreservationHold(T0, short);
    expect(preservationReminders(hold, short).map((r) => r.beforeMs)).toEqual([3 * DAY]);
    // Extended one day before expiry: the new expiry is T0 + 15 d, reminders after T0 + 9 d only.
    const extended = applyPreservationAction(hold, 'extend', 'legal', T0 + 9 * DAY, short);
    expect(preservationReminders(extended, short).map((r) => r.at)).toEqual([T0 + 12 * DAY]);
  });

  it('only legal staff extend, only before expiry; only the system releases, only at expiry', () => {
    const hold = openPreservationHold(T0, POLICY);
    for (const role of ['agent', 'admin', 'system']) expect(() => checkPreservationAction(hold, 'extend', role, T0)).toThrow(PreservationForbiddenError);
    expect(() => checkPreservationAction(hold, 'release', 'legal', T0 + 90 * DAY)).toThrow(PreservationForbiddenError);
    expect(() => checkPreservationAction(hold, 'extend', 'legal', T0 + 90 * DAY)).toThrow(/expired at/);
    expect(() => checkPreservationAction(hold, 'release', 'system', T0 + 90 * DAY - 1)).toThrow(/runs until/);
    const released = applyPreservationAction(hold, 'release', 'system', T0 + 90 * DAY, POLICY);
    expect(released).toMatchObject({ state: 'released', releasedAt: T0 + 90 * DAY });
    expect(preservationReminders(released, POLICY)).toEqual([]);
    try {
      checkPreservationAction(released, 'extend', 'legal', T0 + 90 * DAY);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidPreservationTransitionError);
      expect((err as InvalidPreservationTransitionError).state).toBe('released');
    }
  });
});
