import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { BillingPolicy, pinBillingPolicy } from '../../../src/domain/billing/billing-policy';
import { internalDeadline, reminderTimes } from '../../../src/domain/billing/dispute';
import { disputeSchedule } from '../../../src/domain/billing/schedule';
import { earliest } from '../../../src/domain/schedule';

const SHIPPED = resolve(__dirname, '../../../policies');
const H = 3_600_000;

/** The shipped pack's billing rules, pinned the way a case's workflow input carries them. */
function shippedBilling(brand: string): BillingPolicy {
  const pack = PolicyRegistry.fromDirectory(SHIPPED).find(brand);
  if (!pack) throw new Error(`no shipped pack for ${brand}`);
  return pinBillingPolicy(pack);
}

describe('dispute schedule on the shipped uoozee pack (internal deadline = due_by − 48 h, reminders 72 h and 24 h before it)', () => {
  const policy = shippedBilling('uoozee').disputes;
  // The network's due_by: Friday 4 December 2026, 16:30 in New York (the pack's zone).
  const dueBy = Date.parse('2026-12-04T21:30:00Z');
  const opened = Date.parse('2026-11-25T15:00:00Z');
  const deadline = Date.parse('2026-12-02T21:30:00Z');
  const reminders = reminderTimes(dueBy, opened, policy);

  it('pins the seed: our own deadline is 48 h before the network\'s, wall-clock (a Friday due_by gives a Wednesday deadline)', () => {
    expect(internalDeadline(dueBy, policy)).toBe(deadline);
    expect(reminders.map((t) => new Date(t).toISOString())).toEqual(['2026-11-29T21:30:00.000Z', '2026-12-01T21:30:00.000Z']);
  });

  it('waits for the first reminder, then the second, then the deadline, each named for the UI', () => {
    const state = { dueBy, reminders, sentReminders: 0, missedNotified: false, evidencePending: false };
    expect(earliest(disputeSchedule(state, policy, opened))).toEqual({ at: reminders[0], summary: 'dispute: evidence reminder 1 of 2' });
    expect(earliest(disputeSchedule({ ...state, sentReminders: 1 }, policy, opened))).toEqual({ at: reminders[1], summary: 'dispute: evidence reminder 2 of 2' });
    expect(earliest(disputeSchedule({ ...state, sentReminders: 2 }, policy, opened))).toEqual({ at: deadline, summary: 'dispute: internal deadline, submit what is staged' });
  });

  it('a dispute opened inside the reminder window reminds only ahead of now, and never late', () => {
    const late = reminderTimes(dueBy, deadline - 30 * H, policy);
    expect(late).toEqual([deadline - 24 * H]);
    expect(reminderTimes(dueBy, deadline - H, policy)).toEqual([]);
    expect(earliest(disputeSchedule({ dueBy, reminders: [], sentReminders: 0, missedNotified: false, evidencePending: false }, policy, opened))?.at).toBe(deadline);
  });

  it('a case carried from before submission at the deadline (it only told a person) waits for nothing more', () => {
    expect(disputeSchedule({ dueBy, reminders, sentReminders: 2, missedNotified: true, evidencePending: false }, policy, opened)).toEqual([]);
  });

  it('evidence not yet staged (or a complete checklist) is due at once, ahead of any reminder', () => {
    const state = { dueBy, reminders, sentReminders: 0, missedNotified: false, evidencePending: true };
    expect(earliest(disputeSchedule(state, policy, opened))).toEqual({ at: opened, summary: 'dispute: stage the evidence (and submit a complete checklist)' });
  });

  it('vivtone ships no billing rules: its pack is refused for a billing case', () => {
    expect(() => shippedBilling('vivtone')).toThrow(/no billing policy/);
  });
});
