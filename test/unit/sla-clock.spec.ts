import fc from 'fast-check';
import { ALWAYS_OPEN } from '../../src/domain/sla/calendar';
import {
  breachSlaClock,
  elapsedBusinessMs,
  fulfilSlaClock,
  isSettled,
  markSlaClockAtRisk,
  pauseSlaClock,
  remainingBusinessMs,
  resumeSlaClock,
  retargetSlaClock,
  SlaClock,
  startSlaClock,
} from '../../src/domain/sla/clock';

/**
 * The clock's own rules, on the 24×7 calendar (business time = wall-clock time), so every expected
 * number here is plain arithmetic. Business-hours calendars belong to the calendar's own tests.
 */
const CAL = ALWAYS_OPEN;
const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;
const TARGET = 16 * MIN; // divisible by 4, so the 75 % at-risk point is a whole millisecond

const start = (target = TARGET, now = T0) => startSlaClock('firstResponse', target, CAL, now);

describe('startSlaClock', () => {
  it('starts running, deadline at start + target, at risk at 75 %, nothing recorded', () => {
    const clock = start();
    expect(clock).toMatchObject({
      metric: 'firstResponse',
      cycle: 1,
      targetMs: TARGET,
      state: 'running',
      startedAt: T0,
      elapsedMs: 0,
      runningSince: T0,
      deadlineAt: T0 + TARGET,
      atRiskAt: T0 + 12 * MIN,
      atRiskSince: null,
      pauseReason: null,
      fulfilledAt: null,
      breachedAt: null,
    });
  });

  it('takes the cycle and at-risk ratio from the options', () => {
    const clock = startSlaClock('resolution', TARGET, CAL, T0, { cycle: 2, atRiskRatio: 0.5 });
    expect(clock.cycle).toBe(2);
    expect(clock.atRiskAt).toBe(T0 + 8 * MIN);
    expect(clock.deadlineAt).toBe(T0 + TARGET);
  });
});

describe('fulfilSlaClock', () => {
  it('is met when fulfilled before any breach, and records when', () => {
    const clock = fulfilSlaClock(start(), CAL, T0 + MIN);
    expect(clock.state).toBe('met');
    expect(clock.fulfilledAt).toBe(T0 + MIN);
    expect(clock.breachedAt).toBeNull();
    expect(clock.deadlineAt).toBeNull();
    expect(clock.atRiskAt).toBeNull();
    expect(isSettled(clock)).toBe(true);
  });

  it('after a breach keeps the breach but records the (late) fulfilment time', () => {
    const breached = breachSlaClock(start(), T0 + TARGET);
    const late = fulfilSlaClock(breached, CAL, T0 + TARGET + 5_000);
    expect(late.state).toBe('breached');
    expect(late.breachedAt).toBe(T0 + TARGET);
    expect(late.fulfilledAt).toBe(T0 + TARGET + 5_000);
  });

  it('a paused clock is met when fulfilled', () => {
    const paused = pauseSlaClock(start(), CAL, T0 + MIN, 'pending_customer');
    const met = fulfilSlaClock(paused, CAL, T0 + 30 * MIN);
    expect(met.state).toBe('met');
    expect(met.pauseReason).toBeNull();
    expect(met.fulfilledAt).toBe(T0 + 30 * MIN);
  });

  it('does not mutate the clock it is given', () => {
    const running = start();
    const snapshot = { ...running };
    const met = fulfilSlaClock(running, CAL, T0 + 1);
    expect(running).toEqual(snapshot);
    expect(met).not.toBe(running);
  });

  it('a second fulfilment changes nothing (the first time stands)', () => {
    const met = fulfilSlaClock(start(), CAL, T0 + 1_000);
    const again = fulfilSlaClock(met, CAL, T0 + 2_000);
    expect(again).toBe(met);
    expect(again.fulfilledAt).toBe(T0 + 1_000);
  });
});

describe('breachSlaClock', () => {
  it('marks a running clock breached at the given time', () => {
    const clock = breachSlaClock(start(), T0 + TARGET);
    expect(clock.state).toBe('breached');
    expect(clock.breachedAt).toBe(T0 + TARGET);
    expect(clock.fulfilledAt).toBeNull();
    expect(isSettled(clock)).toBe(true);
  });

  it('is idempotent: a second call returns the same object, breachedAt unchanged', () => {
    const first = breachSlaClock(start(), T0 + TARGET);
    const second = breachSlaClock(first, T0 + TARGET + MIN);
    expect(second).toBe(first);
    expect(second.breachedAt).toBe(T0 + TARGET);
  });

  it('does nothing once the clock is met', () => {
    const met = fulfilSlaClock(start(), CAL, T0 + 1_000);
    const after = breachSlaClock(met, T0 + TARGET);
    expect(after).toBe(met);
    expect(after.state).toBe('met');
    expect(after.breachedAt).toBeNull();
  });

  it('does nothing while the clock is paused', () => {
    const paused = pauseSlaClock(start(), CAL, T0 + MIN, 'pending_vendor');
    expect(breachSlaClock(paused, T0 + 2 * TARGET)).toBe(paused);
  });
});

