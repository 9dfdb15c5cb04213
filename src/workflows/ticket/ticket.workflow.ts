import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  proxyActivities,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { Notification } from '../../integrations/notify/notification';
import { escalationCarriesLogs, PLAYBACK_CHECKS, PlaybackCheck, PlaybackCheckResult, unavailableResult } from '../../domain/playback/checklist';
import type { SlaMetric } from '../../domain/policy/policy.schema';
import { slaCreditFor, TicketPolicy } from '../../domain/policy/ticket-policy';
import { addBusinessTime, BusinessCalendar } from '../../domain/sla/calendar';
import { notificationTime } from '../../domain/sla/notification-window';
import { slaStartOf } from '../../domain/ticket-received-at';
import {
  breachSlaClock,
  fulfilSlaClock,
  isSettled,
  markSlaClockAtRisk,
  pauseSlaClock,
  resumeSlaClock,
  retargetSlaClock,
  SlaClock,
  startSlaClock,
} from '../../domain/sla/clock';
import {
  applyTicketAction,
  canApply,
  checkTicketAction,
  InvalidTransitionError,
  isFirstContactResolution,
  TicketAction,
  TicketStatus,
} from '../../domain/ticket';
import { iso, slaClockView } from '../sla-clock-view';
import { Assignee, Brand, CaseKind, CaseStatus, Priority, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { CaseAttention } from '../common/needs-attention';
import { OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';
import { anyBreached, boundSettledClocks, EarlierClocks, SETTLED_CLOCKS_LISTED, settledCount } from '../../domain/sla/bounded-history';
import { RetriedUpdates } from '../common/retried-updates';
import { RunBudget } from '../common/run-budget';
import type { TicketEventInput } from '../../activities/ticket-read-model';
import {
  assignUpdate,
  closeUpdate,
  csatUpdate,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  repinUpdate,
  incidentResolvedSignal,
  replyUpdate,
  resolveUpdate,
  SlaMetricView,
  statusQuery,
  TicketCarried,
  TicketEscalation as Escalation,
  TicketDeferredNotification as DeferredNotification,
  TicketFailure,
  TicketInput,
  TicketView,
} from './messages';

const { recordTicketTransition: recordTicketTransitionAsTask, recordSlaCredit } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

// Tickets that recorded through a local activity (patch 'read-model-local-activity') replay it:
// one short PostgreSQL transaction with no task queue round trip, chosen for intake throughput
// (a regular activity costs three more history events and a server dispatch per transition).
// Bounded (READ_MODEL_WRITE): a local activity retried forever held the workflow task open.
const { recordTicketTransition: recordTicketTransitionLocally } = proxyLocalActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);

// Issue 20: back to a regular activity (patch 'ticket-record-as-task'). A local activity runs
// inside the workflow task that carries an update, before the server has accepted that update;
// when the server dropped that (speculative) task, the row was written anyway and the update
// retried on other state: records of refused actions, a reply recorded twice, a forked assign
// chain. A regular activity is scheduled only once its task is accepted. The cost: about six
// more history events per transition (measured 10.3 → 16.2 events, 4.4 → 7.1 KB per update).
// Tickets already past either patch point replay as they ran.
interface Recorder {
  write: typeof recordTicketTransitionAsTask;
  /** A local activity's failure arrives unwrapped (CaseAttention.record). */
  local: boolean;
  /** Events of updates keyed by the update's ID alone (never by a type computed from state). */
  keyByUpdate: boolean;
}

function recorder(): Recorder {
  if (patched('ticket-record-as-task')) return { write: recordTicketTransitionAsTask, local: false, keyByUpdate: true };
  return patched('read-model-local-activity')
    ? { write: recordTicketTransitionLocally, local: true, keyByUpdate: false }
    : { write: recordTicketTransitionAsTask, local: false, keyByUpdate: false };
}

// The checklist reads a service that may be down: a few tries, then the check is "unavailable"
// and the agent runs it by hand. It must not hold the ticket hostage the way a record must.
const { runPlaybackCheck } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});


/**
 * One support ticket: its lifecycle, its SLA clocks (durable timers, no scanner), at-risk
 * warnings, breaches, the escalation chain and credits. The workflow is the only writer of the
 * ticket's rows; every external effect carries a key derived from the ticket and the step.
 */
/** The opening record's place in a ticket's history (every later change counts on from it). */
const OPENING_SEQ = 1;

export async function ticketWorkflow(input: TicketInput): Promise<TicketView> {
  // First, before any await: it decides (patched) whether this run may continue as new.
  const budget = new RunBudget(input.runLimits);
  const ticket = new TicketCase(input, Date.now(), budget);
  ticket.registerHandlers();
  return ticket.run();
}

