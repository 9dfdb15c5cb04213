import { utcTime } from '../../domain/ui-details';
import { TAKEDOWN_STATES, type TakedownState } from '../../domain/takedown/case';
import type { TakedownView } from '../../workflows/takedown/messages';
import type { PreservationView } from '../../workflows/takedown/preservation-messages';

/** A takedown is open while someone may still have to act on it before a deadline. */
export const FINISHED_STATES = ['lapsed', 'rejected', 'closed', 'restored', 'kept', 'upheld', 'reversed'] as const;

export const OPEN_STATES: readonly TakedownState[] = TAKEDOWN_STATES.filter((s) => !(FINISHED_STATES as readonly string[]).includes(s));

export function isOpen(view: Pick<TakedownView, 'state'>): boolean {
  return !(FINISHED_STATES as readonly string[]).includes(view.state);
}

export type Mark = 'overdue' | 'at_risk' | 'on_track' | 'none';

/** One statutory or contractual clock of the case, with what it means for the reviewer. */
export interface Clock {
  name: string;
  meaning: string;
  at: string;
  atRiskAt?: string;
  mark: Mark;
}

/**
 * The decision clock's mark at `now`, not as of the case's last update: the view's status is the
 * workflow's at its last transition, and a queue read an hour later must show the hour.
 */
export function decisionMark(view: Pick<TakedownView, 'decisionDue' | 'decidedAt'>, now: number): Mark {
  const due = view.decisionDue;
  if (!due || view.decidedAt !== null) return 'none';
  if (due.status === 'paused' || due.status === 'met') return 'none';
  if (due.status === 'missed') return 'overdue';
  if (now >= Date.parse(due.dueAt)) return 'overdue';
  if (now >= Date.parse(due.atRiskAt)) return 'at_risk';
  return 'on_track';
}

/** The case's mark in the queue: its decision clock, or any other deadline already past. */
export function caseMark(view: TakedownView, now: number): Mark {
  const decision = decisionMark(view, now);
  if (decision === 'overdue') return 'overdue';
  if (isOpen(view) && view.nextDeadlineAt !== null && Date.parse(view.nextDeadlineAt) <= now && view.state !== 'restore_pending') return 'overdue';
  return decision;
}

const future = (at: string, now: number): Mark => (Date.parse(at) <= now ? 'overdue' : 'on_track');

/** Every clock the case has now, soonest first, each saying what it is for. */
export function clocksOf(view: TakedownView, holds: readonly PreservationView[], now: number): Clock[] {
  const clocks: Clock[] = [];
  if (view.decisionDue && view.decidedAt === null) {
    clocks.push({
      name: 'Decision due',
      meaning: `A reviewer must decide by then (${view.regimes.join(' + ')}, ${view.tier} tier); at risk from the time shown.`,
      at: view.decisionDue.dueAt,
      atRiskAt: view.decisionDue.atRiskAt,
      mark: decisionMark(view, now),
    });
  }
  if (view.informationRequested && view.state === 'needs_info') {
    clocks.push({ name: 'Notifier’s answer due', meaning: `The case lapses unless the notifier supplies: ${view.informationRequested.missing.join(', ')}.`, at: view.informationRequested.lapsesAt, mark: future(view.informationRequested.lapsesAt, now) });
  }
  if (view.restoreWindow && view.state === 'restore_pending') {
    // 17 U.S.C. §512(g)(2)(C): not less than 10, not more than 14 business days after the counter-notice.
    clocks.push({ name: 'Restore window opens', meaning: 'The content is restored from then (DMCA §512(g)(2)(C)) unless the notifier reports a lawsuit first.', at: view.restoreWindow.notBefore, mark: 'none' });
    clocks.push({ name: 'Restore window closes', meaning: 'The latest the content may be restored after a counter-notice.', at: view.restoreWindow.notAfter, mark: future(view.restoreWindow.notAfter, now) });
  }
  if (view.complaintClosesAt && Date.parse(view.complaintClosesAt) > now) {
    clocks.push({ name: 'Complaint window closes', meaning: 'Notifier and uploader may lodge an internal complaint until then (DSA Art. 20).', at: view.complaintClosesAt, mark: 'none' });
  }
  if (view.decision?.endsAt && !view.restrictionLiftedAt) {
    clocks.push({ name: 'Temporary restriction ends', meaning: 'The restricted content comes back at this time.', at: view.decision.endsAt, mark: 'none' });
  }
  for (const hold of holds) {
    if (hold.state === 'released') continue;
    clocks.push({ name: `Preservation hold expires (${hold.reference})`, meaning: `${hold.authority}'s hold: items kept until then unless extended.`, at: hold.expiresAt, mark: 'none' });
  }
  return clocks.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** "2026-12-10 07:26:16 UTC": to the second, no milliseconds. */
export function utc(at: string | null | undefined): string {
  if (!at) return '—';
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? at : utcTime(ms);
}

/** "in 3 h", "5 min ago": how far `at` is from `now`. */
export function relative(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span = minutes < 1 ? 'under a minute' : minutes < 120 ? `${minutes} min` : Math.round(minutes / 60) < 48 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** What the case waits for now, in a sentence, with the deadline that applies (UTC). */
export function nextStep(view: TakedownView): string {
  const due = view.decisionDue && view.decidedAt === null ? ` by ${utc(view.decisionDue.dueAt)} (at risk from ${utc(view.decisionDue.atRiskAt)})` : '';
  switch (view.state) {
    case 'received':
      return 'Intake is judging the notice.';
    case 'needs_info':
      return `Waiting for the notifier${view.informationRequested ? ` until ${utc(view.informationRequested.lapsesAt)}; then the case lapses` : ''}.`;
    case 'triage':
      return `Assign a reviewer; the decision is due${due}.`;
    case 'in_review':
      return `${view.reviewer ?? 'The reviewer'} decides${due}.`;
    case 'decided':
      return 'Apply the decision: the uploader is told, then the content is actioned.';
    case 'applied':
      return 'Close the case; a counter-notice or complaint may still come.';
    case 'counter_notice_received':
      return 'The counter-notice is being forwarded to the notifier.';
    case 'restore_pending':
      return view.restoreWindow ? `The content is restored automatically from ${utc(view.restoreWindow.notBefore)} unless the notifier reports a lawsuit.` : 'Waiting for the restore window.';
    case 'complaint_review':
      return 'Uphold or reverse the decision (a reviewer other than the one who decided).';
    default:
      return 'Finished: notes only.';
  }
}
