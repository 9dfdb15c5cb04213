import { readTime } from '../common/read-time';
import { allHandlersFinished, condition, continueAsNew, deprecatePatch, setHandler } from '@temporalio/workflow';
import { applyTicketAction, checkTicketAction, isFirstContactResolution, TicketAction } from '../../domain/ticket';
import { fulfilSlaClock, isSettled } from '../../domain/sla/clock';
import { earliest, runAgenda, Wakeup } from '../common/agenda';
import { publishCaseKind, RecordOptions } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { asRefusal } from '../common/refusals';
import { RetriedUpdates } from '../common/retried-updates';
import { RunBudget } from '../common/run-budget';
import { fireDue } from './fire-due';
import { registerTicketHandlers } from './handlers';
import { statusQuery, TicketInput, TicketView } from './messages';
import { settleEntitlement } from './entitlement';
import { runPlaybackChecklist } from './playback';
import { TicketRecords } from './records';
import { TicketState } from './state';
import { publishTicket, ticketView } from './view';

/**
 * One support ticket: its lifecycle, its SLA clocks (durable timers, no scanner), at-risk
 * warnings, breaches, the escalation chain and credits. The workflow is the only writer of the
 * ticket's rows; every external effect carries a key derived from the ticket and the step.
 * People's actions: handlers.ts; what the clocks do when due: fire-due.ts; the schedule itself:
 * src/domain/ticket/schedule.ts.
 */
export async function ticketWorkflow(input: TicketInput): Promise<TicketView> {
  // First, before any await: its (retired) patch marker comes first in every run.
  const budget = new RunBudget(input.runLimits);
  const ticket = new TicketCase(input, Date.now(), budget);
  ticket.registerHandlers();
  return ticket.run();
}

/** The ticket's state with the case core around it: records, retried updates, the attention flag. */
export class TicketCase {
  readonly state: TicketState;
  readonly retries: RetriedUpdates;
  readonly attention: CaseAttention;
  readonly wakeup = new Wakeup();
  readonly records: TicketRecords;

  constructor(
    readonly input: TicketInput,
    now: number,
    readonly budget: RunBudget,
  ) {
    // Retired patch (issue 13): the settled clocks' list is bounded for every ticket. Its marker
    // stays in histories recorded before; the call, at the same moment of the run (before any
    // other command), keeps them replaying. Here, not in TicketState, which stays pure for the API.
    deprecatePatch('ticket-bounded-sla-history');
    this.state = new TicketState(input, now);
    const carried = input.carried;
    this.retries = new RetriedUpdates(carried?.updates);
    this.attention = new CaseAttention(
      () => ({ caseId: input.ticketId, kind: 'ticket', brand: input.brand, priority: this.state.priority }),
      carried?.attention ?? null,
    );
    this.records = new TicketRecords(input, this.state, {
      attention: this.attention,
      budget,
      wakeup: this.wakeup,
      retries: this.retries,
      view: () => this.view(),
    });
  }

  view(now = Date.now()): TicketView {
    return ticketView(this.input, this.state, this.attention, now);
  }

  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, options?: RecordOptions): Promise<TicketView> {
    return this.records.commit(type, actor, data, eventKey, options);
  }

  registerHandlers(): void {
    // The status query first, so the ticket is readable from its first moment.
    setHandler(statusQuery, (read) => this.view(readTime(read)));
    registerTicketHandlers(this);
  }

  async run(): Promise<TicketView> {
    // Search attributes and details travel with continue-as-new; set again, they cost nothing.
    publishCaseKind('ticket', this.input.brand);
    publishTicket(this.input, this.state, this.records.recent);
    await this.records.open();
    // Runs beside the lifecycle: people may act on the ticket while the checks come in.
    const checklist = runPlaybackChecklist(this);
    const entitlement = settleEntitlement(this);
    const { state } = this;
    await runAgenda(
      this.input.ticketId,
      {
        finished: (now) => state.finished(now),
        nextDue: (now) => earliest(state.schedule(now)),
        fireDue: (now) => fireDue(this, now),
      },
      this.wakeup,
      this.budget,
      // A playback check still in flight is abandoned and asked again by the next run (its verdict was not in yet).
      // So is an unverified plan's CRM lookup: the next run asks again.
      () => continueAsNew<typeof ticketWorkflow>({ ...this.input, policy: state.policy, plan: state.plan, entitlement: state.entitlement, carried: this.carry() }),
    );
    await checklist;
    // A ticket that closed before the CRM answered keeps its plan: nothing is left to retarget.
    entitlement.stop();
    await entitlement.done;
    await condition(allHandlersFinished);
    return this.view();
  }

  /** Everything the next run needs that its input does not hold (the pinned policy travels in the input). */
  private carry(): NonNullable<TicketInput['carried']> {
    return { ...this.state.carry(), ...this.records.carry(), attention: this.attention.state, updates: this.retries.carry() };
  }

  /** Asks the domain whether `action` is allowed now; refuses before the update enters history. */
  check(action: TicketAction): void {
    const s = this.state;
    asRefusal(() =>
      checkTicketAction(s.status, action, Date.now(), {
        resolvedAt: s.resolvedAt,
        reopenWindowMs: s.policy.reopenWindowMs,
        surveyClosesAt: s.surveyClosesAt,
        csatGiven: s.csat !== null,
      }),
    );
  }

  /** A person's resolution, or the one a resolved incident brings. */
  resolve(actor: string, resolution: string, extra: Record<string, unknown>): Promise<TicketView> {
    const s = this.state;
    const now = Date.now();
    s.status = applyTicketAction(s.status, 'resolve');
    s.resolvedAt = now;
    s.surveyClosesAt = now + s.policy.csatSurveyOpenForMs;
    // The resolution is itself an answer to the customer: every obligation still open is fulfilled now.
    for (const c of s.liveClocks()) {
      if (!isSettled(c) || c.fulfilledAt === null) s.clocks[c.metric] = fulfilSlaClock(c, s.calendar, now);
    }
    s.fcr = isFirstContactResolution(s.agentReplies, s.customerReplies, s.reopenCount);
    return this.commit('resolved', actor, { resolution, firstContactResolution: s.fcr, ...extra }, actor === 'system' ? `${this.input.ticketId}:resolved:c${s.resolutionCycle}` : undefined);
  }
}