class TicketCase {
  private policy: TicketPolicy;
  private status: TicketStatus = 'new';
  private priority: string;
  private assignee: string | null = null;
  private clocks: Partial<Record<SlaMetric, SlaClock>> = {};
  private history: SlaClock[] = [];
  /** Settled clocks no longer listed in `history`, counted (bounded-history.ts). */
  private earlierClocks: EarlierClocks = {};
  /** Fixed at the start of the run: tickets opened before this code keep their whole list when they replay. */
  private readonly boundedHistory = patched('ticket-bounded-sla-history');
  private escalations: Escalation[] = [];
  private deferred: DeferredNotification[] = [];
  private resolutionCycle = 1;
  private agentReplies = 0;
  private customerReplies = 0;
  private reopenCount = 0;
  private resolvedAt: number | null = null;
  private closedAt: number | null = null;
  private surveyClosesAt: number | null = null;
  private csat: { score: number; comment: string | null; at: number } | null = null;
  private fcr: boolean | null = null;
  private intakes = 0;
  private checks: Partial<Record<PlaybackCheck, PlaybackCheckResult>> = {};
  /** Number of the last change applied (carried): each record carries it, the snapshot as its version. */
  private seq = 0;
  /** Records of changes applied while the run drained, written first by the next run, in order. */
  private unrecorded: TicketEventInput[] = [];
  /** The latest updates applied (carried): one delivered again to a later run is answered, not applied twice. */
  private readonly retries: RetriedUpdates;
  /** Set by every handler that changes what the main loop waits for. */
  private changed = false;
  /** Handlers record their events after the 'opened' event (and a carried run's queue), so the history reads in order. */
  private openedRecorded = false;
  /** A record the read model refused for good flags the ticket; it goes on answering. */
  private readonly attention: CaseAttention;

  /**
   * When the customer wrote: the clocks start here, possibly before the ticket opened (a deadline
   * already past breaches in the first loop turn, once). Tickets without a receivedAt — all those
   * opened before it existed — start at openedAt as they always did: same values, same commands,
   * so their histories replay unchanged without a patch marker.
   */
  private readonly receivedAt: number;
  private readonly openedAt: number;

  constructor(
    private readonly input: TicketInput,
    now: number,
    private readonly budget: RunBudget,
  ) {
    this.policy = input.policy;
    this.priority = input.priority;
    const carried = input.carried;
    this.retries = new RetriedUpdates(carried?.updates);
    this.attention = new CaseAttention(
      () => ({ caseId: this.input.ticketId, kind: 'ticket', brand: this.input.brand, priority: this.priority }),
      carried?.attention ?? null,
    );
    if (carried) {
      // A later run of the same ticket: everything the earlier runs decided, nothing started again.
      this.openedAt = carried.openedAt;
      this.receivedAt = carried.receivedAt;
      this.status = carried.status;
      this.priority = carried.priority;
      this.assignee = carried.assignee;
      this.clocks = carried.clocks;
      this.history = carried.history;
      this.earlierClocks = carried.earlierClocks ?? {};
      this.escalations = carried.escalations;
      this.deferred = carried.deferred;
      this.resolutionCycle = carried.resolutionCycle;
      this.agentReplies = carried.agentReplies;
      this.customerReplies = carried.customerReplies;
      this.reopenCount = carried.reopenCount;
      this.resolvedAt = carried.resolvedAt;
      this.closedAt = carried.closedAt;
      this.surveyClosesAt = carried.surveyClosesAt;
      this.csat = carried.csat;
      this.fcr = carried.fcr;
      this.intakes = carried.intakes;
      this.checks = carried.checks;
      this.seq = carried.seq;
      this.unrecorded = carried.unrecorded;
      return;
    }
    // seq 1 is the opening record's: an update that arrived with the start is handled as its
    // handler is registered, before run() records the opening (seen under load: assign seq 1, opened 2).
    this.seq = OPENING_SEQ;
    this.openedAt = now;
    this.receivedAt = slaStartOf(input.receivedAt ? Date.parse(input.receivedAt) : null, now);
    for (const metric of ['firstResponse', 'resolution', 'mitigation'] as const) this.startClock(metric, this.receivedAt, 1);
  }

  /** Everything the next run needs that its input does not hold (the pinned policy travels in the input). */
  private carry(): TicketCarried {
    return {
      openedAt: this.openedAt,
      receivedAt: this.receivedAt,
      status: this.status,
      priority: this.priority,
      assignee: this.assignee,
      clocks: this.clocks,
      history: this.history,
      earlierClocks: this.earlierClocks,
      escalations: this.escalations,
      deferred: this.deferred,
      resolutionCycle: this.resolutionCycle,
      agentReplies: this.agentReplies,
      customerReplies: this.customerReplies,
      reopenCount: this.reopenCount,
      resolvedAt: this.resolvedAt,
      closedAt: this.closedAt,
      surveyClosesAt: this.surveyClosesAt,
      csat: this.csat,
      fcr: this.fcr,
      intakes: this.intakes,
      checks: this.checks,
      attention: this.attention.state,
      seq: this.seq,
      unrecorded: this.unrecorded,
      updates: this.retries.carry(),
    };
  }

  private get calendar(): BusinessCalendar {
    return this.policy.priorities[this.priority].calendar;
  }

  private target(metric: SlaMetric): number | undefined {
    return this.policy.priorities[this.priority].targets[metric];
  }

  private startClock(metric: SlaMetric, now: number, cycle: number): void {
    const target = this.target(metric);
    if (target === undefined) return;
    this.clocks[metric] = startSlaClock(metric, target, this.calendar, now, { cycle, atRiskRatio: this.policy.atRiskRatio });
  }

  // ---- reading ------------------------------------------------------------------------------

