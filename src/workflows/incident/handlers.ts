import { readTime } from '../common/read-time';
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { applyIncidentAction, checkIncidentAction, IncidentAction, reviewProblem } from '../../domain/incident/incident';
import { INCIDENT_METRICS } from '../../domain/incident/incident-policy';
import { checkMarkEnterprise } from '../../domain/incident/engagement';
import { retargetSlaClock } from '../../domain/sla/clock';
import { asRefusal, refuseValue } from '../common/refusals';
import { OUTSIDE_SERVICE } from '../common/retry-policies';
import type { IncidentCase } from './incident.workflow';
import {
  AcknowledgeRequest,
  acknowledgeIncidentUpdate,
  alertsClearedSignal,
  CloseIncidentRequest,
  closeIncidentUpdate,
  IncidentPriorityRequest,
  incidentPriorityUpdate,
  incidentStatusQuery,
  IncidentView,
  LinkTicketRequest,
  linkTicketUpdate,
  MarkEnterpriseRequest,
  markEnterpriseUpdate,
  MitigateRequest,
  mitigateIncidentUpdate,
  moreAlertsSignal,
  NOTE_PREVIEW_CHARS,
  NoteRequest,
  noteIncidentUpdate,
  NOTES_IN_VIEW,
  ResolveIncidentRequest,
  resolveIncidentUpdate,
  ReviewRequest,
  reviewIncidentUpdate,
} from './messages';
import { calendarOf, IncidentState, startedClock } from './state';

const { fileBacklogItems } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

