import { ActivityFailure, deprecatePatch, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { engagedByLadderPage, engagementWanted } from '../../domain/incident/engagement';
import { breachEscalationTarget, ESCALATED_BREACH_METRICS, IncidentMetric } from '../../domain/incident/incident-policy';
import { metricName, reviewOutstanding } from '../../domain/incident/schedule';
import { breachSlaClock, markSlaClockAtRisk, SlaClock } from '../../domain/sla/clock';
import { OUTSIDE_SERVICE, PAGE } from '../common/retry-policies';
import { iso } from '../sla-clock-view';
import type { IncidentInput, IncidentView, PageView } from './messages';
import { IncidentState, liveClocks } from './state';

const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);
// A page is retried until the pager takes it (same dedup key every time, so never a second
// alert at PagerDuty); a request the pager refuses as malformed is not retried.
// A page whose worker died is retried after startToCloseTimeout: kept short (the adapter's own
// HTTP timeout is 10 s) so a crash delays a page by seconds, not minutes.
const { sendPage, updatePages } = proxyActivities<ReturnType<typeof createActivities>>(PAGE);

/** What acting on the incident's schedule needs of the incident. */
export interface DueContext {
  readonly input: IncidentInput;
  readonly state: IncidentState;
  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string): Promise<IncidentView>;
}

/**
 * Acts on everything of the schedule (src/domain/incident/schedule.ts) due at `now`: review
 * reminders and the overdue escalation, pages, at-risk warnings, breaches. Each item leaves the
 * schedule as it is acted on (sent, marked), so a retried task never acts twice.
 */
export async function fireIncidentDue(c: DueContext, now: number): Promise<void> {
  if (reviewOutstanding(c.state)) await fireReviewTimers(c, now);
  await firePages(c, now);
  await fireEngagements(c, now);
  const { incidentId } = c.input;
  for (const clock of liveClocks(c.state)) {
    if (clock.state === 'running' && clock.atRiskAt !== null && clock.atRiskAt <= now && (clock.deadlineAt === null || clock.deadlineAt > now)) {
      c.state.clocks[clock.metric as IncidentMetric] = markSlaClockAtRisk(clock, now);
      await c.commit('sla_at_risk', 'system', { metric: clock.metric, deadlineAt: iso(clock.deadlineAt) }, `${incidentId}:${clock.metric}:at-risk`);
    }
  }
  for (const clock of liveClocks(c.state)) {
    if (clock.state === 'running' && clock.deadlineAt !== null && clock.deadlineAt <= now) {
      c.state.clocks[clock.metric as IncidentMetric] = breachSlaClock(clock, now);
      await c.commit('sla_breached', 'system', { metric: clock.metric, deadlineAt: iso(clock.deadlineAt), targetSeconds: clock.targetMs / 1000 }, `${incidentId}:${clock.metric}:breached`);
      await escalateBreach(c, clock);
    }
  }
}

async function firePages(c: DueContext, now: number): Promise<void> {
  const { input, state } = c;
  for (const p of state.pages) {
    if (p.state !== 'scheduled' || p.dueAt > now) continue;
    p.state = 'sent';
    let result: PageView['response'];
    try {
      result = await sendPage({
        incidentId: input.incidentId,
        dedupKey: p.dedupKey,
        step: p.step,
        targets: p.targets,
        brand: input.brand,
        priority: state.priority,
        summary: `[${state.priority}] ${input.title}`,
        source: input.services[0] ?? input.brand,
        alertCount: state.alertCount,
      });
    } catch (err) {
      // The pager refused the event as malformed: recorded, and the ladder goes on to the next step.
      if (!(err instanceof ActivityFailure)) throw err;
      result = { status: 'rejected', dedupKey: p.dedupKey, message: err.cause?.message ?? err.message, pager: 'pagerduty', paged: [] };
    }
    p.response = result;
    p.sentAt = Date.now();
    // Acknowledged or resolved while this page was in flight: that update's pager call may have
    // overtaken the trigger, so tell the pager again for this page.
    if (state.status !== 'triggered') {
      await updatePages({ incidentId: input.incidentId, action: state.status === 'acknowledged' || state.status === 'mitigated' ? 'acknowledge' : 'resolve', dedupKeys: [p.dedupKey] });
    }
    await c.commit('paged', 'system', { step: p.step, targets: p.targets, dedupKey: p.dedupKey, response: result }, p.dedupKey);
    // The ladder reached a level an engagement names (same targets): that page is the engagement.
    for (const e of engagedByLadderPage(state.engagements, p.targets)) {
      Object.assign(e, { state: 'engaged', via: 'ladder', engagedAt: p.sentAt, response: result });
      await c.commit('level_engaged', 'system', { level: e.level, targets: e.targets, via: 'ladder', page: p.dedupKey, dueAt: iso(e.dueAt) }, e.dedupKey);
    }
  }
}

