import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { TakedownActor } from '../../domain/takedown/case';
import { CaseMessage, informationRequestMessage, restrictionNoticeMessage } from '../../domain/takedown/case-messages';
import { buildDmcaUploaderNotification, buildStatementOfReasons } from '../../domain/takedown/statement-of-reasons';
import type { ContentAction } from '../../integrations/content/content-platform';
import { OUTSIDE_SERVICE, PAGE } from '../common/retry-policies';
import { COMMUNICATIONS_IN_VIEW, TakedownView } from './messages';
import type { Proceeding } from './proceeding';
import { iso, lastOf } from './view';

const { sendTakedownCommunication, applyContentAction } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

// The page goes out at once, so retries are quick; the dedup key makes a retry harmless. A
// malformed event (PagingRejectedError) is not retried: recorded, and the legal lead still hears.
const { pageLegalOnCall: sendPage } = proxyActivities<ReturnType<typeof createActivities>>(PAGE);

/** Who is paged when a pack names no one. */
const DEFAULT_LEGAL_ON_CALL = 'rotation:legal-oncall';
const DEFAULT_SAFETY_TEAM = 'rotation:safety-oncall';

/** A message to the notifier or the uploader, sent once under its key, and recorded. */
export async function communicate(p: Proceeding, recipient: 'uploader' | 'notifier', kind: string, body: CaseMessage, key: string): Promise<void> {
  const { sentAt } = await sendTakedownCommunication({ caseId: p.id, key, recipient, kind, body });
  p.s.communications = lastOf([...p.s.communications, { kind, recipient, at: sentAt }], COMMUNICATIONS_IN_VIEW);
  p.s.communicationsTotal++;
  await p.commit('communication_sent', 'system', { kind, recipient, key }, `${key}:sent`);
}

/** The content platform acts on every item of the notice (once per `actionKey`), and the history records it. */
export async function actOnContent(p: Proceeding, action: ContentAction, actionKey: string, countries: string[] | null): Promise<void> {
  const items = p.input.notice.items;
  const result = await applyContentAction({ caseId: p.id, actionKey, action, items, countries });
  const key = `${p.id}:${actionKey}`;
  p.s.contentActions.push({ key, action, items: items.length, countries, at: new Date().toISOString() });
  await p.commit('content_action', 'system', { action, actionKey, items: items.length, countries, applied: result.applied, alreadyApplied: result.alreadyApplied }, `${key}:content-action`);
}

/**
 * What the uploader is owed before the content is restricted: the DSA Art. 17 statement of
 * reasons, the §512(g)(2)(A) notification, or, under our terms only, a plain restriction notice.
 */
export async function informUploader(p: Proceeding): Promise<void> {
  const { notice } = p.input;
  const { c } = p.s;
  let informed = false;
  if (c.regimes.includes('dsa')) {
    const statement = buildStatementOfReasons({ caseId: p.id, takedown: c, items: notice.items, notifierRole: notice.notifier.role, roleVerified: p.input.roleVerified });
    await communicate(p, 'uploader', 'statement_of_reasons', { ...statement }, `${p.id}:statement-of-reasons`);
    informed = true;
  }
  if (c.regimes.includes('dmca') && c.legalBasis === 'copyright' && (c.decision?.outcome === 'remove' || c.decision?.outcome === 'restrict')) {
    const notification = buildDmcaUploaderNotification({ caseId: p.id, takedown: c, notice });
    await communicate(p, 'uploader', 'dmca_notification', { ...notification }, `${p.id}:dmca-notification`);
    informed = true;
  }
  if (!informed) {
    await communicate(p, 'uploader', 'restriction_notice', restrictionNoticeMessage(p.id, c, notice.items), `${p.id}:restriction-notice`);
  }
}

