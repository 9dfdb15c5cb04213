import type { PlaybackCheck, PlaybackCheckResult } from '../../domain/playback/checklist';
import type { SlaMetric } from '../../domain/policy/policy.schema';
import { ticketTargetClock, type TicketPolicy } from '../../domain/policy/ticket-policy';
import type { Due } from '../../domain/schedule';
import { boundSettledClocks, EarlierClocks, SETTLED_CLOCKS_LISTED } from '../../domain/sla/bounded-history';
import type { BusinessCalendar } from '../../domain/sla/calendar';
import { fulfilSlaClock, resumeSlaClock, retargetSlaClock, SlaClock, startSlaClock } from '../../domain/sla/clock';
import { applyTicketAction, TicketStatus } from '../../domain/ticket';
import { ticketSchedule } from '../../domain/ticket/schedule';
import { reportFactsFrom, TicketReportFacts } from '../../domain/ticket/report-facts';
import { slaStartOf } from '../../domain/ticket-received-at';
import type { TicketEntitlement } from '../../domain/customer/entitlement';
import type { TicketCarried, TicketDeferredNotification, TicketEscalation, TicketInput } from './messages';

/** The part of TicketCarried that is the ticket's own state (the recorder, retries and attention carry the rest). */
export type TicketStateCarried = Omit<TicketCarried, 'attention' | 'seq' | 'unrecorded' | 'updates'>;

/**
 * What a ticket knows and decided: status, clocks and their settled history, the escalation
 * steps and deferred warnings scheduled, counters, the checklist's verdicts. Changed by the
 * handlers and the due actions; carried whole to the next run (continue-as-new). Pure (no
 * workflow API), so the API builds a new ticket's first state with it too (opening-view.ts).
 */
export class TicketState {
  policy: TicketPolicy;
  /** The support plan: the input's, until an unverified ticket's CRM answer settles it. */
  plan: string | null;
  entitlement: TicketEntitlement | null;
  status: TicketStatus = 'new';
  priority: string;
  assignee: string | null = null;
  /** The certified agent mentoring the assignee (mentored mode), while that assignment stands. */
  mentor: string | null = null;
  clocks: Partial<Record<SlaMetric, SlaClock>> = {};
  history: SlaClock[] = [];
  /** Settled clocks no longer listed in `history`, counted (bounded-history.ts). */
  earlierClocks: EarlierClocks = {};
  escalations: TicketEscalation[] = [];
  deferred: TicketDeferredNotification[] = [];
  resolutionCycle = 1;
  agentReplies = 0;
  customerReplies = 0;
  reopenCount = 0;
  resolvedAt: number | null = null;
  closedAt: number | null = null;
  surveyClosesAt: number | null = null;
  csat: { score: number; comment: string | null; at: number } | null = null;
  fcr: boolean | null = null;
  intakes = 0;
  checks: Partial<Record<PlaybackCheck, PlaybackCheckResult>> = {};
  /** NPS, root-cause tags, handle time: what the reports need beyond the lifecycle (report-facts.ts). */
  reportFacts: TicketReportFacts = reportFactsFrom(undefined);
  /**
   * When the customer wrote: the clocks start here, possibly before the ticket opened (a deadline
   * already past breaches in the first loop turn, once). Tickets without a receivedAt start at
   * openedAt: same values, same commands.
   */
  readonly receivedAt: number;
  readonly openedAt: number;

  constructor(input: TicketInput, now: number) {
    this.policy = input.policy;
    this.plan = input.plan;
    this.entitlement = input.entitlement ?? null;
    this.priority = input.priority;
    const carried = input.carried;
    if (carried) {
      // A later run of the same ticket: everything the earlier runs decided, nothing started again.
      this.openedAt = carried.openedAt;
      this.receivedAt = carried.receivedAt;
      this.status = carried.status;
      this.priority = carried.priority;
      this.assignee = carried.assignee;
      this.mentor = carried.mentor ?? null;
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
      this.reportFacts = reportFactsFrom(carried.reportFacts);
      return;
    }
    // The API's instant when it gave one (the 201 it answered was computed from it), else the first task's.
    this.openedAt = input.openedAt ? Date.parse(input.openedAt) : now;
    this.receivedAt = slaStartOf(input.receivedAt ? Date.parse(input.receivedAt) : null, this.openedAt);
    // queueWait (a chat's wait for an agent) only where the pinned policy has its target: a policy
    // pinned before it existed starts the same clocks, in the same order, as it always did.
    for (const metric of ['firstResponse', 'resolution', 'mitigation', 'queueWait'] as const) this.startClock(metric, this.receivedAt, 1);
  }

  carry(): TicketStateCarried {
    return {
      openedAt: this.openedAt,
      receivedAt: this.receivedAt,
      status: this.status,
      priority: this.priority,
      assignee: this.assignee,
      mentor: this.mentor,
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
      reportFacts: this.reportFacts,
    };
  }

