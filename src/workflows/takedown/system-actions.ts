import { deprecatePatch, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { TAKEDOWN_SYSTEM_ROLE, TakedownActor } from '../../domain/takedown/case';
import { lapsedMessage, receiptMessage, rejectionMessage, restoredMessage } from '../../domain/takedown/case-messages';
import { restrictionEnd, runningDecisionDeadline } from '../../domain/takedown/schedule';
import { OUTSIDE_SERVICE } from '../common/retry-policies';
import { actOnContent, communicate, pageLegalOnCall, requestInformation } from './effects';
import type { Proceeding } from './proceeding';
import { iso } from './view';

const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

/** What intake and the statutory timers do without a person. */
const SYSTEM: TakedownActor = { id: 'system', role: TAKEDOWN_SYSTEM_ROLE };

/** Whether the content is restricted now: the last content action was a removal or geo-restriction. */
function contentRestricted(p: Proceeding): boolean {
  const last = p.s.contentActions[p.s.contentActions.length - 1];
  return last !== undefined && (last.action === 'remove' || last.action === 'geo_restrict');
}

/**
 * When a temporary restriction still standing ends (null when none does). Retired patch (issue
 * 13): its marker is in histories recorded before; the call, where patched() was asked (the first
 * time a restriction stands), keeps them replaying.
 */
export function restrictionEndAt(p: Proceeding): number | null {
  const endsAt = plannedRestrictionEnd(p);
  if (endsAt !== null) deprecatePatch('takedown-restriction-end');
  return endsAt;
}

/** The same end, asked without touching the retired patch: for what the UI shows (its marker stays where the loop asked). */
export function plannedRestrictionEnd(p: Proceeding): number | null {
  return restrictionEnd(p.s.c, p.s.restrictionLiftedAt, contentRestricted(p));
}

/** The first run's start, after the notice is recorded: completeness decided the route at intake (assessCompleteness per regime); the system takes it. */
export async function routeAtIntake(p: Proceeding): Promise<void> {
  const { input, s } = p;
  // A threat to life or safety: the legal on-call is paged before anything else. Retired patch
  // (issue 13): the call stays where patched() was asked, so histories with its marker replay.
  if (s.c.legalBasis === 'threat_to_life_or_safety') {
    deprecatePatch('takedown-legal-oncall-page');
    await pageLegalOnCall(p);
  }
  await communicate(p, 'notifier', 'receipt', receiptMessage(p.id, input.receivedAt), `${p.id}:receipt`);
  if (s.c.tier === 'safety') {
    await sendNotification({
      key: `${p.id}:safety-report`,
      kind: 'takedown_safety_report',
      ticketId: p.id,
      brand: input.policy.brand,
      priority: s.c.tier,
      metric: null,
      level: 'legal_lead',
      recipient: input.policy.escalateTo,
      summary: `takedown ${p.id}: ${s.c.legalBasis} report received; decide by the safety deadline`,
    });
  }
  if (s.c.state !== 'received') return; // legal staff acted first
  const { route, assessments } = input;
  if (route === 'triage') {
    await p.commitEntry(p.act({ action: 'accept' }, SYSTEM), {}, `${p.id}:accept`);
  } else if (route === 'needs_info') {
    const missing = [...new Set(assessments.filter((a) => a.verdict === 'substantially_complete').flatMap((a) => a.missing))];
    await requestInformation(p, missing, SYSTEM, null, `${p.id}:request_info:intake`);
  } else {
    const reason = assessments.map((a) => `${a.regime}: ${a.reason}`).join('; ');
    const missing = [...new Set(assessments.flatMap((a) => a.missing))];
    await p.commitEntry(p.act({ action: 'reject', reason }, SYSTEM), { missing }, `${p.id}:reject`);
    await communicate(p, 'notifier', 'rejection', rejectionMessage(p.id, reason, missing), `${p.id}:rejection`);
  }
}

/** Everything the case's schedule (domain/takedown/schedule.ts) says is due at `now`: each acted on once. */
export async function fireDue(p: Proceeding, now: number): Promise<void> {
  const decision = runningDecisionDeadline(p.s.c);
  if (decision) await fireDecisionClock(p, decision, now);
  const { c } = p.s;
  if (c.state === 'needs_info' && c.infoRequestLapsesAt !== null && now >= c.infoRequestLapsesAt) {
    const missing = p.s.informationRequested?.missing ?? [];
    await p.commitEntry(p.act({ action: 'lapse' }, SYSTEM), { missing }, `${p.id}:lapse`);
    await communicate(p, 'notifier', 'lapsed', lapsedMessage(p.id, missing), `${p.id}:lapsed`);
  }
  if (p.s.c.state === 'restore_pending' && p.s.c.restoreWindow && now >= p.s.c.restoreWindow.notBefore) {
    // §512(g)(2)(C): no lawsuit reported within the window, so the content comes back.
    const entry = p.act({ action: 'restore' }, SYSTEM);
    await p.commitEntry(entry, {}, `${p.id}:restore`);
    await actOnContent(p, 'restore', 'restore', null);
    await communicate(p, 'uploader', 'content_restored', restoredMessage(p.id, 'counter_notice', p.input.notice.items), `${p.id}:restored`);
  }
  const endsAt = restrictionEndAt(p);
  if (endsAt !== null && now >= endsAt) await liftRestriction(p, endsAt);
}

/** At risk, then breached: each sent once per deadline to the legal lead, and recorded. */
async function fireDecisionClock(p: Proceeding, due: { dueAt: number; atRiskAt: number }, now: number): Promise<void> {
  const { input, s } = p;
  const base = { ticketId: p.id, brand: input.policy.brand, priority: s.c.tier, metric: null, level: 'legal_lead' as const, recipient: input.policy.escalateTo };
  if (now >= due.dueAt && s.breachSentFor !== due.dueAt) {
    s.breachSentFor = due.dueAt;
    s.atRiskSentFor = due.dueAt;
    s.slaBreached = true;
    const key = `${p.id}:decision:${due.dueAt}:breached`;
    await Promise.all([
      sendNotification({ ...base, key, kind: 'takedown_deadline_breached', summary: `takedown ${p.id} (${s.c.tier}, ${s.c.regimes.join('+')}) missed its decision deadline ${iso(due.dueAt)}; state ${s.c.state}` }),
      p.commit('deadline_breached', 'system', { dueAt: iso(due.dueAt), escalatedTo: input.policy.escalateTo }, key),
    ]);
  } else if (now >= due.atRiskAt && now < due.dueAt && s.atRiskSentFor !== due.dueAt) {
    s.atRiskSentFor = due.dueAt;
    const key = `${p.id}:decision:${due.dueAt}:at-risk`;
    await Promise.all([
      sendNotification({ ...base, key, kind: 'takedown_deadline_at_risk', summary: `takedown ${p.id} (${s.c.tier}, ${s.c.regimes.join('+')}) must be decided by ${iso(due.dueAt)}; state ${s.c.state}` }),
      p.commit('deadline_at_risk', 'system', { dueAt: iso(due.dueAt), escalatedTo: input.policy.escalateTo }, key),
    ]);
  }
}

/** The restriction's end: the content comes back (once per item), the uploader is told, the history records it. */
async function liftRestriction(p: Proceeding, endsAt: number): Promise<void> {
  p.s.restrictionLiftedAt = Date.now();
  await actOnContent(p, 'restore', 'restriction-end', null);
  await p.commit('restriction_ended', 'system', { endsAt, liftedAt: p.s.restrictionLiftedAt, state: p.s.c.state }, `${p.id}:restriction-end`);
  await communicate(p, 'uploader', 'content_restored', restoredMessage(p.id, 'restriction_ended', p.input.notice.items, endsAt), `${p.id}:restriction-end:restored`);
}