/** Asks the notifier for what is missing (by legal staff, or by intake's completeness check), with a lapse date. */
export async function requestInformation(p: Proceeding, missing: string[], actor: TakedownActor, note: string | null, eventKey?: string): Promise<TakedownView> {
  const entry = p.act({ action: 'request_info', missing }, actor);
  p.s.informationRequested = { missing: [...missing], lapsesAt: p.s.c.infoRequestLapsesAt! };
  await p.commitEntry(entry, {}, eventKey);
  const round = p.s.infoRequestRounds;
  await communicate(p, 'notifier', 'information_request', informationRequestMessage(p.id, missing, p.s.c.infoRequestLapsesAt!, note), `${p.id}:information-request:${round}`);
  return p.view();
}

/**
 * One page per case and step, keyed `<case>:page:<step>`: the activity's retries (a 5xx, a lost
 * answer, a worker crash) all reach the same PagerDuty alert. A refusal (malformed event) is an
 * answer too: it is returned, not thrown, so the caller records it in the case history.
 */
async function page(p: Proceeding, step: string, target: string, summary: string, details: Record<string, unknown>): Promise<{ dedupKey: string; pager: string; status: string; message: string }> {
  const dedupKey = `${p.id}:page:${step}`;
  try {
    const answer = await sendPage({ caseId: p.id, dedupKey, target, brand: p.input.policy.brand, summary, details });
    return { dedupKey, pager: answer.pager, status: answer.status, message: answer.message };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { dedupKey, pager: 'pagerduty', status: 'refused', message: err.cause?.message ?? err.message };
  }
}

/** A threat to life or safety at intake pages the legal on-call; the pager's answer is recorded. */
export async function pageLegalOnCall(p: Proceeding): Promise<void> {
  const target = p.input.policy.legalOnCall ?? DEFAULT_LEGAL_ON_CALL;
  const { notice } = p.input;
  const { c } = p.s;
  const answer = await page(
    p,
    'legal-oncall',
    target,
    // No personal data: the notifier is named by role, the content by count.
    `Threat to life or safety reported: takedown ${p.id} (${c.regimes.join(' + ')}, ${notice.items.length} item(s), notifier: ${notice.notifier.role})`,
    { legalBasis: c.legalBasis, regimes: [...c.regimes], items: notice.items.length, claimedJurisdictions: [...notice.claimedJurisdictions], receivedAt: iso(c.receivedAt) },
  );
  const { dedupKey, pager, status, message } = answer;
  p.s.safetyPage = { dedupKey, target, pager, status, at: new Date().toISOString() };
  await p.commit(status === 'refused' ? 'legal_oncall_page_refused' : 'legal_oncall_paged', 'system', { dedupKey, target, pager, status, message }, `${dedupKey}:recorded`);
}

/**
 * An "escalate to safety" decision applied: the safety team's on-call (the pack's safetyTeam) is
 * paged once per case under `<case>:page:safety-team`. A refusal is recorded in the case
 * history, as the legal on-call's is.
 */
export async function pageSafetyTeam(p: Proceeding, authorityInformed: string | null): Promise<void> {
  const target = p.input.policy.safetyTeam ?? DEFAULT_SAFETY_TEAM;
  const { notice } = p.input;
  const { c } = p.s;
  const d = c.decision!;
  const { dedupKey, pager, status } = await page(
    p,
    'safety-team',
    target,
    // No personal data: basis, regimes, measure and counts only.
    `Takedown ${p.id} escalated to safety (${c.legalBasis}, ${c.regimes.join(' + ')}, ${notice.items.length} item(s), measure: ${d.measure.kind}, notifier: ${notice.notifier.role})`,
    { legalBasis: c.legalBasis, regimes: [...c.regimes], items: notice.items.length, measure: d.measure.kind, authorityInformed: authorityInformed !== null, decidedAt: iso(c.decidedAt) },
  );
  p.s.safetyEscalation = { dedupKey, target, pager, status, at: new Date().toISOString() };
  await p.commit(status === 'refused' ? 'safety_team_page_refused' : 'safety_team_paged', 'system', { dedupKey, target, pager, status }, `${dedupKey}:recorded`);
}
