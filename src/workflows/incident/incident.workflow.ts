import { allHandlersFinished, condition, continueAsNew, deprecatePatch, getExternalWorkflowHandle, patched, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { engagementsFor, syncEngagements } from '../../domain/incident/engagement';
import { escalationSteps } from '../../domain/incident/escalation';
import { applyIncidentAction, requiresPostIncidentReview } from '../../domain/incident/incident';
import { INCIDENT_METRICS, IncidentMetric } from '../../domain/incident/incident-policy';
import { incidentSchedule, pageDueTimes, reviewTimers } from '../../domain/incident/schedule';
import { earliest } from '../../domain/schedule';
import { fulfilSlaClock, isSettled } from '../../domain/sla/clock';
import { CaseAgenda, runAgenda, Wakeup } from '../common/agenda';
import { CaseRecorder, publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { OUTSIDE_SERVICE, PAGE, READ_MODEL_WRITE } from '../common/retry-policies';
import { RetriedUpdates } from '../common/retried-updates';
import { RunBudget } from '../common/run-budget';
import { Service } from '../search-attributes';
import { iso } from '../sla-clock-view';
import { incidentResolvedSignal } from '../ticket/messages';
import { fireIncidentDue } from './fire-due';
import { registerIncidentHandlers } from './handlers';
import { IncidentCarried, incidentEndedSignal, IncidentInput, IncidentView } from './messages';
import { calendarOf, copyState, IncidentState, openingState } from './state';
import { IncidentPublisher, incidentView } from './view';

/**
 * Patch: an auto-resolve acts on what is already due (the first page, above all) before it
 * resolves. Histories recorded before resolved first and cancelled the pages.
 */
export const DUE_BEFORE_AUTO_RESOLVE_PATCH = 'incident-due-before-auto-resolve';

const { recordIncident } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { resolveEscalation } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);
const { updatePages } = proxyActivities<ReturnType<typeof createActivities>>(PAGE);

/**
 * One incident: paging through the escalation ladder until a person acknowledges, the response /
 * mitigation / resolution clocks, and the lifecycle responders drive through updates. SREs find
 * it in the Temporal UI by CaseKind=incident, Priority, CaseStatus; its details show the pages.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentView> {
  // Before any await: the budget's patch marker must sit at the same point of every history.
  const budget = new RunBudget(input.runLimits);
  // Retired patch (issue 13): every run records lean (upserts only on change, no wait once the
  // opening is written). Histories recorded before carry its marker here, right after the budget's.
  deprecatePatch('incident-lean-records');
  const incident = new IncidentCase(input, budget);
  registerIncidentHandlers(incident);
  return incident.run();
}

export class IncidentCase {
  readonly state: IncidentState;
  readonly wakeup = new Wakeup();
  /** Updates earlier runs applied: answered, never applied again, when a client sends one again. */
  readonly retries: RetriedUpdates;
  /** A record the read model refused for good flags the incident; it goes on answering. */
  private readonly attention: CaseAttention;
  private readonly recorder: CaseRecorder<IncidentView>;
  private readonly publisher = new IncidentPublisher();
  private readonly runNumber: number;

  constructor(
    readonly input: IncidentInput,
    readonly budget: RunBudget,
  ) {
    const carried = input.carried;
    this.state = carried ? copyState(carried) : openingState(input, Date.now());
    this.attention = new CaseAttention(() => ({ caseId: input.incidentId, kind: 'incident', brand: input.brand, priority: this.state.priority }), carried?.attention ?? null);
    this.runNumber = carried ? carried.run : 1;
    this.retries = new RetriedUpdates(carried?.updates ?? carried?.handedOverUpdates?.map((u) => u.id));
    this.recorder = new CaseRecorder<IncidentView>({
      caseId: input.incidentId,
      attention: this.attention,
      budget,
      wakeup: this.wakeup,
      retries: this.retries,
      view: () => this.view(),
      publish: () => this.publisher.publish(this.input, this.state, this.recorder.recent),
      // One record, one activity: a single change as one event, a previous run's queue as a batch.
      write: (view, events, version) => recordIncident(view, events.length === 1 ? events[0] : events, version),
      carried: carried ?? null,
    });
  }

  view(now = Date.now()): IncidentView {
    return incidentView(this.input, this.state, this.attention, now);
  }

  /**
   * Records one change: its event (numbered, keyed by the update's ID or the timer's step) and
   * the bounded snapshot as of that number, one activity (queued for the next run while this one
   * drains).
   */
  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string): Promise<IncidentView> {
    return this.recorder.record(type, actor, data, eventKey);
  }

  /** The state the next run starts from (see IncidentCarried). */
  private carry(): IncidentCarried {
    return { ...copyState(this.state), attention: this.attention.state, ...this.recorder.carry(), run: this.runNumber + 1, updates: this.retries.carry() };
  }

  async run(): Promise<IncidentView> {
    const { input, state } = this;
    publishCaseKind('incident', input.brand, [{ key: Service, value: input.services }]);
    this.publisher.publish(input, state, this.recorder.recent);
    if (input.carried) {
      // A later run: nothing of intake again (no 'triggered', no second paging plan); the
      // previous run's queued records first, in order, before any new one.
      await this.recorder.start(null);
    } else {
      // Timers only, no activity: planned before the opening is recorded, so its record shows them.
      this.planEngagements();
      await this.recorder.start({
        type: 'triggered',
        actor: input.openedBy,
        occurredAt: state.openedAt,
        data: { source: input.source, priority: state.priority, fingerprint: input.fingerprint, alertCount: state.alertCount },
      });
      if (input.policy.pagePriorities.includes(state.priority)) await this.planPages(state.openedAt);
    }
    await runAgenda(input.incidentId, this.agenda(), this.wakeup, this.budget, () => continueAsNew<typeof incidentWorkflow>({ ...input, carried: this.carry() }));
    await condition(allHandlersFinished);
    return this.view();
  }

  private agenda(): CaseAgenda {
    return {
      finished: () => this.state.status === 'closed',
      nextDue: () => earliest(incidentSchedule(this.state)),
      fireDue: (now) => fireIncidentDue(this, now),
      // The alert group's "cleared" signal resolves here, not in its handler (a signal handler
      // cannot wait for the pager and the records).
      beforeTurn: async () => {
        const reason = this.state.pendingAutoResolve;
        if (reason === null) return;
        this.state.pendingAutoResolve = null;
        const { status } = this.state;
        if (status !== 'triggered' && status !== 'acknowledged' && status !== 'mitigated') return;
        // What fell due before the resolve is acted on first, as the loop would have had it run
        // on time: a lagging worker (or a monitor resolving within the first task) must not turn
        // a P1's first page into a cancelled one. The on-call gets the page, then its resolve.
        if (patched(DUE_BEFORE_AUTO_RESOLVE_PATCH)) await fireIncidentDue(this, Date.now());
        await this.resolve('system', reason);
      },
    };
  }

  /** The ladder: from the brand's stored escalation policy, else the pack's; each step's time in the priority's coverage. */
  async planPages(from: number): Promise<void> {
    const { input, state } = this;
    state.pagingPlanned = true;
    const policy = await resolveEscalation({ brand: input.brand, priority: state.priority, fallback: input.policy.escalation });
    const steps = escalationSteps(policy);
    const dueTimes = pageDueTimes(steps, calendarOf(input, state.priority, state.enterprise), from);
    for (const [i, s] of steps.entries()) {
      state.pages.push({
        step: s.step,
        level: s.level,
        loop: s.loop,
        targets: s.targets,
        dueAt: dueTimes[i],
        state: 'scheduled',
        dedupKey: `${input.incidentId}:page:${s.step}`,
        response: null,
        sentAt: null,
      });
    }
    this.wakeup.poke();
  }

  /**
   * Timed Level 2 / Level 3 engagements (domain/incident/engagement.ts) for the incident as it is
   * now: planned at the opening, re-planned when the priority changes, cancelled once mitigated.
   * Only incidents whose pinned policy has engagements get any (inputs pinned before have none, so
   * their histories never reach the patch); the patch marks the histories that do.
   */
  planEngagements(): void {
    const { input, state } = this;
    const wanted = engagementsFor(input.policy.engagements, state.priority, state.enterprise);
    if (wanted.length === 0 && state.engagements.length === 0) return;
    if (!patched('incident-level-engagements')) return;
    const planned = syncEngagements(state.engagements, wanted, { incidentId: input.incidentId, openedAt: state.openedAt, calendar: calendarOf(input, state.priority, state.enterprise), status: state.status });
    state.engagements = planned.map((e) => ({ ...e, response: state.engagements.find((old) => old.level === e.level)?.response ?? null }));
    this.wakeup.poke();
  }

  fulfil(metric: IncidentMetric, now: number): void {
    const c = this.state.clocks[metric];
    if (c && !isSettled(c)) this.state.clocks[metric] = fulfilSlaClock(c, calendarOf(this.input, this.state.priority, this.state.enterprise), now);
  }

  async resolve(actor: string, summary: string): Promise<void> {
    const { input, state } = this;
    const now = Date.now();
    state.status = applyIncidentAction(state.status, 'resolve', state.priority);
    state.resolvedAt = now;
    state.resolvedBy = actor;
    for (const metric of INCIDENT_METRICS) this.fulfil(metric, now);
    // Before the pager call: a record another action makes meanwhile shows the review's due date.
    if (requiresPostIncidentReview(state.priority)) {
      const { dueAt, reminders } = reviewTimers(input.policy.review, now);
      state.reviewDueAt = dueAt;
      state.reviewReminders = reminders;
    }
    await this.stopPaging('resolve');
    await this.commit('resolved', actor, { summary, reviewDueAt: iso(state.reviewDueAt) });
    // Linked customer tickets get the update and resolve through their own workflows.
    for (const ticketId of state.linkedTickets) {
      await getExternalWorkflowHandle(ticketId)
        .signal(incidentResolvedSignal, { incidentId: input.incidentId, summary })
        .catch(() => undefined); // a ticket already closed has nothing left to resolve
    }
    // The alert group may now open a new incident for the same fingerprint. It may have ended
    // already (it ends after auto-resolving), which is fine.
    if (input.alertGroupId) {
      await getExternalWorkflowHandle(input.alertGroupId)
        .signal(incidentEndedSignal, { incidentId: input.incidentId })
        .catch(() => undefined);
    }
  }

  /**
   * Scheduled pages are cancelled; pages already sent are acknowledged / resolved at the pager.
   * Timed engagements are not stopped by an acknowledgement (that is their point): a resolve
   * cancels the scheduled ones and resolves the ones paged.
   */
  async stopPaging(action: 'acknowledge' | 'resolve'): Promise<void> {
    const { pages, engagements } = this.state;
    for (const p of pages) if (p.state === 'scheduled') p.state = 'cancelled';
    const sent = pages.filter((p) => p.state === 'sent').map((p) => p.dedupKey);
    if (action === 'resolve') {
      for (const e of engagements) if (e.state === 'scheduled') e.state = 'cancelled';
      sent.push(...engagements.filter((e) => e.state === 'engaged' && e.via === 'timer').map((e) => e.dedupKey));
    }
    if (sent.length) await updatePages({ incidentId: this.input.incidentId, action, dedupKeys: sent });
  }
}