describe('remainingBusinessMs / elapsedBusinessMs', () => {
  const running = start();

  it('counts down to the deadline while running', () => {
    expect(remainingBusinessMs(running, CAL, T0)).toBe(TARGET);
    expect(remainingBusinessMs(running, CAL, T0 + MIN)).toBe(TARGET - MIN);
    expect(remainingBusinessMs(running, CAL, T0 + TARGET - 1)).toBe(1);
    expect(elapsedBusinessMs(running, CAL, T0 + MIN)).toBe(MIN);
  });

  it('is 0 at and after the deadline, never negative', () => {
    expect(remainingBusinessMs(running, CAL, T0 + TARGET)).toBe(0);
    expect(remainingBusinessMs(running, CAL, T0 + TARGET + 3_600_000)).toBe(0);
  });

  it('is 0 once met or breached, even before the deadline', () => {
    expect(remainingBusinessMs(fulfilSlaClock(running, CAL, T0 + 1_000), CAL, T0 + 2_000)).toBe(0);
    expect(remainingBusinessMs(breachSlaClock(running, T0 + 1_000), CAL, T0 + 2_000)).toBe(0);
  });

  it('stands still while paused', () => {
    const paused = pauseSlaClock(running, CAL, T0 + 4 * MIN, 'pending_customer');
    expect(remainingBusinessMs(paused, CAL, T0 + 4 * MIN)).toBe(TARGET - 4 * MIN);
    expect(remainingBusinessMs(paused, CAL, T0 + 10 * 86_400_000)).toBe(TARGET - 4 * MIN);
  });

  it('property: never negative, never more than the target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 86_400_000 }), fc.nat({ max: 20 * 86_400_000 }), (target, elapsed) => {
        const r = remainingBusinessMs(start(target), CAL, T0 + elapsed);
        expect(r).toBe(Math.max(0, target - elapsed));
      }),
    );
  });
});

describe('pause, resume and retarget', () => {
  it('pausing stops the clock and resuming continues from the time already spent', () => {
    const paused = pauseSlaClock(start(), CAL, T0 + 4 * MIN, 'pending_customer');
    expect(paused).toMatchObject({ state: 'paused', pauseReason: 'pending_customer', elapsedMs: 4 * MIN, runningSince: null, deadlineAt: null });
    const resumed = resumeSlaClock(paused, CAL, T0 + 60 * MIN);
    expect(resumed).toMatchObject({ state: 'running', pauseReason: null, runningSince: T0 + 60 * MIN, elapsedMs: 4 * MIN });
    expect(resumed.deadlineAt).toBe(T0 + 60 * MIN + (TARGET - 4 * MIN));
  });

  it('only a running clock pauses, only a paused clock resumes', () => {
    const running = start();
    expect(resumeSlaClock(running, CAL, T0 + 1)).toBe(running);
    const met = fulfilSlaClock(running, CAL, T0 + 1);
    expect(pauseSlaClock(met, CAL, T0 + 2, 'pending_customer')).toBe(met);
    expect(resumeSlaClock(met, CAL, T0 + 3)).toBe(met);
  });

  it('a new target applies to the time already spent (the deadline moves by the difference)', () => {
    const running = start(60 * MIN);
    const shorter = retargetSlaClock(running, CAL, T0 + 10 * MIN, 15 * MIN);
    expect(shorter.targetMs).toBe(15 * MIN);
    expect(shorter.deadlineAt).toBe(T0 + 15 * MIN);
  });

  it('a new target shorter than the time already spent puts the deadline at now', () => {
    const shorter = retargetSlaClock(start(60 * MIN), CAL, T0 + 30 * MIN, 15 * MIN);
    expect(shorter.deadlineAt).toBe(T0 + 30 * MIN);
  });

  it('a settled clock keeps its target', () => {
    const met = fulfilSlaClock(start(), CAL, T0 + 1);
    expect(retargetSlaClock(met, CAL, T0 + 2, MIN)).toBe(met);
  });

  it('the at-risk mark is recorded once', () => {
    const once = markSlaClockAtRisk(start(), T0 + 12 * MIN);
    expect(once.atRiskSince).toBe(T0 + 12 * MIN);
    expect(once.atRiskAt).toBeNull();
    expect(markSlaClockAtRisk(once, T0 + 13 * MIN)).toBe(once);
  });
});