  view(): TicketView {
    const now = Date.now();
    const clockView = (c: SlaClock): SlaMetricView => slaClockView(c, this.calendar, now);
    const sla: TicketView['sla'] = {};
    for (const c of this.liveClocks()) sla[c.metric] = clockView(c);
    const all = [...this.history, ...this.liveClocks()];
    return {
      id: this.input.ticketId,
      brand: this.input.brand,
      channel: this.input.channel,
      priority: this.priority,
      plan: this.input.plan,
      status: this.status,
      assignee: this.assignee,
      subject: this.input.subject,
      description: this.input.description,
      customerRef: this.input.customerRef,
      // Only when set, so the views of tickets opened without an account read as before.
      ...(this.input.account ? { account: this.input.account } : {}),
      socialPost: this.input.socialPost ?? null,
      policyVersion: this.policy.version,
      openedAt: new Date(this.openedAt).toISOString(),
      receivedAt: new Date(this.receivedAt).toISOString(),
      resolvedAt: iso(this.resolvedAt),
      closedAt: iso(this.closedAt),
      slaBreached: anyBreached(all, this.earlierClocks),
      atRisk: this.liveClocks().some((c) => c.state === 'running' && c.atRiskSince !== null),
      nextDeadlineAt: iso(this.nextDeadline()),
      sla,
      slaHistory: this.history.map(clockView),
      // Present once a long conversation's oldest clocks are only counted (older views unchanged).
      ...(Object.keys(this.earlierClocks).length ? { slaHistoryEarlier: this.earlierClocks } : {}),
      escalations: this.escalations.map((e) => ({ metric: e.metric, cycle: e.cycle, level: e.level, dueAt: new Date(e.dueAt).toISOString(), state: e.state })),
      agentReplies: this.agentReplies,
      reopenCount: this.reopenCount,
      firstContactResolution: this.fcr,
      csat: this.csat && { score: this.csat.score, comment: this.csat.comment, at: new Date(this.csat.at).toISOString() },
      surveyClosesAt: iso(this.surveyClosesAt),
      category: this.input.category ?? 'general',
      troubleshooting: PLAYBACK_CHECKS.flatMap((c) => this.checks[c] ?? []),
      ...this.attention.viewField,
    };
  }

  private liveClocks(): SlaClock[] {
    return Object.values(this.clocks).filter((c): c is SlaClock => c !== undefined);
  }

  private nextDeadline(): number | null {
    const deadlines = this.liveClocks()
      .map((c) => c.deadlineAt)
      .filter((d): d is number => d !== null);
    return deadlines.length ? Math.min(...deadlines) : null;
  }

  // ---- people's actions -----------------------------------------------------------------------

