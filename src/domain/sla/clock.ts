import type { SlaClockKind, SlaMetric } from '../policy/policy.schema';
import { addBusinessTime, ALWAYS_OPEN, BusinessCalendar, businessTimeBetween } from './calendar';

/**
 * One SLA metric's clock, as a ledger: business time spent in earlier running segments plus the
 * current segment. Pausing closes a segment, resuming opens one, and a new target (priority
 * change) applies to the time already spent. Pure: the caller passes "now" (workflow time inside
 * workflows) and the coverage calendar, so workflow, API and unit tests share these rules.
 *
 * A clock on calendar time (`clock: 'calendar'`, 001 "resolution target ≤72 hours") counts
 * elapsed time: every function here then reads the calendar it is given as ALWAYS_OPEN, so callers
 * keep passing the coverage calendar and the clock decides. Time "spent" is then elapsed time.
 */
export type SlaClockState = 'running' | 'paused' | 'met' | 'breached';
export type PauseReason = 'pending_customer' | 'pending_vendor';

export interface SlaClock {
  metric: SlaMetric;
  /** 1 for the first cycle; a reopened ticket starts resolution cycle 2, and so on. */
  cycle: number;
  targetMs: number;
  atRiskRatio: number;
  state: SlaClockState;
  startedAt: number;
  /** Business time consumed in closed segments (before runningSince). */
  elapsedMs: number;
  /** Start of the current running segment; null unless running. */
  runningSince: number | null;
  /** When the window ends, given the calendar; null unless running. */
  deadlineAt: number | null;
  /** When the clock becomes at risk; null unless running and not yet at risk. */
  atRiskAt: number | null;
  atRiskSince: number | null;
  pauseReason: PauseReason | null;
  fulfilledAt: number | null;
  breachedAt: number | null;
  /**
   * Present ('calendar') only on a clock counting elapsed time. Absent: business time on the
   * coverage calendar, as every clock started before targets had clocks (their state replays as it was).
   */
  clock?: 'calendar';
}

export interface StartOptions {
  cycle?: number;
  atRiskRatio?: number;
  /** The target's clock (default business). */
  clock?: SlaClockKind;
}

/** The kind of time a clock counts. */
export function slaClockKind(clock: Pick<SlaClock, 'clock'>): SlaClockKind {
  return clock.clock === 'calendar' ? 'calendar' : 'business';
}

/** The calendar a clock's time is counted on: the coverage calendar, or around the clock. */
export function countingCalendar(clock: Pick<SlaClock, 'clock'>, coverage: BusinessCalendar): BusinessCalendar {
  return clock.clock === 'calendar' ? ALWAYS_OPEN : coverage;
}

/** The clock field for a kind: absent for business time, so business clocks keep their old shape. */
function kindField(kind: SlaClockKind): Pick<SlaClock, 'clock'> {
  return kind === 'calendar' ? { clock: 'calendar' } : {};
}

export function startSlaClock(
  metric: SlaMetric,
  targetMs: number,
  calendar: BusinessCalendar,
  now: number,
  { cycle = 1, atRiskRatio = 0.75, clock = 'business' }: StartOptions = {},
): SlaClock {
  return schedule(
    {
      metric,
      cycle,
      targetMs,
      atRiskRatio,
      state: 'running',
      startedAt: now,
      elapsedMs: 0,
      runningSince: now,
      deadlineAt: null,
      atRiskAt: null,
      atRiskSince: null,
      pauseReason: null,
      fulfilledAt: null,
      breachedAt: null,
      ...kindField(clock),
    },
    calendar,
  );
}

/** Time spent so far on the clock's own time (business, or elapsed), including the running segment. */
export function elapsedBusinessMs(clock: SlaClock, calendar: BusinessCalendar, now: number): number {
  return clock.elapsedMs + (clock.runningSince === null ? 0 : businessTimeBetween(countingCalendar(clock, calendar), clock.runningSince, now));
}

export function remainingBusinessMs(clock: SlaClock, calendar: BusinessCalendar, now: number): number {
  if (clock.state === 'met' || clock.state === 'breached') return 0;
  return Math.max(0, clock.targetMs - elapsedBusinessMs(clock, calendar, now));
}

