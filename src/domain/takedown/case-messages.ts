import type { TakedownCase } from './case';
import { RESTORE_MAX_BUSINESS_DAYS, RESTORE_MIN_BUSINESS_DAYS } from './deadlines';
import type { NoticeItem } from './notice';
import type { Measure } from './regime';

/**
 * The plain messages of a takedown case beyond the statutory documents of
 * statement-of-reasons.ts: what the notifier is told at each step (DSA Art. 16(4)–(5): receipt,
 * then the decision and the redress open to them) and what an uploader is told where no statute
 * prescribes a form. Pure; sending belongs to activities. No contact details: messages are
 * addressed by role, the sender looks the address up.
 */
export interface CaseMessage {
  text: string;
  [field: string]: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function describeMeasure(measure: Measure): string {
  switch (measure.kind) {
    case 'global_removal':
      return 'removal worldwide';
    case 'geo_restriction':
      return `access disabled in ${measure.countries.join(', ')}`;
    case 'no_action':
      return 'no action on the content';
  }
}

export function receiptMessage(caseId: string, receivedAt: number): CaseMessage {
  return { caseId, receivedAt: iso(receivedAt), text: `We received your notice on ${iso(receivedAt)}. Your case number is ${caseId}.` };
}

export function informationRequestMessage(caseId: string, missing: readonly string[], lapsesAt: number, note: string | null): CaseMessage {
  return {
    caseId,
    missing: [...missing],
    lapsesAt: iso(lapsesAt),
    text: [
      `Case ${caseId}: your notice is missing: ${missing.join(', ')}.`,
      ...(note ? [note] : []),
      `Please reply with them before ${iso(lapsesAt)}; after that the case closes without a decision.`,
    ].join('\n'),
  };
}

export function rejectionMessage(caseId: string, reason: string, missing: readonly string[]): CaseMessage {
  return {
    caseId,
    reason,
    missing: [...missing],
    text: `Case ${caseId}: we cannot act on this notice: ${reason}.${missing.length ? ` Missing: ${missing.join(', ')}.` : ''} You may send a new, complete notice.`,
  };
}

export function lapsedMessage(caseId: string, missing: readonly string[]): CaseMessage {
  return { caseId, missing: [...missing], text: `Case ${caseId}: we did not receive ${missing.join(', ')} in time, so the case is closed without a decision.` };
}

/** DSA Art. 16(5): the notifier hears of the decision and the redress open to them. */
export function decisionNoticeMessage(caseId: string, c: TakedownCase): CaseMessage {
  const d = c.decision;
  if (!d || c.decidedAt === null) throw new RangeError('no decision yet');
  const redress = c.complaintClosesAt !== null ? `You may file a complaint against this decision until ${iso(c.complaintClosesAt - 1)} (DSA Art. 20).` : null;
  return {
    caseId,
    outcome: d.outcome,
    measure: d.measure,
    decidedAt: iso(c.decidedAt),
    text: [
      `Case ${caseId}: decided on ${iso(c.decidedAt)}: ${d.outcome.replace('_', ' ')} (${describeMeasure(d.measure)}).`,
      d.measure.kind === 'no_action' ? `Reasons: ${d.facts}` : `Ground: ${d.ground.reference}. ${d.ground.explanation}`,
      ...(redress ? [redress] : []),
    ].join('\n'),
  };
}

/** Content restricted under our terms only: no statute prescribes the form, the uploader still hears why. */
export function restrictionNoticeMessage(caseId: string, c: TakedownCase, items: readonly NoticeItem[]): CaseMessage {
  const d = c.decision;
  if (!d) throw new RangeError('no decision yet');
  return {
    caseId,
    measure: d.measure,
    content: items.map((i) => ({ ...i })),
    text: [
      `Case ${caseId}: ${describeMeasure(d.measure)} of the content below.`,
      ...items.map((i) => `- ${i.url ?? i.contentId}`),
      `Ground: ${d.ground.reference}. ${d.ground.explanation}`,
      `Facts: ${d.facts}`,
    ].join('\n'),
  };
}

/** §512(g)(2)(B): the counter-notice goes to the notifier with the date the content will come back. */
export function counterNoticeForwardMessage(caseId: string, c: TakedownCase, counterNotice: Record<string, unknown>): CaseMessage {
  const w = c.restoreWindow;
  if (!w) throw new RangeError('no counter-notice yet');
  return {
    caseId,
    counterNotice,
    restoreNotBefore: iso(w.notBefore),
    restoreNotAfter: iso(w.notAfter),
    text: [
      `Case ${caseId}: the uploader sent the counter-notice below under 17 U.S.C. §512(g)(3).`,
      `We will restore the content on ${iso(w.notBefore)} (${RESTORE_MIN_BUSINESS_DAYS} business days after receipt, and no later than ${RESTORE_MAX_BUSINESS_DAYS}: ${iso(w.notAfter)})`,
      'unless you tell us before then that you have filed an action seeking a court order against the uploader.',
    ].join('\n'),
  };
}

const RESTORED_BECAUSE = {
  counter_notice: 'after a counter-notice (17 U.S.C. §512(g)(2)(C))',
  complaint_reversed: 'after a complaint reversed the decision (DSA Art. 20(4))',
  restriction_ended: 'because the temporary restriction ended',
} as const;

export function restoredMessage(caseId: string, why: keyof typeof RESTORED_BECAUSE, items: readonly NoticeItem[], endedAt?: number): CaseMessage {
  const because = why === 'restriction_ended' && endedAt !== undefined ? `${RESTORED_BECAUSE[why]} on ${iso(endedAt)}` : RESTORED_BECAUSE[why];
  return {
    caseId,
    why,
    ...(why === 'restriction_ended' && endedAt !== undefined ? { restrictionEndedAt: iso(endedAt) } : {}),
    content: items.map((i) => ({ ...i })),
    text: `Case ${caseId}: the content below was restored ${because}.\n${items.map((i) => `- ${i.url ?? i.contentId}`).join('\n')}`,
  };
}

/** DSA Art. 20(5): the complainant hears the decision on the complaint and its reasons. */
export function complaintDecisionMessage(caseId: string, outcome: 'upheld' | 'reversed', reasons: string): CaseMessage {
  return {
    caseId,
    outcome,
    reasons,
    text: `Case ${caseId}: your complaint was reviewed by a person and the decision was ${outcome === 'upheld' ? 'upheld' : 'reversed'}. Reasons: ${reasons}. You may refer the dispute to a certified out-of-court dispute settlement body (DSA Art. 21).`,
  };
}