/** Offset of an engagement's page step from the ladder's, so the pages table and PagerDuty's details tell them apart. */
export const ENGAGEMENT_STEP_BASE = 100;

/**
 * Level 2 / Level 3 engagements due at `now` (domain/incident/engagement.ts): paged whether or not
 * Level 1 acknowledged, once, under the key `<incident>:engage:L<level>` (a retry reaches the same
 * PagerDuty alert). One found due after the incident was mitigated or resolved is cancelled.
 */
async function fireEngagements(c: DueContext, now: number): Promise<void> {
  const { input, state } = c;
  for (const e of state.engagements) {
    if (e.state !== 'scheduled' || e.dueAt > now) continue;
    if (!engagementWanted(state.status)) {
      e.state = 'cancelled';
      continue;
    }
    e.state = 'engaged';
    e.via = 'timer';
    let result: PageView['response'];
    try {
      result = await sendPage({
        incidentId: input.incidentId,
        dedupKey: e.dedupKey,
        step: ENGAGEMENT_STEP_BASE + e.level,
        targets: e.targets,
        brand: input.brand,
        priority: state.priority,
        summary: `[${state.priority}] Level ${e.level} engaged: ${input.title}`,
        source: input.services[0] ?? input.brand,
        alertCount: state.alertCount,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      result = { status: 'rejected', dedupKey: e.dedupKey, message: err.cause?.message ?? err.message, pager: 'pagerduty', paged: [] };
    }
    e.response = result;
    e.engagedAt = Date.now();
    // Resolved while the page was in flight: the resolve's pager call may have overtaken it.
    if (state.status === 'resolved' || state.status === 'review_pending' || state.status === 'closed') {
      await updatePages({ incidentId: input.incidentId, action: 'resolve', dedupKeys: [e.dedupKey] });
    }
    await c.commit('level_engaged', 'system', { level: e.level, targets: e.targets, via: 'timer', dedupKey: e.dedupKey, dueAt: iso(e.dueAt), response: result }, e.dedupKey);
  }
}

async function fireReviewTimers(c: DueContext, now: number): Promise<void> {
  const { input, state } = c;
  const base = { brand: input.brand, priority: state.priority, metric: null, ticketId: input.incidentId };
  for (const [i, r] of state.reviewReminders.entries()) {
    if (r.sent || r.at > now) continue;
    r.sent = true;
    const key = `${input.incidentId}:review:reminder:${i}`;
    await Promise.all([
      sendNotification({ ...base, key, kind: 'review_reminder', level: 'owner', recipient: state.acknowledgedBy ?? state.resolvedBy, summary: `post-incident review of ${state.priority} "${input.title}" due ${iso(state.reviewDueAt)}` }),
      c.commit('review_reminder', 'system', { dueAt: iso(state.reviewDueAt) }, key),
    ]);
  }
  if (!state.reviewOverdueSent && state.reviewDueAt! <= now) {
    state.reviewOverdueSent = true;
    const key = `${input.incidentId}:review:overdue`;
    await Promise.all([
      sendNotification({ ...base, key, kind: 'review_overdue', level: 'manager', recipient: input.policy.review.escalateTo, summary: `post-incident review of ${state.priority} "${input.title}" is overdue (due ${iso(state.reviewDueAt)})` }),
      c.commit('review_overdue', 'system', { dueAt: iso(state.reviewDueAt), escalatedTo: input.policy.review.escalateTo }, key),
    ]);
  }
}

/**
 * Issue 4 item 6: a missed acknowledgement or mitigation is escalated, not only recorded. Once
 * per incident and metric, keyed so a retried activity never notifies twice.
 */
async function escalateBreach(c: DueContext, clock: SlaClock): Promise<void> {
  const { input, state } = c;
  const metric = clock.metric as IncidentMetric;
  if (!ESCALATED_BREACH_METRICS.includes(metric) || state.breachEscalated.includes(metric)) return;
  // Retired patch (issue 13): histories recorded before carry its marker here; the call, at the
  // same point and under the same conditions, keeps them replaying.
  deprecatePatch('incident-breach-escalation');
  state.breachEscalated.push(metric);
  const escalateTo = breachEscalationTarget(input.policy);
  const key = `${input.incidentId}:${metric}:breach-escalation`;
  const who = state.acknowledgedBy === null ? 'nobody has acknowledged' : `acknowledged by ${state.acknowledgedBy}, not mitigated`;
  await Promise.all([
    sendNotification({
      key,
      kind: 'sla_escalation',
      level: 'manager',
      recipient: escalateTo,
      brand: input.brand,
      priority: state.priority,
      metric,
      ticketId: input.incidentId,
      summary: `${state.priority} "${input.title}": ${metricName(metric)} SLA breached (deadline ${iso(clock.deadlineAt)}, target ${clock.targetMs / 1000}s); ${who}`,
    }),
    c.commit('sla_breach_escalated', 'system', { metric, deadlineAt: iso(clock.deadlineAt), escalatedTo: escalateTo }, key),
  ]);
}