/** Stops the clock while the ticket waits on someone else. Only a running clock pauses. */
export function pauseSlaClock(clock: SlaClock, calendar: BusinessCalendar, now: number, reason: PauseReason): SlaClock {
  if (clock.state !== 'running') return clock;
  return {
    ...closeSegment(clock, calendar, now),
    state: 'paused',
    pauseReason: reason,
    deadlineAt: null,
    atRiskAt: null,
  };
}

/** Starts a new segment; the window continues from the ledger, not from zero. */
export function resumeSlaClock(clock: SlaClock, calendar: BusinessCalendar, now: number): SlaClock {
  if (clock.state !== 'paused') return clock;
  return schedule({ ...clock, state: 'running', pauseReason: null, runningSince: now }, calendar);
}

/**
 * A new target (e.g. after a priority change) applies to the business time already spent: the
 * deadline moves by (new target − old target), counted in business time. If the time spent already exceeds it, the
 * deadline is now.
 */
export function retargetSlaClock(
  clock: SlaClock,
  calendar: BusinessCalendar,
  now: number,
  targetMs: number,
  /** The calendar from now on, when the change also changes coverage (P2 business hours → P1 24×7). */
  nextCalendar: BusinessCalendar = calendar,
  /** The new target's clock, when the change also changes it; the time already spent carries over as it was counted. */
  nextKind: SlaClockKind = slaClockKind(clock),
): SlaClock {
  if (clock.state === 'met' || clock.state === 'breached') return clock;
  const { clock: _old, ...rest } = clock;
  if (clock.state === 'paused') return { ...rest, targetMs, ...kindField(nextKind) };
  const closed = closeSegment(clock, calendar, now);
  const { clock: _closedKind, ...closedRest } = closed;
  return schedule({ ...closedRest, runningSince: now, targetMs, ...kindField(nextKind) }, nextCalendar);
}

/** The obligation is fulfilled: met when running or paused; after a breach the breach stands. */
export function fulfilSlaClock(clock: SlaClock, calendar: BusinessCalendar, now: number): SlaClock {
  if (clock.fulfilledAt !== null) return clock;
  if (clock.state === 'breached') return { ...clock, fulfilledAt: now };
  return { ...closeSegment(clock, calendar, now), state: 'met', fulfilledAt: now, deadlineAt: null, atRiskAt: null, pauseReason: null };
}

/** The deadline passed with the clock running. Idempotent. */
export function breachSlaClock(clock: SlaClock, now: number): SlaClock {
  if (clock.state !== 'running') return clock;
  return { ...clock, state: 'breached', breachedAt: now, atRiskAt: null };
}

/** Records the at-risk warning, once. */
export function markSlaClockAtRisk(clock: SlaClock, now: number): SlaClock {
  if (clock.state !== 'running' || clock.atRiskSince !== null) return clock;
  return { ...clock, atRiskSince: now, atRiskAt: null };
}

export function isSettled(clock: SlaClock): boolean {
  return clock.state === 'met' || clock.state === 'breached';
}

function closeSegment(clock: SlaClock, calendar: BusinessCalendar, now: number): SlaClock {
  if (clock.runningSince === null) return clock;
  return { ...clock, elapsedMs: clock.elapsedMs + businessTimeBetween(countingCalendar(clock, calendar), clock.runningSince, now), runningSince: null };
}

function schedule(clock: SlaClock, coverage: BusinessCalendar): SlaClock {
  const since = clock.runningSince;
  if (since === null) return clock;
  const calendar = countingCalendar(clock, coverage);
  const remaining = clock.targetMs - clock.elapsedMs;
  const deadlineAt = remaining <= 0 ? since : addBusinessTime(calendar, since, remaining);
  const riskRemaining = clock.targetMs * clock.atRiskRatio - clock.elapsedMs;
  const atRiskAt = clock.atRiskSince !== null ? null : riskRemaining <= 0 ? since : addBusinessTime(calendar, since, riskRemaining);
  return { ...clock, deadlineAt, atRiskAt };
}
