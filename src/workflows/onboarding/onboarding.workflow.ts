import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { AgentStatusChange } from '../../activities/onboarding';
import {
  applyOnboardingCommand,
  checkGateMeasurement,
  checkInsDueBy,
  checkOnboardingCommand,
  isFinal,
  modulesBehind,
  OnboardingActor,
  OnboardingCase,
  OnboardingCommand,
  OnboardingRefusal,
  openOnboardingCase,
  registryStatus,
  withGates,
} from '../../domain/onboarding/case';
import { weekLength } from '../../domain/onboarding/curriculum';
import { judgeGates } from '../../domain/onboarding/gates';
import { nextOnboardingDeadline, nextOnboardingDue, OnboardingDue, onboardingDues, overdueItems } from '../../domain/onboarding/schedule';
import type { Notification } from '../../integrations/notify/notification';
import { runAgenda, Wakeup } from '../common/agenda';
import { CaseEvent, CaseRecorder, publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { readTime } from '../common/read-time';
import { CaseFailure, refuseValue } from '../common/refusals';
import { RetriedUpdates } from '../common/retried-updates';
import { OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';
import { RunBudget } from '../common/run-budget';
import { Assignee, CaseStatus, OnboardingPhase, Overdue, Priority, SlaNextDeadline } from '../search-attributes';
import {
  decideOnboardingUpdate,
  evaluateGatesUpdate,
  OnboardingCarried,
  OnboardingFailure,
  OnboardingInput,
  onboardingStatusQuery,
  OnboardingView,
  recordSessionUpdate,
  RegistryShown,
  scoreQaUpdate,
  startMentoredUpdate,
} from './messages';
import { onboardingDetails, onboardingView, phaseLabel } from './view';

type Activities = ReturnType<typeof createActivities>;
const { recordOnboarding } = proxyActivities<Activities>(READ_MODEL_WRITE);
const { sendNotification, setAgentStatus } = proxyActivities<Activities>(OUTSIDE_SERVICE);
/** Measuring the gates reads the read model: a few tries, then the measurement is reported missing (never a stalled case). */
const { onboardingTicketWork } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumAttempts: 3 } });