  registerHandlers(): void {
    // The status query first, so the ticket is readable from its first moment.
    setHandler(statusQuery, () => this.view());

    setHandler(intakeUpdate, () => {
      this.budget.countUpdate();
      if (this.appliedByPreviousRun()) return { ticket: this.view(), firstIntake: this.intakes === 1 };
      this.retries.applied();
      return { ticket: this.view(), firstIntake: ++this.intakes === 1 };
    }, {
      validator: ({ requestHash }) => {
        if (this.appliedByPreviousRun()) return;
        if (requestHash !== this.input.requestHash) {
          throw ApplicationFailure.nonRetryable('this Idempotency-Key was already used for a different request', TicketFailure.IdempotencyKeyReused);
        }
      },
    });

    setHandler(
      assignUpdate,
      async ({ actor, assignee }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const previous = this.assignee;
        this.status = applyTicketAction(this.status, 'assign');
        this.assignee = assignee;
        return this.commit('assigned', actor, { assignee, previous });
      },
      { validator: this.validator('assign') },
    );

    setHandler(
      replyUpdate,
      async ({ actor, author, message }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const now = Date.now();
        if (author === 'agent') {
          this.status = applyTicketAction(this.status, 'agent_reply');
          this.agentReplies++;
          if (this.assignee === null) this.assignee = actor;
          const first = this.clocks.firstResponse;
          const fulfilled: string[] = [];
          if (first && first.fulfilledAt === null) {
            this.clocks.firstResponse = fulfilSlaClock(first, this.calendar, now);
            fulfilled.push('firstResponse');
          }
          const next = this.clocks.nextResponse;
          if (next && !isSettled(next)) {
            this.settleIntoHistory('nextResponse', fulfilSlaClock(next, this.calendar, now));
            fulfilled.push('nextResponse');
          }
          return this.commit(fulfilled.includes('firstResponse') ? 'first_response' : 'agent_reply', actor, { message, fulfilled });
        }
        this.status = applyTicketAction(this.status, 'customer_reply');
        this.customerReplies++;
        this.resumeClocks(now);
        // The customer wrote again: an answer is owed (next response), unless one already is.
        const next = this.clocks.nextResponse;
        if ((!next || isSettled(next)) && this.clocks.firstResponse?.fulfilledAt !== null) {
          // Numbered after every earlier cycle: an answered clock has left `clocks` for the history,
          // so counting from the live one alone numbered every cycle 1 (and keyed their warnings alike).
          const cycle = this.boundedHistory ? Math.max(next?.cycle ?? 0, settledCount(this.history, this.earlierClocks, 'nextResponse')) + 1 : (next?.cycle ?? 0) + 1;
          this.startClock('nextResponse', now, cycle);
        }
        return this.commit('customer_reply', actor, { message });
      },
      { validator: ({ author }) => this.appliedByPreviousRun() || this.check(author === 'agent' ? 'agent_reply' : 'customer_reply') },
    );

    setHandler(
      pendingUpdate,
      async ({ actor, reason, message }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const now = Date.now();
        this.status = applyTicketAction(this.status, 'pending', reason);
        const pauseReason = reason === 'vendor' ? 'pending_vendor' : 'pending_customer';
        for (const metric of ['resolution', 'nextResponse'] as const) {
          const c = this.clocks[metric];
          if (c) this.clocks[metric] = pauseSlaClock(c, this.calendar, now, pauseReason);
        }
        return this.commit('pending', actor, { reason, message });
      },
      { validator: this.validator('pending') },
    );

    setHandler(
      priorityUpdate,
      async ({ actor, priority, reason }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const now = Date.now();
        const previous = this.priority;
        const oldCalendar = this.calendar;
        this.priority = priority;
        this.retargetAll(now, oldCalendar);
        return this.commit('priority_changed', actor, { from: previous, to: priority, reason });
      },
      {
        validator: ({ priority }) => {
          if (this.appliedByPreviousRun()) return;
          this.check('priority');
          if (!Object.hasOwn(this.policy.priorities, priority)) {
            throw ApplicationFailure.nonRetryable(`unknown priority ${priority}; known: ${Object.keys(this.policy.priorities).join(', ')}`, TicketFailure.InvalidValue, { field: 'priority' });
          }
          if (priority === this.priority) {
            throw ApplicationFailure.nonRetryable(`the ticket is already ${priority}`, TicketFailure.InvalidValue, { field: 'priority' });
          }
        },
      },
    );

    setHandler(
      repinUpdate,
      async ({ actor, policy }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const now = Date.now();
        const from = this.policy.version;
        const oldCalendar = this.calendar;
        this.policy = policy;
        this.retargetAll(now, oldCalendar);
        return this.commit('policy_repinned', actor, { from, to: policy.version });
      },
      {
        validator: ({ policy }) => {
          if (this.appliedByPreviousRun()) return;
          if (this.status === 'closed') this.check('priority'); // throws: closed tickets keep their policy
          if (policy.version === this.policy.version) {
            throw ApplicationFailure.nonRetryable(`the ticket is already on policy ${policy.version}`, TicketFailure.InvalidValue, { field: 'policy' });
          }
          if (!Object.hasOwn(policy.priorities, this.priority)) {
            throw ApplicationFailure.nonRetryable(`policy ${policy.version} has no priority ${this.priority}`, TicketFailure.InvalidValue, { field: 'policy' });
          }
        },
      },
    );

    setHandler(
      resolveUpdate,
      async ({ actor, resolution }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        return this.resolve(actor, resolution, {});
      },
      { validator: this.validator('resolve') },
    );

    // Signals carry no validator: a ticket that cannot resolve now (already resolved) only records the update.
    setHandler(incidentResolvedSignal, async ({ incidentId, summary }) => {
      await this.commit('incident_update', 'system', { incidentId, summary }, `${this.input.ticketId}:incident-resolved:${incidentId}`);
      if (canApply(this.status, 'resolve')) await this.resolve('system', `resolved with incident ${incidentId}: ${summary}`, { incidentId });
    });

    setHandler(
      reopenUpdate,
      async ({ actor, reason }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        const now = Date.now();
        this.status = applyTicketAction(this.status, 'reopen');
        this.reopenCount++;
        this.resolutionCycle++;
        this.resolvedAt = null;
        this.fcr = null;
        // A new resolution cycle; the old cycle's clocks stay on the record.
        for (const c of this.liveClocks()) if (c.metric !== 'firstResponse') this.settleIntoHistory(c.metric, c);
        this.startClock('resolution', now, this.resolutionCycle);
        this.startClock('nextResponse', now, settledCount(this.history, this.earlierClocks, 'nextResponse') + 1);
        return this.commit('reopened', actor, { reason, cycle: this.resolutionCycle });
      },
      { validator: this.validator('reopen') },
    );

    setHandler(
      closeUpdate,
      async ({ actor }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        this.close(Date.now());
        return this.commit('closed', actor, {});
      },
      { validator: this.validator('close') },
    );

    setHandler(
      csatUpdate,
      async ({ actor, score, comment }) => {
        this.budget.countUpdate();
        if (this.appliedByPreviousRun()) return this.view();
        this.csat = { score, comment, at: Date.now() };
        return this.commit('csat', actor, { score, comment });
      },
      {
        validator: ({ score }) => {
          if (this.appliedByPreviousRun()) return;
          this.check('csat');
          if (!Number.isInteger(score) || score < 1 || score > 5) {
            throw ApplicationFailure.nonRetryable('score must be an integer from 1 to 5', TicketFailure.InvalidValue, { field: 'score' });
          }
        },
      },
    );
  }

