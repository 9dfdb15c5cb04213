import { deadlineStatus } from '../../domain/takedown/deadlines';
import { Measure, possibleMeasures, REGIME_LAW } from '../../domain/takedown/regime';
import { earliest } from '../../domain/schedule';
import { nextTakedownDeadline, REVIEWABLE, TakedownClocks, takedownSchedule } from '../../domain/takedown/schedule';
import { caseDetailsMarkdown, cell, DetailsAction, DetailsClock } from '../../domain/ui-details';
import type { NeedsAttentionView } from '../common/needs-attention';
import { DecisionClockStatus, NOTE_PREVIEW_CHARS, TakedownInput, TakedownNoteView, TakedownRunState, TakedownView } from './messages';

export const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The latest `n` of a list, for the bounded parts of the view. */
export const lastOf = <T>(list: readonly T[], n: number): T[] => list.slice(Math.max(0, list.length - n));

// A NUL or a lone surrogate: PostgreSQL refuses them (activities/storable-text.ts).
// eslint-disable-next-line no-control-regex -- replacing the control character is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A note as the view shows it: its text cut to NOTE_PREVIEW_CHARS (the full note is in the read
 * model). An unstorable character becomes U+FFFD in the preview only: the note's own record is
 * refused and the case flagged as before, but every later snapshot (which shows the preview)
 * is stored again.
 */
export function notePreview(actor: string, at: number, text: string): TakedownNoteView {
  const cut = text.length > NOTE_PREVIEW_CHARS;
  const shown = (cut ? text.slice(0, NOTE_PREVIEW_CHARS) : text).replace(UNSTORABLE, '\uFFFD');
  return { actor, at: new Date(at).toISOString(), text: shown, ...(cut ? { truncated: true } : {}) };
}

export function decisionClockStatus(s: TakedownRunState, now: number): DecisionClockStatus {
  const due = s.c.decisionDue!;
  if (s.c.decidedAt !== null) return s.c.decidedAt <= due.dueAt ? 'met' : 'missed';
  if (!REVIEWABLE.includes(s.c.state)) return 'paused';
  return deadlineStatus(due, now);
}

