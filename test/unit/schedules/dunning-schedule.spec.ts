import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { pinBillingPolicy } from '../../../src/domain/billing/billing-policy';
import { dunningSchedule } from '../../../src/domain/billing/dunning';
import { dunningStepSchedule } from '../../../src/domain/billing/schedule';
import { earliest } from '../../../src/domain/schedule';

const SHIPPED = resolve(__dirname, '../../../policies');

describe('dunning schedule on the shipped uoozee pack (update card 1 d, offer 3 d, final notice 5 d, cancel 7 d)', () => {
  const pack = PolicyRegistry.fromDirectory(SHIPPED).find('uoozee');
  if (!pack) throw new Error('no shipped pack for uoozee');
  const policy = pinBillingPolicy(pack).dunning;
  // A renewal that failed on Friday 4 December 2026, 16:30 in New York: the steps count wall-clock
  // days from the failure (the customer's card does not wait for business hours).
  const failedAt = Date.parse('2026-12-04T21:30:00Z');
  const steps = dunningSchedule(failedAt, policy);

  it('lays the pack\'s steps out from the failure, the cancellation last', () => {
    expect(steps.map((s) => [s.attempt, s.kind, new Date(s.at).toISOString()])).toEqual([
      [1, 'notify_update_card', '2026-12-05T21:30:00.000Z'],
      [2, 'retention_offer', '2026-12-07T21:30:00.000Z'],
      [3, 'final_notice', '2026-12-09T21:30:00.000Z'],
      [4, 'cancel', '2026-12-11T21:30:00.000Z'],
    ]);
  });

  it('waits for the first step not taken, named for the UI; each step once', () => {
    expect(earliest(dunningStepSchedule(steps, new Set()))).toEqual({ at: steps[0].at, summary: 'dunning step 1: notify update card' });
    expect(earliest(dunningStepSchedule(steps, new Set([1, 2])))).toEqual({ at: steps[2].at, summary: 'dunning step 3: final notice' });
    expect(earliest(dunningStepSchedule(steps, new Set([1, 2, 3])))).toEqual({ at: Date.parse('2026-12-11T21:30:00Z'), summary: 'dunning step 4: cancel' });
    expect(dunningStepSchedule(steps, new Set([1, 2, 3, 4]))).toEqual([]);
  });

  it('a step taken on an earlier run (carried) is not waited for again, even out of order', () => {
    expect(earliest(dunningStepSchedule(steps, new Set([2])))?.at).toBe(steps[0].at);
  });
});