/**
 * One agent's onboarding, from day one to certified and on through refreshers (issue 14 §2):
 * trainers record classroom hours against the brand's curriculum (pinned at start), weekly
 * check-ins compare them with the plan, an overdue classroom or decision goes to the team lead
 * once inside training hours; the mentored period's gates are measured from the agent's real
 * tickets every week and on demand; QA is double-blind; the decision certifies, extends once or
 * stops, and the registry (who may work alone) follows each phase. After certification the
 * refreshers fall due; a mandatory one overdue past its grace suspends solo work until done.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<OnboardingView> {
  const onboarding = new Onboarding(input);
  onboarding.register();
  return onboarding.run();
}


class Onboarding {
  c: OnboardingCase;
  /** Constructed first: its patch markers stay where the run's first were. */
  private readonly budget: RunBudget;
  private readonly retries: RetriedUpdates;
  private readonly wakeup = new Wakeup();
  private readonly attention: CaseAttention;
  private readonly recorder: CaseRecorder<OnboardingView>;
  private registry: RegistryShown;
  /**
   * Registry changes to write, oldest first: written by the loop, not the handler that decided
   * them, so a decision is answered at once even while the registry's database or the CRM/HR
   * webhook is down (the write is retried for a day, then the case is flagged).
   */
  private announce: AgentStatusChange[];
  private lastPublished: string | null = null;

  constructor(private readonly input: OnboardingInput) {
    this.budget = new RunBudget(input.runLimits);
    this.retries = new RetriedUpdates(input.carried?.updates);
    const k = input.carried;
    this.c = k ? k.c : openOnboardingCase({ agentId: input.agentId, brand: input.brand, tier: input.tier, teamLead: input.teamLead, startedAt: input.startedAt }, input.policy);
    this.registry = k?.registry ?? { status: 'onboarding', changes: 0 };
    this.announce = [...(k?.announce ?? [])];
    this.attention = new CaseAttention(() => ({ caseId: input.caseId, kind: 'onboarding', brand: input.brand, priority: input.tier }), k?.attention ?? null);
    this.recorder = new CaseRecorder<OnboardingView>({
      caseId: input.caseId,
      attention: this.attention,
      budget: this.budget,
      wakeup: this.wakeup,
      retries: this.retries,
      view: () => this.view(),
      publish: () => this.publish(),
      write: (view, events) => this.write(view, events),
      carried: k ?? null,
    });
  }

  private get id(): string {
    return this.input.caseId;
  }

  view(now = Date.now()): OnboardingView {
    return onboardingView(this.input, this.c, this.attention.viewField, now);
  }

  register(): void {
    setHandler(onboardingStatusQuery, (read) => this.view(readTime(read)));
    const once =
      <A>(apply: (args: A) => Promise<OnboardingView>) =>
      async (args: A): Promise<OnboardingView> => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return apply(args);
      };
    /** A validator asks the domain; a retry of an update an earlier run applied is let through (its handler answers). */
    const checked = (args: { actor: OnboardingActor }, cmd: OnboardingCommand) => {
      if (!this.retries.isRetry()) this.check(cmd, args.actor);
    };
    setHandler(
      recordSessionUpdate,
      once(({ actor, module, hours, heldOn }) => this.act({ action: 'session', module, hours, ...(heldOn ? { heldOn } : {}) }, actor)),
      { validator: (a) => checked(a, { action: 'session', module: a.module, hours: a.hours }) },
    );
    setHandler(
      startMentoredUpdate,
      once(({ actor, mentor }) => this.act({ action: 'start_mentored', mentor }, actor)),
      { validator: (a) => checked(a, { action: 'start_mentored', mentor: a.mentor }) },
    );
    setHandler(
      scoreQaUpdate,
      once(({ actor, reviewId, ticketId, criteria }) => this.act({ action: 'qa_score', reviewId, ticketId, criteria }, actor)),
      { validator: (a) => checked(a, { action: 'qa_score', reviewId: a.reviewId, ticketId: a.ticketId, criteria: a.criteria }) },
    );
    setHandler(
      decideOnboardingUpdate,
      once(({ actor, outcome, note }) => this.act({ action: 'decide', outcome, note }, actor)),
      { validator: (a) => checked(a, { action: 'decide', outcome: a.outcome, note: a.note }) },
    );
    setHandler(
      evaluateGatesUpdate,
      once(async ({ actor }) => {
        const measured = await this.measureGates(`${actor.id}`);
        if (!measured) throw ApplicationFailure.nonRetryable('the tickets read model did not answer: gates not measured, try again', CaseFailure.InvalidTransition, { status: this.c.phase, action: 'evaluate_gates', reason: 'read model unavailable' });
        return this.view();
      }),
      {
        validator: ({ actor }) => {
          if (!this.retries.isRetry()) asOnboardingRefusal(this.c.phase, 'evaluate_gates', actor.role, () => checkGateMeasurement(this.c, actor));
        },
      },
    );
  }

  private check(cmd: OnboardingCommand, actor: OnboardingActor): void {
    asOnboardingRefusal(this.c.phase, cmd.action, actor.role, () => checkOnboardingCommand(this.c, cmd, actor, this.input.policy, Date.now()));
  }

  /** Applies a person's action, records it, and moves the registry when the phase changes who may work alone. */
  private async act(cmd: OnboardingCommand, actor: OnboardingActor): Promise<OnboardingView> {
    const now = Date.now();
    const { c, data } = asOnboardingRefusal(this.c.phase, cmd.action, actor.role, () => applyOnboardingCommand(this.c, cmd, actor, this.input.policy, now));
    this.c = c;
    const review = cmd.action === 'qa_score' ? c.reviews.find((r) => r.id === cmd.reviewId) : undefined;
    // A review's scores enter the record only once revealed: until then the record says how far it is.
    const revealed = review?.state === 'scored' ? { scores: review.scores.map((s) => ({ reviewer: s.reviewer, points: s.points })) } : {};
    await this.recorder.record(cmd.action === 'decide' ? `decision_${cmd.outcome}` : cmd.action, actor.id, { ...data, ...revealed });
    this.syncRegistry(actor.id, cmd.action === 'decide' ? `${cmd.outcome}: ${cmd.note}` : cmd.action.replace('_', ' '));
    return this.view();
  }

  /** Measures the gates from the agent's tickets; false when the read model did not answer (recorded, never a stall). */
  private async measureGates(actor: string): Promise<boolean> {
    const since = this.c.mentored?.startsAt ?? this.c.startedAt;
    let work;
    try {
      work = await onboardingTicketWork({ agentId: this.c.agentId, brand: this.c.brand, since });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await this.recorder.record('gates_unmeasured', actor, { reason: 'read model unavailable' });
      return false;
    }
    const gates = judgeGates(this.input.policy.curriculum, this.input.policy.aht, work, this.c.reviews, since, Date.now());
    this.c = withGates(this.c, gates);
    await this.recorder.record('gates_measured', actor, { aht: gates.aht, csat: gates.csat, qa: gates.qa });
    return true;
  }

  /** The registry follows the case (who may work alone): one keyed change per move, queued for the loop, which also tells the CRM/HR webhook. */
  private syncRegistry(by: string, reason: string): void {
    const status = registryStatus(this.c);
    if (status === this.registry.status) return;
    this.registry = { status, changes: this.registry.changes + 1 };
    const competencies = status === 'certified' ? this.input.policy.curriculum.classroom.modules.map((m) => m.id) : undefined;
    this.wakeup.poke();
    this.announce.push({
      key: `${this.id}:status:${this.registry.changes}`,
      caseId: this.id,
      agentId: this.c.agentId,
      brand: this.c.brand,
      status,
      reason,
      by,
      ...(competencies ? { competencies } : {}),
    });
  }

  /** Everything due at `now`: each handled once (its key recorded), whatever crashes between. */
  private async fireDue(now: number): Promise<void> {
    for (const due of onboardingDues(this.c, this.input.policy)) {
      if (due.at > now) break;
      await this.fire(due);
    }
  }

  private async fire(due: OnboardingDue): Promise<void> {
    const c = this.c;
    const lead = c.teamLead ? `user:${c.teamLead}` : this.input.policy.curriculum.escalateTo;
    switch (due.kind) {
      case 'check_in': {
        // Missed weeks (a start date in the past, a worker away) are one check-in, numbered by the week it is.
        this.c = { ...c, checkIns: Math.max(c.checkIns + 1, checkInsDueBy(c, weekLength(this.input.policy.curriculum), Date.now())) };
        if (c.phase === 'mentored') {
          await this.measureGates('system');
          await this.recorder.record('check_in', 'system', { week: this.c.checkIns, phase: c.phase }, `${this.id}:${due.key}`);
        } else {
          const behind = modulesBehind(c, this.input.policy.curriculum, due.at);
          await this.recorder.record('check_in', 'system', { week: this.c.checkIns, phase: c.phase, hours: c.hours, behind, atRisk: behind.length > 0 }, `${this.id}:${due.key}`);
        }
        return;
      }
      case 'classroom_overdue':
      case 'decision_due': {
        this.c = { ...c, escalated: [...c.escalated, due.key] };
        await this.recorder.record(due.kind, 'system', { escalatedTo: lead, dueAt: due.kind === 'classroom_overdue' ? c.plan.classroomDueAt : c.mentored?.closesAt }, `${this.id}:${due.key}`);
        await this.notify(due, due.kind === 'classroom_overdue' ? 'onboarding_overdue' : 'onboarding_decision_due', lead);
        return;
      }
      case 'refresher_overdue': {
        this.c = { ...c, refreshers: c.refreshers.map((r) => (r.id === due.key ? { ...r, overdueSent: true } : r)) };
        const r = c.refreshers.find((x) => x.id === due.key)!;
        await this.recorder.record('refresher_overdue', 'system', { refresher: r.id, cycle: r.cycle }, `${this.id}:refresher:${r.id}:${r.cycle}:overdue`);
        await this.notify({ ...due, key: `refresher-${r.id}-${r.cycle}-overdue` }, 'refresher_overdue', lead);
        return;
      }
      case 'refresher_suspend': {
        this.c = { ...c, refreshers: c.refreshers.map((r) => (r.id === due.key ? { ...r, suspended: true } : r)) };
        const r = c.refreshers.find((x) => x.id === due.key)!;
        await this.recorder.record('suspended', 'system', { refresher: r.id, cycle: r.cycle }, `${this.id}:refresher:${r.id}:${r.cycle}:suspended`);
        this.syncRegistry('system', `${r.id} overdue past its grace: solo work suspended until it is done`);
        await this.notify({ ...due, key: `refresher-${r.id}-${r.cycle}-suspended` }, 'agent_suspended', lead);
        return;
      }
    }
  }

  /** Writes the queued registry changes in order; one that cannot be written within its retries flags the case and is dropped (the next change carries the status on). */
  private async writeRegistry(): Promise<void> {
    while (this.announce.length) {
      const change = this.announce[0];
      await this.attention.record('registry', () => setAgentStatus(change));
      this.announce.shift();
    }
  }

  private notify(due: OnboardingDue, kind: Notification['kind'], recipient: string): Promise<unknown> {
    return sendNotification({
      key: `${this.id}:${due.key}`,
      kind,
      ticketId: this.id,
      brand: this.c.brand,
      priority: this.c.tier,
      metric: null,
      level: 'manager',
      recipient,
      summary: `onboarding of ${this.c.agentId}: ${due.summary}`,
    });
  }

  private async write(view: OnboardingView, events: CaseEvent[]): Promise<void> {
    for (const event of events) await recordOnboarding({ view, event });
  }

  private publish(): void {
    const now = Date.now();
    const next = nextOnboardingDeadline(this.c);
    const overdue = overdueItems(this.c, this.input.policy, now).length > 0;
    const published = JSON.stringify([this.c.phase, next, overdue, this.c.mentor, registryStatus(this.c)]);
    if (published !== this.lastPublished) {
      upsertSearchAttributes([
        { key: CaseStatus, value: registryStatus(this.c) === 'suspended' && this.c.phase === 'certified' ? 'suspended' : this.c.phase },
        { key: OnboardingPhase, value: this.c.phase },
        { key: Overdue, value: overdue },
        { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
        { key: Assignee, value: this.c.mentor },
      ]);
      this.lastPublished = published;
    }
    setCurrentDetails(onboardingDetails(this.input, this.c, this.recorder.recent, now));
  }

  private carry(): OnboardingCarried {
    return { c: this.c, ...this.recorder.carry(), attention: this.attention.state, updates: this.retries.carry(), registry: this.registry, announce: [...this.announce] };
  }

  async run(): Promise<OnboardingView> {
    publishCaseKind('onboarding', this.input.brand, [{ key: Priority, value: this.input.tier }]);
    this.publish();
    if (this.input.carried) await this.recorder.start(null);
    else {
      await this.recorder.start({
        type: 'started',
        actor: this.input.startedBy,
        occurredAt: this.input.startedAt,
        data: { tier: this.input.tier, policyVersion: this.input.policy.version, classroomDueAt: this.c.plan.classroomDueAt, label: phaseLabel(this.c, this.input.policy, Date.now()) },
      });
    }
    await runAgenda(
      this.id,
      {
        finished: () => isFinal(this.c),
        nextDue: () => nextOnboardingDue(this.c, this.input.policy),
        fireDue: (now) => this.fireDue(now),
        beforeTurn: () => this.writeRegistry(),
      },
      this.wakeup,
      this.budget,
      () => continueAsNew<typeof onboardingWorkflow>({ ...this.input, carried: this.carry() }),
    );
    // Stopped: the loop is over, but the registry still hears of it (once the stopping handler has queued it).
    await condition(allHandlersFinished);
    await this.writeRegistry();
    return this.view();
  }
}

/** A domain refusal as the update's failure: 409 naming the phase, 422 naming the field, 403 for a role. */
function asOnboardingRefusal<T>(phase: string, action: string, role: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof OnboardingRefusal)) throw err;
    if (err.kind === 'field') throw refuseValue(err.field ?? 'body', err.message);
    if (err.kind === 'role') throw ApplicationFailure.nonRetryable(err.message, OnboardingFailure.Forbidden, { role, action });
    throw ApplicationFailure.nonRetryable(err.message, CaseFailure.InvalidTransition, { status: phase, action, reason: null });
  }
}