  private async resolve(actor: string, resolution: string, extra: Record<string, unknown>): Promise<TicketView> {
    const now = Date.now();
    this.status = applyTicketAction(this.status, 'resolve');
    this.resolvedAt = now;
    this.surveyClosesAt = now + this.policy.csatSurveyOpenForMs;
    // The resolution is itself an answer to the customer: every obligation still open is fulfilled now.
    for (const c of this.liveClocks()) {
      if (!isSettled(c) || c.fulfilledAt === null) this.clocks[c.metric] = fulfilSlaClock(c, this.calendar, now);
    }
    this.fcr = isFirstContactResolution(this.agentReplies, this.customerReplies, this.reopenCount);
    return this.commit('resolved', actor, { resolution, firstContactResolution: this.fcr, ...extra }, actor === 'system' ? `${this.input.ticketId}:resolved:c${this.resolutionCycle}` : undefined);
  }

  /** Asks the domain whether `action` is allowed now; refuses before the update enters history. */
  private check(action: TicketAction): void {
    try {
      checkTicketAction(this.status, action, Date.now(), {
        resolvedAt: this.resolvedAt,
        reopenWindowMs: this.policy.reopenWindowMs,
        surveyClosesAt: this.surveyClosesAt,
        csatGiven: this.csat !== null,
      });
    } catch (err) {
      if (err instanceof InvalidTransitionError) {
        throw ApplicationFailure.nonRetryable(err.message, TicketFailure.InvalidTransition, { status: this.status, action });
      }
      throw err;
    }
  }

  private validator(action: TicketAction) {
    return (_request: unknown): void => {
      if (!this.appliedByPreviousRun()) this.check(action);
    };
  }

  /**
   * An update an earlier run applied, delivered again: one whose handler ran or finished in the
   * task that continued as new may be aborted by the server with that run (seen on server 1.29 even
   * once completed), and a client resending an action under its Idempotency-Key (the same update
   * ID) may land on a later run. Its change is already in the carried state, so it is answered,
   * neither refused nor applied twice (src/workflows/common/retried-updates.ts).
   */
  private appliedByPreviousRun(): boolean {
    return this.retries.isRetry();
  }

  private resumeClocks(now: number): void {
    for (const c of this.liveClocks()) if (c.state === 'paused') this.clocks[c.metric] = resumeSlaClock(c, this.calendar, now);
  }

  /** New targets (priority change or re-pin) apply to the time already spent. */
  private retargetAll(now: number, oldCalendar: BusinessCalendar): void {
    for (const metric of ['firstResponse', 'nextResponse', 'resolution', 'mitigation'] as const) {
      const c = this.clocks[metric];
      const target = this.target(metric);
      if (c && target !== undefined) this.clocks[metric] = retargetSlaClock(c, oldCalendar, now, target, this.calendar);
      // A metric the new priority adds (a P1's mitigation) starts now, if the ticket is still being worked.
      if (!c && target !== undefined && this.status !== 'resolved' && this.status !== 'closed' && metric !== 'nextResponse') {
        this.startClock(metric, now, metric === 'resolution' ? this.resolutionCycle : 1);
      }
    }
  }

  private settleIntoHistory(metric: SlaMetric, clock: SlaClock): void {
    this.history.push(clock);
    delete this.clocks[metric];
    if (!this.boundedHistory) return;
    // Only the last few settled clocks of a metric stay listed; a clock whose breach still has an
    // escalation scheduled stays, since that escalation checks whether it was answered since.
    const pinned = (c: SlaClock) => this.escalations.some((e) => e.state === 'scheduled' && e.metric === c.metric && e.cycle === c.cycle);
    ({ history: this.history, earlier: this.earlierClocks } = boundSettledClocks(this.history, this.earlierClocks, metric, pinned));
    // Escalations and deferred warnings already decided are kept for the last few only, likewise.
    this.escalations = keepLatestSettled(this.escalations, (e) => e.state === 'scheduled');
    this.deferred = keepLatestSettled(this.deferred, (d) => d.state === 'scheduled');
  }

  private close(now: number): void {
    this.status = applyTicketAction(this.status, 'close');
    this.closedAt = now;
  }

