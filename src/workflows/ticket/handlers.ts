import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { settledCount } from '../../domain/sla/bounded-history';
import { fulfilSlaClock, isSettled, pauseSlaClock } from '../../domain/sla/clock';
import { applyTicketAction, canApply, TicketAction } from '../../domain/ticket';
import { handleSecondsProblem, npsProblem, withHandleTime } from '../../domain/ticket/report-facts';
import { tagRootCauses } from '../../domain/ticket/root-causes';
import { refuseValue } from '../common/refusals';
import {
  assignUpdate,
  closeUpdate,
  crmNoteUpdate,
  csatUpdate,
  incidentResolvedSignal,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  repinUpdate,
  replyUpdate,
  resolveUpdate,
  rootCauseUpdate,
  MAX_CRM_NOTE,
  TicketFailure,
  TicketView,
} from './messages';
import type { TicketCase } from './ticket.workflow';

/**
 * People's actions on a ticket. Each update counts against the run's budget; one an earlier run
 * already applied (a retry landing on a later run, src/workflows/common/retried-updates.ts) is
 * answered with the ticket as it is, neither refused nor applied twice.
 */
export function registerTicketHandlers(t: TicketCase): void {
  const s = t.state;
  const retry = () => t.retries.isRetry();
  /** An action: counted, and run unless an earlier run applied it (then answered as the ticket is). */
  const onUpdate = <Args extends unknown[]>(
    def: UpdateDefinition<TicketView, Args>,
    apply: (...args: NoInfer<Args>) => Promise<TicketView>,
    validate: (...args: NoInfer<Args>) => void,
  ): void =>
    setHandler(
      def,
      async (...args: Args) => {
        t.budget.countUpdate();
        if (t.retries.alreadyApplied()) return t.view();
        return apply(...args);
      },
      { validator: validate },
    );
  const validator = (action: TicketAction) => (): void => {
    if (!retry()) t.check(action);
  };
  /** An agent's step with its optional logged working time (absent: none; validated here as in the API). */
  const withHandleTimeValidator =
    (action: TicketAction) =>
    ({ handleSeconds }: { handleSeconds?: number }): void => {
      if (retry()) return;
      t.check(action);
      checkHandleSeconds(handleSeconds);
    };
  /** Refuses tags the pinned vocabulary does not know, naming `<field>[i]`. */
  const checkTags = (tags: unknown, field: string): void => {
    if (!Array.isArray(tags)) throw refuseValue(field, `${field} must be a list of root-cause ids`);
    const tagged = tagRootCauses(s.policy.rootCauses, tags as string[]);
    if (!tagged.ok) throw refuseValue(tagged.field.replace(/^tags/, field), tagged.message);
  };
  /** Sets the ticket's root causes (checked by the validator: a tag the vocabulary does not know never gets here). */
  const tagTicket = (tags: string[]): { rootCauseTags: string[]; preventable: boolean | null } => {
    const tagged = tagRootCauses(s.policy.rootCauses, tags);
    if (!tagged.ok) throw refuseValue(tagged.field, tagged.message);
    s.reportFacts = { ...s.reportFacts, rootCauseTags: tagged.tags, preventable: tagged.preventable };
    return { rootCauseTags: tagged.tags, preventable: tagged.preventable };
  };
  /** The step's handle time into the ticket's sum; the event data names it only when logged (older events read as before). */
  const logHandleTime = (handleSeconds: number | undefined): Record<string, unknown> => {
    s.reportFacts = withHandleTime(s.reportFacts, handleSeconds);
    return handleSeconds === undefined ? {} : { handleSeconds };
  };

  setHandler(
    intakeUpdate,
    () => {
      t.budget.countUpdate();
      if (t.retries.alreadyApplied()) return { ticket: t.view(), firstIntake: s.intakes === 1 };
      t.retries.applied();
      return { ticket: t.view(), firstIntake: ++s.intakes === 1 };
    },
    {
      validator: ({ requestHash }) => {
        if (retry()) return;
        if (requestHash !== t.input.requestHash) {
          throw ApplicationFailure.nonRetryable('this Idempotency-Key was already used for a different request', TicketFailure.IdempotencyKeyReused);
        }
      },
    },
  );

  onUpdate(
    assignUpdate,
    async ({ actor, assignee, mentor }) => {
      const previous = s.assignee;
      s.status = applyTicketAction(s.status, 'assign');
      s.assignee = assignee;
      s.mentor = mentor ?? null;
      // Assigning a chat is its pick-up: the queue wait ends (issue 19, chat wait).
      const pickedUp = s.pickUp(Date.now());
      return t.commit('assigned', actor, { assignee, previous, ...(mentor ? { mentor } : {}), ...(pickedUp ? { fulfilled: ['queueWait'] } : {}) });
    },
    validator('assign'),
  );

  onUpdate(
    replyUpdate,
    async ({ actor, author, message, handleSeconds }) => {
      const now = Date.now();
      if (author === 'agent') {
        const logged = logHandleTime(handleSeconds);
        s.status = applyTicketAction(s.status, 'agent_reply');
        s.agentReplies++;
        if (s.assignee === null) s.assignee = actor;
        const first = s.clocks.firstResponse;
        const fulfilled: string[] = [];
        if (s.pickUp(now)) fulfilled.push('queueWait'); // an agent's first reply picks a chat up too
        if (first && first.fulfilledAt === null) {
          s.clocks.firstResponse = fulfilSlaClock(first, s.calendar, now);
          fulfilled.push('firstResponse');
        }
        const next = s.clocks.nextResponse;
        if (next && !isSettled(next)) {
          s.settleIntoHistory('nextResponse', fulfilSlaClock(next, s.calendar, now));
          fulfilled.push('nextResponse');
        }
        return t.commit(fulfilled.includes('firstResponse') ? 'first_response' : 'agent_reply', actor, { message, fulfilled, ...logged });
      }
      s.status = applyTicketAction(s.status, 'customer_reply');
      s.customerReplies++;
      s.resumeClocks(now);
      // The customer wrote again: an answer is owed (next response), unless one already is.
      const next = s.clocks.nextResponse;
      if ((!next || isSettled(next)) && s.clocks.firstResponse?.fulfilledAt !== null) {
        // Numbered after every earlier cycle: an answered clock has left `clocks` for the history,
        // so counting from the live one alone numbered every cycle 1 (and keyed their warnings alike).
        s.startClock('nextResponse', now, Math.max(next?.cycle ?? 0, settledCount(s.history, s.earlierClocks, 'nextResponse')) + 1);
      }
      return t.commit('customer_reply', actor, { message });
    },
    ({ author, handleSeconds }) => {
      if (retry()) return;
      t.check(author === 'agent' ? 'agent_reply' : 'customer_reply');
      if (author !== 'agent' && handleSeconds !== undefined) throw refuseValue('handleSeconds', "only an agent's step logs handle time");
      checkHandleSeconds(handleSeconds);
    },
  );

  onUpdate(
    pendingUpdate,
    async ({ actor, reason, message, handleSeconds }) => {
      const now = Date.now();
      const logged = logHandleTime(handleSeconds);
      s.status = applyTicketAction(s.status, 'pending', reason);
      const pauseReason = reason === 'vendor' ? 'pending_vendor' : 'pending_customer';
      for (const metric of ['resolution', 'nextResponse'] as const) {
        const c = s.clocks[metric];
        if (c) s.clocks[metric] = pauseSlaClock(c, s.calendar, now, pauseReason);
      }
      return t.commit('pending', actor, { reason, message, ...logged });
    },
    withHandleTimeValidator('pending'),
  );

  onUpdate(
    priorityUpdate,
    async ({ actor, priority, reason }) => {
      const previous = s.priority;
      const oldCalendar = s.calendar;
      s.priority = priority;
      s.retargetAll(Date.now(), oldCalendar);
      return t.commit('priority_changed', actor, { from: previous, to: priority, reason });
    },
    ({ priority }) => {
        if (retry()) return;
        t.check('priority');
        if (!Object.hasOwn(s.policy.priorities, priority)) {
          throw refuseValue('priority', `unknown priority ${priority}; known: ${Object.keys(s.policy.priorities).join(', ')}`);
        }
        if (priority === s.priority) throw refuseValue('priority', `the ticket is already ${priority}`);
    },
  );

  onUpdate(
    repinUpdate,
    async ({ actor, policy }) => {
      const from = s.policy.version;
      const oldCalendar = s.calendar;
      s.policy = policy;
      s.retargetAll(Date.now(), oldCalendar);
      return t.commit('policy_repinned', actor, { from, to: policy.version });
    },
    ({ policy }) => {
        if (retry()) return;
        if (s.status === 'closed') t.check('priority'); // throws: closed tickets keep their policy
        if (policy.version === s.policy.version) throw refuseValue('policy', `the ticket is already on policy ${policy.version}`);
        if (!Object.hasOwn(policy.priorities, s.priority)) throw refuseValue('policy', `policy ${policy.version} has no priority ${s.priority}`);
    },
  );

  onUpdate(
    resolveUpdate,
    ({ actor, resolution, handleSeconds, rootCauseTags }) => {
      const tagged = rootCauseTags === undefined ? {} : tagTicket(rootCauseTags);
      return t.resolve(actor, resolution, { ...logHandleTime(handleSeconds), ...tagged });
    },
    (request) => {
      withHandleTimeValidator('resolve')(request);
      if (!retry() && request.rootCauseTags !== undefined) checkTags(request.rootCauseTags, 'rootCauseTags');
    },
  );

  // Signals carry no validator: a ticket that cannot resolve now (already resolved) only records the update.
  setHandler(incidentResolvedSignal, async ({ incidentId, summary }) => {
    await t.commit('incident_update', 'system', { incidentId, summary }, `${t.input.ticketId}:incident-resolved:${incidentId}`);
    if (canApply(s.status, 'resolve')) await t.resolve('system', `resolved with incident ${incidentId}: ${summary}`, { incidentId });
  });

  onUpdate(
    reopenUpdate,
    async ({ actor, reason }) => {
      const now = Date.now();
      s.status = applyTicketAction(s.status, 'reopen');
      s.reopenCount++;
      s.resolutionCycle++;
      s.resolvedAt = null;
      s.fcr = null;
      // A new resolution cycle; the old cycle's clocks stay on the record.
      for (const c of s.liveClocks()) if (c.metric !== 'firstResponse') s.settleIntoHistory(c.metric, c);
      s.startClock('resolution', now, s.resolutionCycle);
      s.startClock('nextResponse', now, settledCount(s.history, s.earlierClocks, 'nextResponse') + 1);
      return t.commit('reopened', actor, { reason, cycle: s.resolutionCycle });
    },
    validator('reopen'),
  );

  onUpdate(
    closeUpdate,
    async ({ actor }) => {
      s.close(Date.now());
      return t.commit('closed', actor, {});
    },
    validator('close'),
  );

  onUpdate(
    csatUpdate,
    async ({ actor, score, comment, nps }) => {
      const at = Date.now();
      s.csat = { score, comment, at };
      // NPS is answered in the same survey as CSAT, so it shares its window and its one answer.
      if (nps !== undefined && nps !== null) s.reportFacts = { ...s.reportFacts, nps: { score: nps, at } };
      return t.commit('csat', actor, { score, comment, ...(nps !== undefined && nps !== null ? { nps } : {}) });
    },
    ({ score, nps }) => {
        if (retry()) return;
        t.check('csat');
        if (!Number.isInteger(score) || score < 1 || score > 5) throw refuseValue('score', 'score must be an integer from 1 to 5');
        const npsRefused = nps === undefined || nps === null ? null : npsProblem(nps);
        if (npsRefused) throw refuseValue('nps', npsRefused);
    },
  );

  // A CRM user's note: on the record (sealed like every event's text), never a reply to the customer.
  onUpdate(
    crmNoteUpdate,
    async ({ actor, text }) => t.commit('crm_note', actor, { text }),
    ({ text }) => {
      if (retry()) return;
      if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_CRM_NOTE) throw refuseValue('text', `a note of 1 to ${MAX_CRM_NOTE} characters`);
    },
  );

  onUpdate(
    rootCauseUpdate,
    async ({ actor, tags }) => t.commit('root_cause', actor, tagTicket(tags)),
    ({ tags }) => {
      if (!retry()) checkTags(tags, 'tags');
    },
  );
}

/** A step's logged handle time, when given, must be whole seconds 0–14400 (report-facts.ts). */
function checkHandleSeconds(handleSeconds: number | undefined): void {
  if (handleSeconds === undefined) return;
  const problem = handleSecondsProblem(handleSeconds);
  if (problem) throw refuseValue('handleSeconds', problem);
}
