import { earliest, type Due } from '../schedule';
import { formatDuration, utcTime } from '../ui-details';
import { REGIME_LAW, type Regime } from './regime';
import type { TakedownCase, TakedownState } from './case';
import { complaintDeadline, type TakedownPolicy } from './deadlines';
import { preservationReminders, type PreservationHold, type PreservationPolicy, type PreservationReminder } from './preservation';

/**
 * What a takedown case and a preservation hold wait for, as pure functions of their state: the
 * statutory clocks the workflows set timers for, with the names those timers carry in the
 * Temporal UI. The workflows only wait for the earliest (src/workflows/common/agenda.ts).
 */

/** Nothing more can happen to the case: the workflow ends (a note afterwards is a 409 naming the state). */
export const TAKEDOWN_END_STATES: readonly TakedownState[] = ['lapsed', 'rejected', 'restored', 'kept', 'upheld', 'reversed'];
/** The decision clock runs while the notice is reviewable and undecided. */
export const REVIEWABLE: readonly TakedownState[] = ['triage', 'in_review'];

const iso = (ms: number): string => new Date(ms).toISOString();

/** What the takedown's clocks depend on beyond the domain case: escalations already sent, and a temporary restriction still standing. */
export interface TakedownClocks {
  c: TakedownCase;
  /** The window lengths name the decision's timers (absent in tests that build clocks by hand: unnamed). */
  clocks: Pick<TakedownPolicy, 'complaintWindowMonths'> & Partial<Pick<TakedownPolicy, 'decideWithinMs'>>;
  /** The decision deadline (dueAt) each escalation was sent for: one of each per deadline. */
  atRiskSentFor: number | null;
  breachSentFor: number | null;
  /** When a temporary restriction still in force ends (see restrictionEnd); null when none stands. */
  restrictionEndsAt: number | null;
}

/** The decision clock's deadline while it runs (reviewable, undecided); null otherwise. */
export function runningDecisionDeadline(c: TakedownCase): { dueAt: number; atRiskAt: number } | null {
  return REVIEWABLE.includes(c.state) && c.decisionDue && c.decidedAt === null ? c.decisionDue : null;
}

/**
 * When a temporary restriction (the decision's endsAt) ends, while the content is still
 * restricted under it; null when the decision is indefinite, already lifted, or not restricting.
 */
export function restrictionEnd(c: TakedownCase, restrictionLiftedAt: number | null, contentRestricted: boolean): number | null {
  const endsAt = c.decision?.endsAt ?? null;
  return endsAt === null || restrictionLiftedAt !== null || !contentRestricted ? null : endsAt;
}

/** The DSA Art. 20 window for DSA cases; the same span for others, as the time a counter-notice is still taken. */
export function disputeWindowEnd(c: TakedownCase, clocks: Pick<TakedownPolicy, 'complaintWindowMonths'>): number | null {
  if (c.complaintClosesAt !== null) return c.complaintClosesAt;
  return c.decidedAt === null ? null : complaintDeadline(clocks, c.decidedAt);
}

/** End states end the case; a closed case stays open for counter-notices and complaints until the dispute window ends. */
export function takedownFinished(k: TakedownClocks, now: number): boolean {
  // A temporary restriction still to lift keeps the case running, whatever its state.
  if (k.restrictionEndsAt !== null) return false;
  if (TAKEDOWN_END_STATES.includes(k.c.state)) return true;
  if (k.c.state !== 'closed') return false;
  const until = disputeWindowEnd(k.c, k.clocks);
  return until === null || now >= until;
}

const noticeOf = (r: Regime): string => (r === 'platform_terms' ? 'platform terms report' : `${REGIME_LAW[r]} notice`);

/** "DMCA §512 notice, standard tier, 7d": what the decision clock runs under (the tightest regime's window), or '' when unknown. */
function decisionBasis(k: TakedownClocks): string {
  const windows = k.clocks.decideWithinMs;
  if (!windows || k.c.regimes.length === 0) return '';
  const tightest = [...k.c.regimes].sort((a, b) => windows[a][k.c.tier] - windows[b][k.c.tier])[0];
  return `${k.c.regimes.map(noticeOf).join(' + ')}, ${k.c.tier} tier, ${formatDuration(windows[tightest][k.c.tier])}`;
}

/** Every moment the case waits for, each named as its timer is in the UI. */
export function takedownSchedule(k: TakedownClocks): Due[] {
  const { c } = k;
  const due: Due[] = [];
  const decision = runningDecisionDeadline(c);
  if (decision) {
    const basis = decisionBasis(k);
    if (k.atRiskSentFor !== decision.dueAt) due.push({ at: decision.atRiskAt, summary: `decision at risk (${basis ? `${basis}, ` : ''}due ${utcTime(decision.dueAt)})` });
    if (k.breachSentFor !== decision.dueAt) due.push({ at: decision.dueAt, summary: basis ? `decision due (${basis})` : 'decision due' });
  }
  if (c.state === 'needs_info' && c.infoRequestLapsesAt !== null) due.push({ at: c.infoRequestLapsesAt, summary: "notifier's answer due (request lapses)" });
  if (c.state === 'restore_pending' && c.restoreWindow) due.push({ at: c.restoreWindow.notBefore, summary: 'restore window opens (§512(g))' });
  // The dispute window's end only lets a closed case finish, which a standing restriction prevents anyway.
  if (c.state === 'closed' && k.restrictionEndsAt === null) {
    const until = disputeWindowEnd(c, k.clocks);
    if (until !== null) due.push({ at: until, summary: 'dispute window closes' });
  }
  if (k.restrictionEndsAt !== null) due.push({ at: k.restrictionEndsAt, summary: 'temporary restriction ends' });
  return due;
}

/** The next moment the case waits for (null: only a person can move it). */
export function nextTakedownDue(k: TakedownClocks): Due | null {
  return earliest(takedownSchedule(k));
}

/** The next deadline someone must meet (the view's nextDeadlineAt): the decision, the notifier's answer, or the earliest restore. */
export function nextTakedownDeadline(c: TakedownCase): number | null {
  if (REVIEWABLE.includes(c.state) && c.decisionDue) return c.decisionDue.dueAt;
  if (c.state === 'needs_info' && c.infoRequestLapsesAt !== null) return c.infoRequestLapsesAt;
  if (c.state === 'restore_pending' && c.restoreWindow) return c.restoreWindow.notBefore;
  return null;
}

// ── Preservation holds ─────────────────────────────────────────────────────────────────────────

/** A reminder's own key: sent at most once, whatever the runs and retries. */
export function preservationReminderKey(holdId: string, r: PreservationReminder): string {
  return `${holdId}:expires:${r.expiresAt}:remind:${r.beforeMs}`;
}

/** The reminders not sent yet, earliest first. */
export function pendingPreservationReminders(holdId: string, hold: PreservationHold, policy: PreservationPolicy, sentKeys: ReadonlySet<string>): PreservationReminder[] {
  return preservationReminders(hold, policy).filter((r) => !sentKeys.has(preservationReminderKey(holdId, r)));
}

/** The hold's moments: its expiry (listed first: it wins a tie) and the reminders still to send. */
export function preservationSchedule(holdId: string, hold: PreservationHold, policy: PreservationPolicy, sentKeys: ReadonlySet<string>): Due[] {
  if (hold.state === 'released') return [];
  return [
    { at: hold.expiresAt, summary: `preservation hold expires ${iso(hold.expiresAt)}` },
    ...pendingPreservationReminders(holdId, hold, policy, sentKeys).map((r) => ({ at: r.at, summary: `reminder before the hold expires ${iso(hold.expiresAt)}` })),
  ];
}