  /**
   * Publishes the new state to the UI and records it (snapshot + keyed event) in one activity.
   * Called synchronously after the change it records, so `seq` numbers changes in the order
   * they were applied and the status/assignee it read before is what the change started from.
   */
  private async commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string): Promise<TicketView> {
    const now = Date.now();
    this.changed = true;
    const seq = ++this.seq;
    this.retries.applied();
    const { write, local, keyByUpdate } = recorder();
    const updateId = currentUpdateInfo()?.id;
    const event: TicketEventInput = {
      // An update's event is keyed by the update's ID alone: a retried or re-executed update
      // (even one that would now compute another type) writes nothing new.
      eventKey: keyByUpdate && updateId !== undefined ? `${this.input.ticketId}:update:${updateId}` : (eventKey ?? `${this.input.ticketId}:${type}:${updateId ?? now}`),
      type,
      actor,
      occurredAt: new Date(now).toISOString(),
      data: { ...data, ...this.transitionSinceLastRecord() },
      seq,
    };
    if (this.budget.isDraining) {
      // The run is ending: the next run writes this first, so draining ends under any stream of updates.
      this.unrecorded.push(event);
      this.publish();
      return this.view();
    }
    await condition(() => this.openedRecorded);
    this.publish();
    const view = this.view();
    const recorded = await this.attention.record(type, () => write({ view, requestHash: this.input.requestHash, version: seq }, event), { local });
    // Flagged by this very record: the caller sees the flag at once.
    return recorded ? view : this.view();
  }

  private recordedStatus: TicketStatus | null = null;
  private recordedAssignee: string | null | undefined = undefined;

  /** What this record changed from: the status and assignee as of the previous record (issue 20, part 3). */
  private transitionSinceLastRecord(): Record<string, unknown> {
    const change: Record<string, unknown> = {};
    const status = this.recordedStatus ?? this.status;
    if (status !== this.status) Object.assign(change, { statusFrom: status, statusTo: this.status });
    const assignee = this.recordedAssignee === undefined ? this.assignee : this.recordedAssignee;
    if (assignee !== this.assignee) Object.assign(change, { assigneeFrom: assignee, assigneeTo: this.assignee });
    this.recordedStatus = this.status;
    this.recordedAssignee = this.assignee;
    return change;
  }

  /** A carried run first writes what its predecessor applied while draining, in order. */
  private async writeUnrecorded(): Promise<void> {
    const view = this.view();
    for (const event of this.unrecorded) {
      const { write, local } = recorder();
      await this.attention.record(event.type, () => write({ view, requestHash: this.input.requestHash, version: event.seq ?? this.seq }, event), { local });
    }
    this.unrecorded = [];
  }

  private publish(): void {
    const next = this.nextDeadline();
    upsertSearchAttributes([
      { key: CaseStatus, value: this.status },
      { key: Priority, value: this.priority },
      { key: SlaBreached, value: anyBreached([...this.history, ...this.liveClocks()], this.earlierClocks) },
      // Cleared once no clock runs, so "SlaNextDeadline < now+1h" lists only live obligations.
      { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
      { key: Assignee, value: this.assignee },
    ]);
    const rows = this.liveClocks().map(
      (c) =>
        `| ${c.metric} | ${c.cycle} | ${fmtDuration(c.targetMs)} | ${c.deadlineAt === null ? '—' : new Date(c.deadlineAt).toISOString()} | ${c.state}${c.atRiskSince !== null && c.state === 'running' ? ' (at risk)' : ''}${c.pauseReason ? ` (${c.pauseReason})` : ''} |`,
    );
    const pending = this.escalations.filter((e) => e.state === 'scheduled');
    setCurrentDetails(
      [
        `**${this.status}** · ${this.priority} · assignee ${this.assignee ?? 'none'} · policy ${this.policy.version}`,
        '',
        '| SLA metric | cycle | target | deadline (UTC) | state |',
        '|---|---|---|---|---|',
        ...rows,
        ...(pending.length ? ['', `Next escalation: ${pending[0].level} at ${new Date(pending[0].dueAt).toISOString()}`] : []),
      ].join('\n'),
    );
  }

  // ---- the clock's side: timers fire ----------------------------------------------------------

  private nextWakeAt(): number | null {
    const times: number[] = [];
    for (const c of this.liveClocks()) {
      if (c.state !== 'running') continue;
      if (c.atRiskAt !== null) times.push(c.atRiskAt);
      if (c.deadlineAt !== null) times.push(c.deadlineAt);
    }
    for (const e of this.escalations) if (e.state === 'scheduled') times.push(e.dueAt);
    for (const d of this.deferred) if (d.state === 'scheduled') times.push(d.dueAt);
    if (this.status === 'resolved' && this.resolvedAt !== null) times.push(this.resolvedAt + this.policy.autoCloseAfterMs);
    // The survey's end only ends the loop (once closed); it is a wake-up while still ahead.
    if (this.surveyClosesAt !== null && this.csat === null && this.surveyClosesAt > Date.now()) times.push(this.surveyClosesAt);
    return times.length ? Math.min(...times) : null;
  }

  private surveyOpen(now: number): boolean {
    return this.surveyClosesAt !== null && this.csat === null && now <= this.surveyClosesAt;
  }

  async run(): Promise<TicketView> {
    // Search attributes and details travel with continue-as-new; set again, they cost nothing.
    upsertSearchAttributes([
      { key: CaseKind, value: 'ticket' },
      { key: Brand, value: this.input.brand },
    ]);
    this.publish();
    if (this.input.carried) await this.writeUnrecorded();
    else await this.recordOpened();
    this.openedRecorded = true;
    // Runs beside the lifecycle: people may act on the ticket while the checks come in.
    const checklist = this.runPlaybackChecklist();

    // One loop waits for whichever comes first: a person's action or the next timer.
    let overdue: number | null = null;
    while (this.status !== 'closed' || this.surveyOpen(Date.now())) {
      const wake = this.nextWakeAt();
      this.changed = false;
      if (wake === null) await condition(() => this.changed);
      else if (wake > Date.now()) await condition(() => this.changed, wake - Date.now(), { summary: this.timerSummary(wake) });
      else if (wake === overdue && !this.changed) {
        // A due item that fireDue did not consume would spin this loop forever inside one
        // workflow task; failing the task makes the bug visible in the UI instead.
        throw new Error(`ticket ${this.input.ticketId}: item due at ${iso(wake)} was not handled`);
      } else overdue = wake;
      await this.fireDue(Date.now());
      if (this.budget.spent()) {
        // Handlers finish here (new ones queue their records); a playback check still in flight
        // is abandoned and asked again by the next run (its verdict was not in yet).
        await this.budget.drain();
        return continueAsNew<typeof ticketWorkflow>({ ...this.input, policy: this.policy, carried: this.carry() });
      }
    }
    await checklist;
    await condition(allHandlersFinished);
    return this.view();
  }

  private async recordOpened(): Promise<void> {
    const opened = this.view();
    const { write, local } = recorder();
    const seq = OPENING_SEQ;
    this.transitionSinceLastRecord();
    await this.attention.record('opened', () => write(
      { view: opened, requestHash: this.input.requestHash, version: seq },
      {
        seq,
        eventKey: `${this.input.ticketId}:opened`,
        type: 'opened',
        actor: this.input.openedBy,
        occurredAt: new Date(this.openedAt).toISOString(),
        data: {
          channel: this.input.channel,
          priority: this.input.priority,
          plan: this.input.plan,
          policyVersion: this.policy.version,
          receivedAt: new Date(this.receivedAt).toISOString(),
        },
      },
    ), { local });
  }

  /** Playback tickets: each checklist item as its own activity, each verdict attached as it lands. */
  private async runPlaybackChecklist(): Promise<void> {
    const thresholds = this.policy.playbackChecklist;
    const context = this.input.playback;
    if (this.input.category !== 'playback' || !thresholds || !context) return;
    await Promise.all(
      // A carried run asks only what no earlier run has a verdict for.
      PLAYBACK_CHECKS.filter((check) => this.checks[check] === undefined).map(async (check) => {
        let result: PlaybackCheckResult;
        try {
          result = await runPlaybackCheck({ ticketId: this.input.ticketId, check, context, thresholds });
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          result = unavailableResult(check, `diagnostics source failed: ${err.cause?.message ?? err.message}`, Date.now());
        }
        this.checks[check] = result;
        await this.commit(
          'playback_check',
          'system',
          { check, outcome: result.outcome, findings: result.findings, advice: result.advice },
          `${this.input.ticketId}:playback:${check}`,
        );
      }),
    );
  }

  /** What an escalation carries for playback tickets of the priorities that escalate "with logs attached". */
  private escalationAttachments(): Pick<Notification, 'troubleshooting'> {
    const thresholds = this.policy.playbackChecklist;
    if (this.input.category !== 'playback' || !thresholds || !escalationCarriesLogs(thresholds, this.priority)) return {};
    const results = PLAYBACK_CHECKS.flatMap((c) => this.checks[c] ?? []);
    return {
      troubleshooting: {
        results: results.map(({ check, outcome, findings }) => ({ check, outcome, findings })),
        logs: this.checks.diagnostics?.logs ?? null,
      },
    };
  }

  private timerSummary(wake: number): string {
    for (const c of this.liveClocks()) {
      if (c.deadlineAt === wake) return `${c.metric} SLA deadline`;
      if (c.atRiskAt === wake) return `${c.metric} SLA at-risk point`;
    }
    const e = this.escalations.find((x) => x.state === 'scheduled' && x.dueAt === wake);
    if (e) return `escalation to ${e.level} (${e.metric})`;
    const d = this.deferred.find((x) => x.state === 'scheduled' && x.dueAt === wake);
    if (d) return `${d.notification.kind} notification (${d.metric}) at the coverage window's opening`;
    return this.status === 'resolved' ? 'auto-close / CSAT survey window' : 'CSAT survey window';
  }

  private async fireDue(now: number): Promise<void> {
    for (const c of this.liveClocks()) {
      if (c.state !== 'running' || c.atRiskAt === null || c.atRiskAt > now) continue;
      const late = c.deadlineAt !== null && c.deadlineAt <= now;
      // A warning whose moment passed while the ticket could not act (its worker or database
      // down) is still given, marked late, before the breach; a window already over when the
      // ticket opened (receivedAt long ago) gets none.
      if (!late || (c.atRiskAt >= this.openedAt && patched('ticket-late-at-risk-warning'))) {
        this.clocks[c.metric] = markSlaClockAtRisk(c, now);
        const notification: Notification = {
          key: this.stepKey(c, 'at-risk'),
          kind: 'sla_at_risk',
          ticketId: this.input.ticketId,
          brand: this.input.brand,
          priority: this.priority,
          metric: c.metric,
          level: 'assignee',
          recipient: this.assignee,
          summary: `${c.metric} of ${this.priority} ticket is at risk; deadline ${iso(c.deadlineAt)}${late ? ' (late warning: the deadline has passed)' : ''}`,
          ...(late ? { late: true } : {}),
        };
        const sendAt = this.notifyAt(now);
        const record = this.commit(
          'sla_at_risk',
          'system',
          { metric: c.metric, cycle: c.cycle, deadlineAt: iso(c.deadlineAt), notifyAt: iso(sendAt), ...(late ? { late: true, dueAt: iso(c.atRiskAt) } : {}) },
          this.stepKey(c, 'at-risk'),
        );
        if (sendAt > now) {
          // The warning is on the record now; the person hears of it when the coverage window opens.
          this.deferred.push({ metric: c.metric, cycle: c.cycle, dueAt: sendAt, notification, state: 'scheduled' });
          await record;
        } else {
          // Recorded and sent side by side: both are keyed, so each happens once, and one round
          // trip through the worker instead of two keeps warnings on time under load.
          await Promise.all([record, sendNotification(notification)]);
        }
      }
    }
    for (const d of this.deferred) {
      if (d.state !== 'scheduled' || d.dueAt > now) continue;
      const clock = this.liveClocks().find((c) => c.metric === d.metric && c.cycle === d.cycle);
      if (!clock || isSettled(clock)) {
        d.state = 'cancelled'; // answered (or breached, and escalating) before the window opened
        continue;
      }
      d.state = 'sent';
      await sendNotification(d.notification);
    }
    for (const c of this.liveClocks()) {
      if (c.state === 'running' && c.deadlineAt !== null && c.deadlineAt <= now) await this.breach(c, now);
    }
    for (const e of this.escalations) {
      if (e.state !== 'scheduled' || e.dueAt > now) continue;
      const clock = [...this.liveClocks(), ...this.history].find((c) => c.metric === e.metric && c.cycle === e.cycle);
      if (clock?.fulfilledAt !== null && clock?.fulfilledAt !== undefined) {
        e.state = 'cancelled'; // answered after the breach: nobody needs waking any more
        continue;
      }
      e.state = 'notified';
      const key = `${this.input.ticketId}:${e.metric}:c${e.cycle}:escalation:${e.step}`;
      // The step is decided; delivery is retried until it succeeds, under the same key.
      await Promise.all([
        sendNotification({
        key,
        kind: 'sla_escalation',
        ticketId: this.input.ticketId,
        brand: this.input.brand,
        priority: this.priority,
        metric: e.metric,
        level: e.level,
        recipient: e.level === 'assignee' ? this.assignee : null,
        summary: `${e.metric} SLA breached on ${this.priority} ticket; escalation step ${e.step + 1}: ${e.level}`,
        ...this.escalationAttachments(),
        }),
        this.commit('escalated', 'system', { metric: e.metric, cycle: e.cycle, step: e.step, level: e.level }, key),
      ]);
    }
    if (this.status === 'resolved' && this.resolvedAt !== null && now >= this.resolvedAt + this.policy.autoCloseAfterMs) {
      this.close(now);
      await this.commit('closed', 'system', { automatic: true }, `${this.input.ticketId}:auto-closed:c${this.resolutionCycle}`);
    }
  }

  /**
   * When a notification due at `dueAt` goes out: at once for a 24×7 priority, else not before
   * the coverage window is open (src/domain/sla/notification-window.ts). Tickets that already
   * passed this point under the old code replay it unchanged.
   */
  private notifyAt(dueAt: number): number {
    return patched('notify-in-coverage-window') ? notificationTime(this.calendar, dueAt) : dueAt;
  }

  private stepKey(c: SlaClock, step: string): string {
    return `${this.input.ticketId}:${c.metric}:c${c.cycle}:${step}`;
  }

  private async breach(c: SlaClock, now: number): Promise<void> {
    const breached = breachSlaClock(c, now);
    this.clocks[c.metric] = breached;
    this.policy.escalation.forEach((step, i) => {
      const dueAt = this.notifyAt(step.afterMs === 0 ? now : addBusinessTime(this.calendar, now, step.afterMs));
      this.escalations.push({ metric: c.metric, cycle: c.cycle, step: i, level: step.level, dueAt, state: 'scheduled' });
    });
    await this.commit(
      'sla_breached',
      'system',
      { metric: c.metric, cycle: c.cycle, deadlineAt: iso(c.deadlineAt), priority: this.priority, targetSeconds: c.targetMs / 1000 },
      this.stepKey(c, 'breached'),
    );
    const credit = slaCreditFor(this.policy, this.priority, c.metric);
    const credits = this.policy.credits;
    if (credit && credits) {
      await this.attention.record('sla_credit', () => recordSlaCredit({
        key: this.stepKey(c, 'credit'),
        ticketId: this.input.ticketId,
        brand: this.input.brand,
        customerRef: this.input.customerRef,
        plan: credits.plan,
        priority: this.priority,
        metric: c.metric,
        percent: credit.percent,
        amountMinor: credit.amountMinor,
        currency: credit.currency,
        monthlyCapPercent: credits.monthlyCapPercent,
        monthlyFeeMinor: credits.monthlyFee.amountMinor,
        rule: `${this.policy.version}: ${this.priority} ${c.metric} breach = ${credit.percent}% of monthly fee, capped at ${credits.monthlyCapPercent}% a month`,
        breachedAt: new Date(now).toISOString(),
      }));
    }
  }
}

function fmtDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Keeps every item still pending and the latest SETTLED_CLOCKS_LISTED of the others, in order. */
function keepLatestSettled<T>(items: T[], pending: (item: T) => boolean): T[] {
  const settled = items.filter((i) => !pending(i));
  if (settled.length <= SETTLED_CLOCKS_LISTED) return items;
  const dropped = new Set(settled.slice(0, settled.length - SETTLED_CLOCKS_LISTED));
  return items.filter((i) => !dropped.has(i));
}