describe('SLA clock properties', () => {
  type Op =
    | { kind: 'fulfil' | 'breach' | 'resume' | 'risk'; step: number }
    | { kind: 'pause'; step: number; reason: 'pending_customer' | 'pending_vendor' }
    | { kind: 'retarget'; step: number; targetMs: number };
  const step = fc.nat({ max: 3_600_000 });
  const settleOnly: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom<'fulfil' | 'breach'>('fulfil', 'breach'), step });
  const anyOp: fc.Arbitrary<Op> = fc.oneof(
    settleOnly,
    fc.record({ kind: fc.constantFrom<'resume' | 'risk'>('resume', 'risk'), step }),
    fc.record({ kind: fc.constant<'pause'>('pause'), step, reason: fc.constantFrom<'pending_customer' | 'pending_vendor'>('pending_customer', 'pending_vendor') }),
    fc.record({ kind: fc.constant<'retarget'>('retarget'), step, targetMs: fc.integer({ min: 1, max: 7 * 86_400_000 }) }),
  );

  function apply(clock: SlaClock, op: Op, now: number): SlaClock {
    switch (op.kind) {
      case 'fulfil':
        return fulfilSlaClock(clock, CAL, now);
      case 'breach':
        return breachSlaClock(clock, now);
      case 'pause':
        return pauseSlaClock(clock, CAL, now, op.reason);
      case 'resume':
        return resumeSlaClock(clock, CAL, now);
      case 'risk':
        return markSlaClockAtRisk(clock, now);
      case 'retarget':
        return retargetSlaClock(clock, CAL, now, op.targetMs);
    }
  }

  function checkRun(target: number, ops: Op[]): SlaClock {
    let clock = start(target);
    let now = T0;
    let settledAs: 'met' | 'breached' | undefined;
    let fulfilledAt: number | null = null;
    let breachedAt: number | null = null;
    for (const op of ops) {
      now += op.step; // non-decreasing time
      clock = apply(clock, op, now);

      expect(clock.startedAt).toBe(T0);
      // met/breached never go back to running (or to anything else).
      if (settledAs !== undefined) expect(clock.state).toBe(settledAs);
      if (clock.state === 'met' || clock.state === 'breached') settledAs ??= clock.state;

      // once set, the timestamps never change.
      if (fulfilledAt !== null) expect(clock.fulfilledAt).toBe(fulfilledAt);
      if (breachedAt !== null) expect(clock.breachedAt).toBe(breachedAt);
      fulfilledAt = clock.fulfilledAt;
      breachedAt = clock.breachedAt;

      // state and fields agree.
      if (clock.state === 'met') expect([clock.fulfilledAt, clock.breachedAt === null]).toEqual([expect.any(Number), true]);
      if (clock.state === 'breached') expect(clock.breachedAt).not.toBeNull();
      if (clock.state === 'running') {
        expect(clock.fulfilledAt).toBeNull();
        expect(clock.runningSince).not.toBeNull();
        expect(clock.deadlineAt).toBe(clock.runningSince! + Math.max(0, clock.targetMs - clock.elapsedMs));
      }
      if (clock.state === 'paused') {
        expect(clock.pauseReason).not.toBeNull();
        expect(clock.deadlineAt).toBeNull();
      }
      const remaining = remainingBusinessMs(clock, CAL, now);
      expect(remaining).toBeGreaterThanOrEqual(0);
      expect(remaining).toBeLessThanOrEqual(clock.targetMs);
    }
    return clock;
  }

  it('fulfil/breach in any order: never back to running, timestamps fixed once set, the first operation decides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 * 86_400_000 }), fc.array(settleOnly, { maxLength: 30 }), (target, ops) => {
        const clock = checkRun(target, ops);
        expect(clock.state).toBe(ops.length === 0 ? 'running' : ops[0].kind === 'fulfil' ? 'met' : 'breached');
      }),
    );
  });

  it('with pauses, resumes, retargets and at-risk marks mixed in, the same invariants hold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 * 86_400_000 }), fc.array(anyOp, { maxLength: 40 }), (target, ops) => {
        checkRun(target, ops);
      }),
    );
  });
});
