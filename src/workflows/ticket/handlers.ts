import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { settledCount } from '../../domain/sla/bounded-history';
import { fulfilSlaClock, isSettled, pauseSlaClock } from '../../domain/sla/clock';
import { applyTicketAction, canApply, TicketAction } from '../../domain/ticket';
import { refuseValue } from '../common/refusals';
import {
  assignUpdate,
  closeUpdate,
  csatUpdate,
  incidentResolvedSignal,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  repinUpdate,
  replyUpdate,
  resolveUpdate,
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
    async ({ actor, assignee }) => {
      const previous = s.assignee;
      s.status = applyTicketAction(s.status, 'assign');
      s.assignee = assignee;
      return t.commit('assigned', actor, { assignee, previous });
    },
    validator('assign'),
  );

  onUpdate(
    replyUpdate,
    async ({ actor, author, message }) => {
      const now = Date.now();
      if (author === 'agent') {
        s.status = applyTicketAction(s.status, 'agent_reply');
        s.agentReplies++;
        if (s.assignee === null) s.assignee = actor;
        const first = s.clocks.firstResponse;
        const fulfilled: string[] = [];
        if (first && first.fulfilledAt === null) {
          s.clocks.firstResponse = fulfilSlaClock(first, s.calendar, now);
          fulfilled.push('firstResponse');
        }
        const next = s.clocks.nextResponse;
        if (next && !isSettled(next)) {
          s.settleIntoHistory('nextResponse', fulfilSlaClock(next, s.calendar, now));
          fulfilled.push('nextResponse');
        }
        return t.commit(fulfilled.includes('firstResponse') ? 'first_response' : 'agent_reply', actor, { message, fulfilled });
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
    ({ author }) => retry() || t.check(author === 'agent' ? 'agent_reply' : 'customer_reply'),
  );

  onUpdate(
    pendingUpdate,
    async ({ actor, reason, message }) => {
      const now = Date.now();
      s.status = applyTicketAction(s.status, 'pending', reason);
      const pauseReason = reason === 'vendor' ? 'pending_vendor' : 'pending_customer';
      for (const metric of ['resolution', 'nextResponse'] as const) {
        const c = s.clocks[metric];
        if (c) s.clocks[metric] = pauseSlaClock(c, s.calendar, now, pauseReason);
      }
      return t.commit('pending', actor, { reason, message });
    },
    validator('pending'),
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
    ({ actor, resolution }) => t.resolve(actor, resolution, {}),
    validator('resolve'),
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
    async ({ actor, score, comment }) => {
      s.csat = { score, comment, at: Date.now() };
      return t.commit('csat', actor, { score, comment });
    },
    ({ score }) => {
        if (retry()) return;
        t.check('csat');
        if (!Number.isInteger(score) || score < 1 || score > 5) throw refuseValue('score', 'score must be an integer from 1 to 5');
    },
  );
}