function measuresFor(input: TakedownInput, s: TakedownRunState): Measure[] {
  const all = s.c.regimes.flatMap((r) => possibleMeasures(r, input.notice.claimedJurisdictions, input.policy.regimeConfig));
  const seen = new Set<string>();
  return all.filter((m) => {
    const key = JSON.stringify(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The case as the API, the query and every snapshot show it: bounded, no contact details. */
export function takedownView(input: TakedownInput, s: TakedownRunState, attention: { needsAttention?: NeedsAttentionView }, now: number): TakedownView {
  const { notice, policy } = input;
  const { c } = s;
  const d = c.decision;
  return {
    id: input.caseId,
    brand: policy.brand,
    policyVersion: policy.version,
    state: c.state,
    regimes: [...c.regimes],
    legalBasis: c.legalBasis,
    tier: c.tier,
    channel: input.channel,
    notifierRole: notice.notifier.role,
    roleVerified: input.roleVerified,
    items: notice.items.map((i) => ({ ...i })),
    claimedJurisdictions: [...notice.claimedJurisdictions],
    receivedAt: new Date(c.receivedAt).toISOString(),
    intake: { route: input.route, assessments: input.assessments },
    informationRequested: s.informationRequested && { missing: s.informationRequested.missing, lapsesAt: iso(s.informationRequested.lapsesAt)! },
    reviewer: c.reviewer,
    decisionDue: c.decisionDue && { dueAt: iso(c.decisionDue.dueAt)!, atRiskAt: iso(c.decisionDue.atRiskAt)!, status: decisionClockStatus(s, now) },
    slaBreached: s.slaBreached,
    possibleMeasures: measuresFor(input, s),
    decision: d && { ...d, endsAt: iso(d.endsAt), by: s.decidedBy ?? 'unknown' },
    decidedAt: iso(c.decidedAt),
    complaintClosesAt: iso(c.complaintClosesAt),
    counterNoticeAt: iso(c.counterNoticeAt),
    restoreWindow: c.restoreWindow && { notBefore: iso(c.restoreWindow.notBefore)!, notAfter: iso(c.restoreWindow.notAfter)! },
    contentActions: [...s.contentActions],
    communications: [...s.communications],
    communicationsTotal: s.communicationsTotal,
    notes: s.notes.map((n) => ({ ...n })),
    notesTotal: s.notesTotal,
    notesTruncated: s.notesTotal > s.notes.length,
    safetyPage: s.safetyPage && { ...s.safetyPage },
    safetyEscalation: s.safetyEscalation && { ...s.safetyEscalation },
    restrictionLiftedAt: iso(s.restrictionLiftedAt),
    nextDeadlineAt: iso(nextTakedownDeadline(c)),
    lastActionAt: new Date(s.lastActionAt).toISOString(),
    ...attention,
  };
}

const measureName = (m: Measure): string => (m.kind === 'geo_restriction' ? `geo-restriction (${m.countries.join(', ')})` : m.kind.replace(/_/g, ' '));

/**
 * The Temporal UI's current details: state, the next timer, the statutory clocks in the legal
 * calendar's zone and UTC, the measures possible, the items, the messages sent, the last actions.
 * No personal data: the notifier is named by role only, items by content ID or URL.
 */
export function takedownDetails(input: TakedownInput, s: TakedownRunState, clocks: TakedownClocks, recent: readonly DetailsAction[], now: number): string {
  const { c } = s;
  const due = c.decisionDue;
  const regimes = c.regimes.map((r) => REGIME_LAW[r] ?? r).join(' + ');
  const next = earliest(takedownSchedule(clocks));
  const rows: DetailsClock[] = [
    { name: `decision (${regimes}, ${c.tier} tier)`, dueAt: due?.dueAt ?? null, atRiskAt: due?.atRiskAt ?? null, state: due ? decisionClockStatus(s, now).replace(/_/g, ' ') : 'not started' },
    ...(c.state === 'needs_info' ? [{ name: "notifier's answer (request lapses)", dueAt: c.infoRequestLapsesAt, state: 'waiting' }] : []),
    ...(c.restoreWindow
      ? [
          { name: 'restore window opens (§512(g))', dueAt: c.restoreWindow.notBefore, state: c.state.replace(/_/g, ' ') },
          { name: 'restore window closes (§512(g))', dueAt: c.restoreWindow.notAfter, state: c.state.replace(/_/g, ' ') },
        ]
      : []),
    ...(c.complaintClosesAt !== null ? [{ name: 'complaints (DSA Art. 20) close', dueAt: c.complaintClosesAt, state: c.state === 'complaint_review' ? 'under review' : 'open' }] : []),
  ];
  const items = input.notice.items.slice(0, 5).map((i) => `\`${cell(i.contentId ?? i.url ?? '?')}\``);
  const sent = s.communications.slice(-3).map((m) => `${m.kind.replace(/_/g, ' ')} → ${m.recipient}`);
  return caseDetailsMarkdown({
    headline: `**${c.state.replace(/_/g, ' ')}** · takedown ${input.caseId} · ${c.legalBasis.replace(/_/g, ' ')} · ${regimes} · ${c.tier} tier · notifier: ${input.notice.notifier.role} · reviewer: ${c.reviewer ?? 'none yet'}`,
    next: next && { what: next.summary, at: next.at },
    timeZone: input.policy.clocks.calendar.timeZone,
    clocks: rows,
    sections: [
      `**Items** (${input.notice.items.length}): ${items.join(', ')}${input.notice.items.length > items.length ? ', …' : ''}`,
      `**Measures possible:** ${c.decision ? `decided: ${c.decision.outcome.replace(/_/g, ' ')}, ${measureName(c.decision.measure)}` : measuresFor(input, s).map(measureName).join(' · ')}`,
      ...(sent.length ? [`**Messages sent** (${s.communicationsTotal}): ${sent.join(' · ')}`] : []),
    ],
    recent,
  });
}
