import { InvalidTakedownTransitionError, TAKEDOWN_ROLE, TAKEDOWN_SYSTEM_ROLE, TakedownForbiddenError } from './case';

/**
 * An authority's preservation (retention) request on a takedown case: keep the items and what
 * the platform holds about them for a fixed period, extendable once on a renewed request, then
 * let them go. The numbers come from the pack (`takedowns.clocks.preservation`); the shipped packs
 * use 90 days + one extension of 90 days, as 18 U.S.C. §2703(f)(2) does ("90 days, … extended
 * for an additional 90-day period upon a renewed request"). Pure: the preservation workflow's
 * update validator and timers ask these functions.
 *
 *   held ─extend (legal, before expiry, once)─▶ extended ─release (system, at expiry)─▶ released
 *     └──────────────release (system, at expiry)──────────────────────────────────────▲
 */
export const PRESERVATION_STATES = ['held', 'extended', 'released'] as const;
export type PreservationState = (typeof PRESERVATION_STATES)[number];
export type PreservationAction = 'extend' | 'release';

export interface PreservationPolicy {
  holdMs: number;
  extendByMs: number;
  /** Reminders to the legal lead this long before the (current) expiry, e.g. 14 d and 3 d. */
  remindBeforeMs: number[];
}

export interface PreservationHold {
  state: PreservationState;
  requestedAt: number;
  /** The first instant the hold no longer applies. */
  expiresAt: number;
  extendedAt: number | null;
  releasedAt: number | null;
}

export class InvalidPreservationTransitionError extends InvalidTakedownTransitionError<PreservationState, PreservationAction> {
  constructor(state: PreservationState, action: PreservationAction, reason?: string) {
    super(state, action, reason, 'a preservation hold');
    this.name = 'InvalidPreservationTransitionError';
  }
}

export class PreservationForbiddenError extends TakedownForbiddenError<PreservationAction> {
  constructor(role: string, action: PreservationAction) {
    super(role, action, 'a preservation hold');
    this.name = 'PreservationForbiddenError';
  }
}

export function openPreservationHold(requestedAt: number, policy: PreservationPolicy): PreservationHold {
  if (!(policy.holdMs > 0) || !(policy.extendByMs > 0)) throw new RangeError('a preservation hold lasts a positive time');
  return { state: 'held', requestedAt, expiresAt: requestedAt + policy.holdMs, extendedAt: null, releasedAt: null };
}

/**
 * Legal staff extend (once, while the hold runs); only the hold's own timer releases it, at
 * expiry. The role is checked first, like a takedown action: other roles learn nothing of the state.
 */
export function checkPreservationAction(hold: PreservationHold, action: PreservationAction, role: string, now: number): void {
  const allowedRole = action === 'extend' ? role === TAKEDOWN_ROLE : role === TAKEDOWN_SYSTEM_ROLE;
  if (!allowedRole) throw new PreservationForbiddenError(role, action);
  const refuse = (reason: string) => new InvalidPreservationTransitionError(hold.state, action, reason);
  if (hold.state === 'released') throw refuse(`the hold was released at ${iso(hold.releasedAt ?? hold.expiresAt)}`);
  if (action === 'extend') {
    if (hold.state === 'extended') throw refuse('a preservation hold is extended once only');
    if (now >= hold.expiresAt) throw refuse(`the hold expired at ${iso(hold.expiresAt)}`);
    return;
  }
  if (now < hold.expiresAt) throw refuse(`the hold runs until ${iso(hold.expiresAt)}`);
}

/** The hold after `action`; throws as checkPreservationAction does. An extension runs on from the current expiry. */
export function applyPreservationAction(hold: PreservationHold, action: PreservationAction, role: string, now: number, policy: PreservationPolicy): PreservationHold {
  checkPreservationAction(hold, action, role, now);
  if (action === 'extend') return { ...hold, state: 'extended', extendedAt: now, expiresAt: hold.expiresAt + policy.extendByMs };
  return { ...hold, state: 'released', releasedAt: now };
}

export interface PreservationReminder {
  at: number;
  /** How long before expiry; with the expiry, the reminder's key (sent once each). */
  beforeMs: number;
  expiresAt: number;
}

/**
 * The reminders owed for the current expiry, earliest first: each remindBefore that falls after
 * the hold (or its extension) began. An extension moves the expiry, so it brings a fresh set;
 * reminders of the old expiry not yet sent are dropped.
 */
export function preservationReminders(hold: PreservationHold, policy: PreservationPolicy): PreservationReminder[] {
  if (hold.state === 'released') return [];
  const since = hold.extendedAt ?? hold.requestedAt;
  return [...new Set(policy.remindBeforeMs)]
    .map((beforeMs) => ({ at: hold.expiresAt - beforeMs, beforeMs, expiresAt: hold.expiresAt }))
    .filter((r) => r.beforeMs > 0 && r.at > since)
    .sort((a, b) => a.at - b.at);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