  get calendar(): BusinessCalendar {
    return this.policy.priorities[this.priority].calendar;
  }

  target(metric: SlaMetric): number | undefined {
    return this.policy.priorities[this.priority].targets[metric];
  }

  liveClocks(): SlaClock[] {
    return Object.values(this.clocks).filter((c): c is SlaClock => c !== undefined);
  }

  nextDeadline(): number | null {
    const deadlines = this.liveClocks()
      .map((c) => c.deadlineAt)
      .filter((d): d is number => d !== null);
    return deadlines.length ? Math.min(...deadlines) : null;
  }

  /** Everything still due (src/domain/ticket/schedule.ts). */
  schedule(now: number): Due[] {
    return ticketSchedule(
      {
        status: this.status,
        clocks: this.liveClocks(),
        escalations: this.escalations,
        deferred: this.deferred,
        resolvedAt: this.resolvedAt,
        autoCloseAfterMs: this.policy.autoCloseAfterMs,
        surveyClosesAt: this.surveyClosesAt,
        csatGiven: this.csat !== null,
      },
      now,
    );
  }

  surveyOpen(now: number): boolean {
    return this.surveyClosesAt !== null && this.csat === null && now <= this.surveyClosesAt;
  }

  /** Closed, and the survey over: nothing more can happen to the ticket. */
  finished(now: number): boolean {
    return this.status === 'closed' && !this.surveyOpen(now);
  }

  startClock(metric: SlaMetric, now: number, cycle: number): void {
    const target = this.target(metric);
    if (target === undefined) return;
    const clock = ticketTargetClock(this.policy.priorities[this.priority], metric);
    this.clocks[metric] = startSlaClock(metric, target, this.calendar, now, { cycle, atRiskRatio: this.policy.atRiskRatio, clock });
  }

  /**
   * An agent picked the chat up (assignment or first agent reply, whichever first): the queue wait
   * ends. True when this ended it (met, or answered after its breach, which stands).
   */
  pickUp(now: number): boolean {
    const wait = this.clocks.queueWait;
    if (!wait || wait.fulfilledAt !== null) return false;
    this.clocks.queueWait = fulfilSlaClock(wait, this.calendar, now);
    return true;
  }

  resumeClocks(now: number): void {
    for (const c of this.liveClocks()) if (c.state === 'paused') this.clocks[c.metric] = resumeSlaClock(c, this.calendar, now);
  }

  /** New targets (priority change or re-pin) apply to the time already spent. */
  retargetAll(now: number, oldCalendar: BusinessCalendar): void {
    for (const metric of ['firstResponse', 'nextResponse', 'resolution', 'mitigation', 'queueWait'] as const) {
      const c = this.clocks[metric];
      const target = this.target(metric);
      const kind = ticketTargetClock(this.policy.priorities[this.priority], metric);
      if (c && target !== undefined) this.clocks[metric] = retargetSlaClock(c, oldCalendar, now, target, this.calendar, kind);
      // A metric the new priority adds (a P1's mitigation) starts now, if the ticket is still being
      // worked. Not a queue wait: it runs from receipt, so one the ticket never had is not owed.
      if (!c && target !== undefined && this.status !== 'resolved' && this.status !== 'closed' && metric !== 'nextResponse' && metric !== 'queueWait') {
        this.startClock(metric, now, metric === 'resolution' ? this.resolutionCycle : 1);
      }
    }
  }

  settleIntoHistory(metric: SlaMetric, clock: SlaClock): void {
    this.history.push(clock);
    delete this.clocks[metric];
    // Only the last few settled clocks of a metric stay listed; a clock whose breach still has an
    // escalation scheduled stays, since that escalation checks whether it was answered since.
    const pinned = (c: SlaClock) => this.escalations.some((e) => e.state === 'scheduled' && e.metric === c.metric && e.cycle === c.cycle);
    ({ history: this.history, earlier: this.earlierClocks } = boundSettledClocks(this.history, this.earlierClocks, metric, pinned));
    // Escalations and deferred warnings already decided are kept for the last few only, likewise.
    this.escalations = keepLatestSettled(this.escalations, (e) => e.state === 'scheduled');
    this.deferred = keepLatestSettled(this.deferred, (d) => d.state === 'scheduled');
  }

  close(now: number): void {
    this.status = applyTicketAction(this.status, 'close');
    this.closedAt = now;
  }
}

/** Keeps every item still pending and the latest SETTLED_CLOCKS_LISTED of the others, in order. */
function keepLatestSettled<T>(items: T[], pending: (item: T) => boolean): T[] {
  const settled = items.filter((i) => !pending(i));
  if (settled.length <= SETTLED_CLOCKS_LISTED) return items;
  const dropped = new Set(settled.slice(0, settled.length - SETTLED_CLOCKS_LISTED));
  return items.filter((i) => !dropped.has(i));
}