/** Responders' actions (updates), the alert group's signals, and the status query. */
export function registerIncidentHandlers(c: IncidentCase): void {
  const { input, state } = c;

  /**
   * Every update handler: counted against the run's budget, and applied once across runs. The
   * server may lose the answer to an update completed shortly before the continue-as-new (seen
   * for ones completed in the same workflow task, temporalio/temporal#6375) and the client then
   * sends it again, same ID, to the next run: that run answers it with its view instead of
   * applying it a second time (update IDs are only unique within a run).
   */
  const once =
    <A extends unknown[]>(apply: (...args: A) => Promise<IncidentView>) =>
    async (...args: A): Promise<IncidentView> => {
      c.budget.countUpdate();
      if (c.retries.alreadyApplied()) return c.view();
      return apply(...args);
    };
  /** A retried update skips the checks: the state may have moved on since it was applied. */
  const allowed = (action: IncidentAction) => (_request?: unknown): void => {
    if (!c.retries.isRetry()) asRefusal(() => checkIncidentAction(state.status, action, state.priority));
  };

  setHandler(incidentStatusQuery, (read) => c.view(readTime(read)));

  setHandler(moreAlertsSignal, ({ count, lastAt }) => {
    state.alertCount += count;
    state.lastAlertAt = Math.max(state.lastAlertAt ?? 0, lastAt);
    c.wakeup.poke();
  });

  setHandler(alertsClearedSignal, ({ reason }) => {
    // Only an incident nobody has resolved yet resolves itself; a person's resolve stands.
    if (state.status === 'triggered' || state.status === 'acknowledged' || state.status === 'mitigated') {
      state.pendingAutoResolve = reason;
      c.wakeup.poke();
    }
  });

  setHandler(
    acknowledgeIncidentUpdate,
    once(async ({ actor }: AcknowledgeRequest) => {
      const now = Date.now();
      state.status = applyIncidentAction(state.status, 'acknowledge', state.priority);
      state.acknowledgedBy = actor;
      state.acknowledgedAt = now;
      c.fulfil('firstResponse', now);
      await c.stopPaging('acknowledge');
      return c.commit('acknowledged', actor, {});
    }),
    { validator: allowed('acknowledge') },
  );

  setHandler(
    noteIncidentUpdate,
    once(async ({ actor, text }: NoteRequest) => {
      addNote(state, actor, text, Date.now());
      // The full text goes to the read model with the event; the workflow keeps a preview.
      return c.commit('note', actor, { text });
    }),
    { validator: allowed('note') },
  );

  setHandler(
    mitigateIncidentUpdate,
    once(async ({ actor, summary }: MitigateRequest) => {
      const now = Date.now();
      state.status = applyIncidentAction(state.status, 'mitigate', state.priority);
      state.mitigatedAt = now;
      c.fulfil('mitigation', now);
      c.planEngagements(); // mitigated: engagements not yet due are no longer needed
      return c.commit('mitigated', actor, { summary });
    }),
    { validator: allowed('mitigate') },
  );

  setHandler(
    resolveIncidentUpdate,
    once(async ({ actor, summary }: ResolveIncidentRequest) => {
      await c.resolve(actor, summary);
      return c.view();
    }),
    { validator: allowed('resolve') },
  );

  setHandler(
    incidentPriorityUpdate,
    once(async ({ actor, priority, reason }: IncidentPriorityRequest) => {
      const now = Date.now();
      const from = state.priority;
      const oldCalendar = calendarOf(input, from, state.enterprise);
      state.priority = priority;
      for (const metric of INCIDENT_METRICS) {
        const clock = state.clocks[metric];
        const target = input.policy.priorities[priority].targets[metric];
        if (clock && target !== undefined) state.clocks[metric] = retargetSlaClock(clock, oldCalendar, now, target, calendarOf(input, priority, state.enterprise));
        if (!clock && target !== undefined) state.clocks[metric] = startedClock(input, priority, state.enterprise, metric, now);
      }
      // Raised to a paging priority before anyone acknowledged: page now.
      if (!state.pagingPlanned && state.status === 'triggered' && input.policy.pagePriorities.includes(priority)) await c.planPages(now);
      // Raised to S1: Level 2 is due 4 h after the opening (at once if that is past); lowered: not due.
      c.planEngagements();
      return c.commit('priority_changed', actor, { from, to: priority, reason });
    }),
    {
      validator: ({ priority }) => {
        if (c.retries.isRetry()) return;
        allowed('priority')();
        if (!Object.hasOwn(input.policy.priorities, priority)) {
          throw refuseValue('priority', `unknown priority ${priority}; known: ${Object.keys(input.policy.priorities).join(', ')}`);
        }
        if (priority === state.priority) throw refuseValue('priority', `the incident is already ${priority}`);
      },
    },
  );

  setHandler(
    markEnterpriseUpdate,
    once(async ({ actor, reason }: MarkEnterpriseRequest) => {
      const now = Date.now();
      const before = calendarOf(input, state.priority, state.enterprise);
      state.enterprise = true;
      const after = calendarOf(input, state.priority, true);
      // The clocks keep their targets and the time already counted; the rest counts on the enterprise calendar.
      if (after !== before) {
        for (const metric of INCIDENT_METRICS) {
          const clock = state.clocks[metric];
          if (clock) state.clocks[metric] = retargetSlaClock(clock, before, now, clock.targetMs, after);
        }
      }
      c.planEngagements();
      return c.commit('enterprise_marked', actor, { reason });
    }),
    {
      validator: (_request: MarkEnterpriseRequest) => {
        if (c.retries.isRetry()) return;
        asRefusal(() => checkMarkEnterprise(state.status, state.enterprise));
      },
    },
  );

  setHandler(
    linkTicketUpdate,
    once(async ({ actor, ticketId }: LinkTicketRequest) => {
      if (!state.linkedTickets.includes(ticketId)) state.linkedTickets.push(ticketId);
      return c.commit('ticket_linked', actor, { ticketId });
    }),
    { validator: allowed('link_ticket') },
  );

  setHandler(
    reviewIncidentUpdate,
    once(async ({ actor, review }: ReviewRequest) => {
      const now = Date.now();
      state.status = applyIncidentAction(state.status, 'review', state.priority);
      state.review = { ...review, by: actor, at: now };
      const view = await c.commit('reviewed', actor, {
        rootCauseCategory: review.rootCauseCategory,
        impact: review.impact,
        correctiveActions: review.correctiveActions.length,
        costImpact: review.costImpact,
        onTime: state.reviewDueAt === null || now <= state.reviewDueAt,
      });
      // 001_…txt: "every product-related RCA should convert into a product backlog item within 14 days with a triage owner".
      const { triageOwner, backlogWithinMs } = input.policy.review;
      await fileBacklogItems({
        incidentId: input.incidentId,
        items: review.correctiveActions.map((a, i) => ({
          key: `${input.incidentId}:action:${i}`,
          title: a.action,
          owner: a.owner,
          due: a.due,
          triageOwner,
          triageBy: new Date(now + backlogWithinMs).toISOString(),
          rootCauseCategory: review.rootCauseCategory,
        })),
      });
      return view;
    }),
    {
      validator: ({ review }) => {
        if (c.retries.isRetry()) return;
        allowed('review')();
        const problem = reviewProblem(review);
        if (problem) throw refuseValue(`review.${problem.field}`, problem.message);
      },
    },
  );

  setHandler(
    closeIncidentUpdate,
    once(async ({ actor }: CloseIncidentRequest) => {
      const reviewAccepted = state.status === 'review_pending';
      state.status = applyIncidentAction(state.status, 'close', state.priority);
      state.closedAt = Date.now();
      return c.commit('closed', actor, { reviewAccepted });
    }),
    { validator: allowed('close') },
  );
}

/** The view keeps the last NOTES_IN_VIEW notes as previews: the full texts live in the read model only. */
function addNote(state: IncidentState, actor: string, text: string, at: number): void {
  state.notesTotal++;
  const truncated = text.length > NOTE_PREVIEW_CHARS;
  state.recentNotes.push({ actor, text: truncated ? text.slice(0, NOTE_PREVIEW_CHARS) : text, at, ...(truncated ? { truncated } : {}) });
  if (state.recentNotes.length > NOTES_IN_VIEW) state.recentNotes.splice(0, state.recentNotes.length - NOTES_IN_VIEW);
}
