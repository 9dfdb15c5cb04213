import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { escalationSteps } from '../../domain/incident/escalation';
import {
  applyIncidentAction,
  checkIncidentAction,
  IncidentAction,
  IncidentStatus,
  InvalidIncidentTransitionError,
  PostIncidentReview,
  reviewProblem,
  requiresPostIncidentReview,
} from '../../domain/incident/incident';
import { breachEscalationTarget, ESCALATED_BREACH_METRICS, INCIDENT_METRICS, IncidentMetric } from '../../domain/incident/incident-policy';
import { addBusinessTime, BusinessCalendar } from '../../domain/sla/calendar';
import {
  breachSlaClock,
  fulfilSlaClock,
  isSettled,
  markSlaClockAtRisk,
  retargetSlaClock,
  SlaClock,
  startSlaClock,
} from '../../domain/sla/clock';
import { Assignee, Brand, CaseKind, CaseStatus, Priority, Service, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { iso, slaClockView } from '../sla-clock-view';
import { incidentResolvedSignal } from '../ticket/messages';
import {
  AcknowledgeRequest,
  acknowledgeIncidentUpdate,
  alertsClearedSignal,
  CloseIncidentRequest,
  IncidentPriorityRequest,
  LinkTicketRequest,
  MitigateRequest,
  NoteRequest,
  ResolveIncidentRequest,
  ReviewRequest,
  CarriedPage,
  closeIncidentUpdate,
  IncidentCarried,
  IncidentEventRecord,
  IncidentFailure,
  IncidentInput,
  incidentEndedSignal,
  incidentPriorityUpdate,
  incidentStatusQuery,
  IncidentView,
  linkTicketUpdate,
  mitigateIncidentUpdate,
  moreAlertsSignal,
  noteIncidentUpdate,
  NOTE_PREVIEW_CHARS,
  NOTES_IN_VIEW,
  PageView,
  resolveIncidentUpdate,
  reviewIncidentUpdate,
} from './messages';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { OUTSIDE_SERVICE, PAGE, READ_MODEL_WRITE } from '../common/retry-policies';

const { recordIncident } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { resolveEscalation, sendNotification, fileBacklogItems } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);
// A page is retried until the pager takes it (same dedup key every time, so never a second
// alert at PagerDuty); a request the pager refuses as malformed is not retried.
// A page whose worker died is retried after startToCloseTimeout: kept short (the adapter's own
// HTTP timeout is 10 s) so a crash delays a page by seconds, not minutes.
const { sendPage, updatePages } = proxyActivities<ReturnType<typeof createActivities>>(PAGE);

type Page = CarriedPage;
/** Bounds the IDs carried for redelivered updates: a run's worth at the default budget and some (about 37 KB). */
const MAX_CARRIED_UPDATE_IDS = 600;
const REDELIVERY_WINDOW_MS = 3_600_000;
type RecentNote = IncidentCarried['recentNotes'][number];

/**
 * One incident: paging through the escalation ladder until a person acknowledges, the response /
 * mitigation / resolution clocks, and the lifecycle responders drive through updates. SREs find
 * it in the Temporal UI by CaseKind=incident, Priority, CaseStatus; its details show the pages.
 */
export async function incidentWorkflow(input: IncidentInput): Promise<IncidentView> {
  // Before any await: the budget's patch marker must sit at the same point of every history.
  const budget = new RunBudget(input.runLimits);
  const incident = new IncidentCase(input, budget, input.carried?.openedAt ?? Date.now());
  incident.registerHandlers();
  return incident.run();
}

class IncidentCase {
  private status: IncidentStatus = 'triggered';
  private priority: string;
  private clocks: Partial<Record<IncidentMetric, SlaClock>> = {};
  private pages: Page[] = [];
  private alertCount: number;
  private lastAlertAt: number | null = null;
  private acknowledgedBy: string | null = null;
  private acknowledgedAt: number | null = null;
  private mitigatedAt: number | null = null;
  private resolvedAt: number | null = null;
  private resolvedBy: string | null = null;
  private closedAt: number | null = null;
  /** The last NOTES_IN_VIEW notes as previews: the full texts live in the read model only. */
  private recentNotes: RecentNote[] = [];
  private notesTotal = 0;
  private linkedTickets: string[] = [];
  private review: (PostIncidentReview & { by: string; at: number }) | null = null;
  private reviewDueAt: number | null = null;
  private reviewReminders: { at: number; sent: boolean }[] = [];
  private reviewOverdueSent = false;
  /** Metrics whose breach has been escalated: once per incident and metric, whatever retargeting follows. */
  private breachEscalated: IncidentMetric[] = [];
  private changed = false;
  /** Records wait for this: the opening record (first run), or the previous run's queue (later runs). */
  private openedRecorded = false;
  private pagingPlanned = false;
  private pendingAutoResolve: string | null = null;
  /** The number of the last change recorded: each event's `seq`, the snapshot's `version`. */
  private seq = 0;
  /** Records of changes made while draining, for the next run to write first. */
  private unrecorded: IncidentEventRecord[] = [];
  private readonly runNumber: number;
  /** Update IDs earlier runs completed in their last workflow task, not sent again yet, with when (see updateHandler). */
  private readonly redelivered: Map<string, number>;
  /** Updates this run completed, with when: the next run answers them, never applies them, if sent again. */
  private completedUpdates: { id: string; at: number }[] = [];
  /** Search attributes last upserted: an action that changes none of them adds no event. */
  private published: string | null = null;
  /**
   * Fixed at the run's start (after the budget's patch): histories from before replay their
   * per-action upserts and their handlers' old shape; this is true whenever the budget is on.
   */
  private readonly leanRecords = patched('incident-lean-records');
  /** A record the read model refused for good flags the incident; it goes on answering. */
  private readonly attention: CaseAttention;

  constructor(
    private readonly input: IncidentInput,
    private readonly budget: RunBudget,
    private readonly openedAt: number,
  ) {
    const subject = () => ({ caseId: this.input.incidentId, kind: 'incident', brand: this.input.brand, priority: this.priority });
    const carried = input.carried;
    this.attention = new CaseAttention(subject, carried?.attention ?? null);
    this.runNumber = carried ? carried.run : 1;
    this.redelivered = new Map((carried?.handedOverUpdates ?? []).map((u) => [u.id, u.at]));
    this.priority = input.priority;
    this.alertCount = input.alertCount;
    if (carried) {
      this.restore(carried);
      return;
    }
    if (input.alertCount > 0) this.lastAlertAt = openedAt;
    for (const metric of INCIDENT_METRICS) this.startClock(metric, openedAt);
  }

  private restore(c: IncidentCarried): void {
    this.status = c.status;
    this.priority = c.priority;
    this.clocks = { ...c.clocks };
    this.pages = c.pages.map((p) => ({ ...p }));
    this.pagingPlanned = c.pagingPlanned;
    this.alertCount = c.alertCount;
    this.lastAlertAt = c.lastAlertAt;
    this.acknowledgedBy = c.acknowledgedBy;
    this.acknowledgedAt = c.acknowledgedAt;
    this.mitigatedAt = c.mitigatedAt;
    this.resolvedAt = c.resolvedAt;
    this.resolvedBy = c.resolvedBy;
    this.closedAt = c.closedAt;
    this.recentNotes = c.recentNotes.map((n) => ({ ...n }));
    this.notesTotal = c.notesTotal;
    this.linkedTickets = [...c.linkedTickets];
    this.review = c.review;
    this.reviewDueAt = c.reviewDueAt;
    this.reviewReminders = c.reviewReminders.map((r) => ({ ...r }));
    this.reviewOverdueSent = c.reviewOverdueSent;
    this.breachEscalated = [...c.breachEscalated];
    this.pendingAutoResolve = c.pendingAutoResolve;
    this.seq = c.seq;
    this.unrecorded = [...c.unrecorded];
  }

  /** The state the next run starts from (see IncidentCarried). */
  private carry(): IncidentCarried {
    return {
      openedAt: this.openedAt,
      status: this.status,
      priority: this.priority,
      clocks: { ...this.clocks },
      pages: this.pages.map((p) => ({ ...p })),
      pagingPlanned: this.pagingPlanned,
      alertCount: this.alertCount,
      lastAlertAt: this.lastAlertAt,
      acknowledgedBy: this.acknowledgedBy,
      acknowledgedAt: this.acknowledgedAt,
      mitigatedAt: this.mitigatedAt,
      resolvedAt: this.resolvedAt,
      resolvedBy: this.resolvedBy,
      closedAt: this.closedAt,
      recentNotes: this.recentNotes.map((n) => ({ ...n })),
      notesTotal: this.notesTotal,
      linkedTickets: [...this.linkedTickets],
      review: this.review,
      reviewDueAt: this.reviewDueAt,
      reviewReminders: this.reviewReminders.map((r) => ({ ...r })),
      reviewOverdueSent: this.reviewOverdueSent,
      breachEscalated: [...this.breachEscalated],
      pendingAutoResolve: this.pendingAutoResolve,
      attention: this.attention.state,
      seq: this.seq,
      unrecorded: [...this.unrecorded],
      run: this.runNumber + 1,
      handedOverUpdates: this.updatesToCarry(),
    };
  }

  private get calendar(): BusinessCalendar {
    return this.input.policy.priorities[this.priority].calendar;
  }

  private startClock(metric: IncidentMetric, now: number): void {
    const target = this.input.policy.priorities[this.priority].targets[metric];
    if (target !== undefined) this.clocks[metric] = startSlaClock(metric, target, this.calendar, now, { atRiskRatio: this.input.policy.atRiskRatio });
  }

  private liveClocks(): SlaClock[] {
    return Object.values(this.clocks).filter((c): c is SlaClock => c !== undefined);
  }

  view(): IncidentView {
    const now = Date.now();
    const sla: IncidentView['sla'] = {};
    for (const c of this.liveClocks()) sla[c.metric as IncidentMetric] = slaClockView(c, this.calendar, now);
    const deadlines = this.liveClocks().flatMap((c) => (c.state === 'running' && c.deadlineAt !== null ? [c.deadlineAt] : []));
    return {
      id: this.input.incidentId,
      brand: this.input.brand,
      priority: this.priority,
      status: this.status,
      title: this.input.title,
      impact: this.input.impact,
      services: this.input.services,
      source: this.input.source,
      fingerprint: this.input.fingerprint,
      alertCount: this.alertCount,
      lastAlertAt: iso(this.lastAlertAt),
      policyVersion: this.input.policy.version,
      openedAt: new Date(this.openedAt).toISOString(),
      acknowledgedBy: this.acknowledgedBy,
      acknowledgedAt: iso(this.acknowledgedAt),
      mitigatedAt: iso(this.mitigatedAt),
      resolvedAt: iso(this.resolvedAt),
      resolvedBy: this.resolvedBy,
      closedAt: iso(this.closedAt),
      slaBreached: this.liveClocks().some((c) => c.state === 'breached'),
      nextDeadlineAt: iso(deadlines.length ? Math.min(...deadlines) : null),
      sla,
      pages: this.pages.map((p) => ({ ...p, dueAt: new Date(p.dueAt).toISOString(), sentAt: iso(p.sentAt) })),
      notes: this.recentNotes.map((n) => ({ ...n, at: new Date(n.at).toISOString() })),
      notesTotal: this.notesTotal,
      linkedTickets: [...this.linkedTickets],
      review: this.review && { ...this.review, at: new Date(this.review.at).toISOString() },
      reviewDueAt: iso(this.reviewDueAt),
      ...this.attention.viewField,
    };
  }

  // ---- responders' actions ----------------------------------------------------------------

  registerHandlers(): void {
    setHandler(incidentStatusQuery, () => this.view());

    setHandler(moreAlertsSignal, ({ count, lastAt }) => {
      this.alertCount += count;
      this.lastAlertAt = Math.max(this.lastAlertAt ?? 0, lastAt);
      this.changed = true;
    });

    setHandler(alertsClearedSignal, ({ reason }) => {
      // Only an incident nobody has resolved yet resolves itself; a person's resolve stands.
      if (this.status === 'triggered' || this.status === 'acknowledged' || this.status === 'mitigated') {
        this.pendingAutoResolve = reason;
        this.changed = true;
      }
    });

    setHandler(
      acknowledgeIncidentUpdate,
      this.updateHandler(async ({ actor }: AcknowledgeRequest) => {
        const now = Date.now();
        this.status = applyIncidentAction(this.status, 'acknowledge', this.priority);
        this.acknowledgedBy = actor;
        this.acknowledgedAt = now;
        this.fulfil('firstResponse', now);
        await this.stopPaging('acknowledge');
        return this.commit('acknowledged', actor, {});
      }),
      { validator: this.validator('acknowledge') },
    );

    setHandler(
      noteIncidentUpdate,
      this.updateHandler(async ({ actor, text }: NoteRequest) => {
        this.addNote(actor, text, Date.now());
        // The full text goes to the read model with the event; the workflow keeps a preview.
        return this.commit('note', actor, { text });
      }),
      { validator: this.validator('note') },
    );

    setHandler(
      mitigateIncidentUpdate,
      this.updateHandler(async ({ actor, summary }: MitigateRequest) => {
        const now = Date.now();
        this.status = applyIncidentAction(this.status, 'mitigate', this.priority);
        this.mitigatedAt = now;
        this.fulfil('mitigation', now);
        return this.commit('mitigated', actor, { summary });
      }),
      { validator: this.validator('mitigate') },
    );

    setHandler(
      resolveIncidentUpdate,
      this.updateHandler(async ({ actor, summary }: ResolveIncidentRequest) => {
        await this.resolve(actor, summary);
        return this.view();
      }),
      { validator: this.validator('resolve') },
    );

    setHandler(
      incidentPriorityUpdate,
      this.updateHandler(async ({ actor, priority, reason }: IncidentPriorityRequest) => {
        const now = Date.now();
        const from = this.priority;
        const oldCalendar = this.calendar;
        this.priority = priority;
        for (const metric of INCIDENT_METRICS) {
          const c = this.clocks[metric];
          const target = this.input.policy.priorities[priority].targets[metric];
          if (c && target !== undefined) this.clocks[metric] = retargetSlaClock(c, oldCalendar, now, target, this.calendar);
          if (!c && target !== undefined) this.startClock(metric, now);
        }
        // Raised to a paging priority before anyone acknowledged: page now.
        if (!this.pagingPlanned && this.status === 'triggered' && this.input.policy.pagePriorities.includes(priority)) await this.planPages(now);
        return this.commit('priority_changed', actor, { from, to: priority, reason });
      }),
      {
        validator: ({ priority }) => {
          if (this.isRedelivered()) return;
          this.check('priority');
          if (!Object.hasOwn(this.input.policy.priorities, priority)) {
            throw ApplicationFailure.nonRetryable(`unknown priority ${priority}; known: ${Object.keys(this.input.policy.priorities).join(', ')}`, IncidentFailure.InvalidValue, { field: 'priority' });
          }
          if (priority === this.priority) throw ApplicationFailure.nonRetryable(`the incident is already ${priority}`, IncidentFailure.InvalidValue, { field: 'priority' });
        },
      },
    );

    setHandler(
      linkTicketUpdate,
      this.updateHandler(async ({ actor, ticketId }: LinkTicketRequest) => {
        if (!this.linkedTickets.includes(ticketId)) this.linkedTickets.push(ticketId);
        return this.commit('ticket_linked', actor, { ticketId });
      }),
      { validator: this.validator('link_ticket') },
    );

    setHandler(
      reviewIncidentUpdate,
      this.updateHandler(async ({ actor, review }: ReviewRequest) => {
        const now = Date.now();
        this.status = applyIncidentAction(this.status, 'review', this.priority);
        this.review = { ...review, by: actor, at: now };
        const view = await this.commit('reviewed', actor, {
          rootCauseCategory: review.rootCauseCategory,
          impact: review.impact,
          correctiveActions: review.correctiveActions.length,
          costImpact: review.costImpact,
          onTime: this.reviewDueAt === null || now <= this.reviewDueAt,
        });
        // 001_…txt: "every product-related RCA should convert into a product backlog item within 14 days with a triage owner".
        const { triageOwner, backlogWithinMs } = this.input.policy.review;
        await fileBacklogItems({
          incidentId: this.input.incidentId,
          items: review.correctiveActions.map((a, i) => ({
            key: `${this.input.incidentId}:action:${i}`,
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
          if (this.isRedelivered()) return;
          this.check('review');
          const problem = reviewProblem(review);
          if (problem) throw ApplicationFailure.nonRetryable(problem.message, IncidentFailure.InvalidValue, { field: `review.${problem.field}` });
        },
      },
    );

    setHandler(
      closeIncidentUpdate,
      this.updateHandler(async ({ actor }: CloseIncidentRequest) => {
        const reviewAccepted = this.status === 'review_pending';
        this.status = applyIncidentAction(this.status, 'close', this.priority);
        this.closedAt = Date.now();
        return this.commit('closed', actor, { reviewAccepted });
      }),
      { validator: this.validator('close') },
    );
  }

  private addNote(actor: string, text: string, at: number): void {
    this.notesTotal++;
    const truncated = text.length > NOTE_PREVIEW_CHARS;
    this.recentNotes.push({ actor, text: truncated ? text.slice(0, NOTE_PREVIEW_CHARS) : text, at, ...(truncated ? { truncated } : {}) });
    if (this.recentNotes.length > NOTES_IN_VIEW) this.recentNotes.splice(0, this.recentNotes.length - NOTES_IN_VIEW);
  }

  private check(action: IncidentAction): void {
    try {
      checkIncidentAction(this.status, action, this.priority);
    } catch (err) {
      if (err instanceof InvalidIncidentTransitionError) {
        throw ApplicationFailure.nonRetryable(err.message, IncidentFailure.InvalidTransition, { status: this.status, action });
      }
      throw err;
    }
  }

  private validator(action: IncidentAction) {
    return (_request: unknown): void => {
      if (!this.isRedelivered()) this.check(action);
    };
  }

  /**
   * Every update handler: counted against the run's budget, and applied once across runs. The
   * server may lose the answer to an update completed shortly before the continue-as-new (seen
   * for ones completed in the same workflow task, temporalio/temporal#6375) and the client then
   * sends it again, same ID, to the next run: that run answers it with its view instead of
   * applying it a second time (update IDs are only unique within a run).
   */
  private updateHandler<A extends unknown[]>(apply: (...args: A) => Promise<IncidentView>): (...args: A) => Promise<IncidentView> {
    // Histories from before ran the handlers bare (and never continue as new): they replay that way.
    if (!this.leanRecords) return apply;
    return async (...args: A): Promise<IncidentView> => {
      this.budget.countUpdate();
      const id = currentUpdateInfo()?.id;
      // Kept, not deleted, once seen: under load the same update reaches a third run too
      // (measured: accepted in three runs), and each must answer without applying it.
      if (id !== undefined && this.redelivered.has(id)) return this.view();
      try {
        return await apply(...args);
      } finally {
        if (id !== undefined) this.completedUpdates.push({ id, at: Date.now() });
      }
    };
  }

  /** An update the previous run completed in its last workflow task, sent again. */
  private isRedelivered(): boolean {
    const id = currentUpdateInfo()?.id;
    return id !== undefined && this.redelivered.has(id);
  }

  /**
   * What the next run must not apply again: the updates this run completed (newest first), and
   * those of earlier runs (sent again or not: a third run may get one too). A client resends within minutes (its retries back
   * off, so a burst of short runs may pass first); after an hour an ID is dropped.
   */
  private updatesToCarry(): { id: string; at: number }[] {
    const now = Date.now();
    const earlier = [...this.redelivered].filter(([, at]) => now - at < REDELIVERY_WINDOW_MS).map(([id, at]) => ({ id, at }));
    return [...[...this.completedUpdates].reverse(), ...earlier].slice(0, MAX_CARRIED_UPDATE_IDS);
  }

  private fulfil(metric: IncidentMetric, now: number): void {
    const c = this.clocks[metric];
    if (c && !isSettled(c)) this.clocks[metric] = fulfilSlaClock(c, this.calendar, now);
  }

  private async resolve(actor: string, summary: string): Promise<void> {
    const now = Date.now();
    this.status = applyIncidentAction(this.status, 'resolve', this.priority);
    this.resolvedAt = now;
    this.resolvedBy = actor;
    for (const metric of INCIDENT_METRICS) this.fulfil(metric, now);
    // Before the pager call: a record another action makes meanwhile shows the review's due date.
    if (requiresPostIncidentReview(this.priority)) this.scheduleReview(now);
    await this.stopPaging('resolve');
    await this.commit('resolved', actor, { summary, reviewDueAt: iso(this.reviewDueAt) });
    // Linked customer tickets get the update and resolve through their own workflows.
    for (const ticketId of this.linkedTickets) {
      await getExternalWorkflowHandle(ticketId)
        .signal(incidentResolvedSignal, { incidentId: this.input.incidentId, summary })
        .catch(() => undefined); // a ticket already closed has nothing left to resolve
    }
    // The alert group may now open a new incident for the same fingerprint. It may have ended
    // already (it ends after auto-resolving), which is fine.
    if (this.input.alertGroupId) {
      await getExternalWorkflowHandle(this.input.alertGroupId)
        .signal(incidentEndedSignal, { incidentId: this.input.incidentId })
        .catch(() => undefined);
    }
  }

  /** Review due in business time on the review calendar; reminders before it. */
  private scheduleReview(resolvedAt: number): void {
    const { calendar, dueAfterMs, remindBeforeMs } = this.input.policy.review;
    this.reviewDueAt = addBusinessTime(calendar, resolvedAt, dueAfterMs);
    this.reviewReminders = remindBeforeMs.filter((b) => b < dueAfterMs).map((b) => ({ at: addBusinessTime(calendar, resolvedAt, dueAfterMs - b), sent: false }));
  }

  private reviewOutstanding(): boolean {
    return this.status === 'resolved' && this.reviewDueAt !== null;
  }

  /** Scheduled pages are cancelled; pages already sent are acknowledged / resolved at the pager. */
  private async stopPaging(action: 'acknowledge' | 'resolve'): Promise<void> {
    for (const p of this.pages) if (p.state === 'scheduled') p.state = 'cancelled';
    const sent = this.pages.filter((p) => p.state === 'sent').map((p) => p.dedupKey);
    if (sent.length) await updatePages({ incidentId: this.input.incidentId, action, dedupKeys: sent });
  }

  /**
   * Records one change: its event (numbered `seq`, keyed by the update's ID or the timer's step)
   * and the bounded snapshot as of that number, one activity. While the run drains, the record is
   * queued for the next run instead, so draining ends under a steady stream of updates.
   */
  private async commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string): Promise<IncidentView> {
    const now = Date.now();
    this.changed = true;
    // Histories from before always yielded here: they replay that way (command order).
    if (!this.openedRecorded || !this.leanRecords) await condition(() => this.openedRecorded);
    // Numbered, published and snapshotted in one synchronous step: the snapshot of version n
    // shows every change numbered up to n.
    const seq = ++this.seq;
    this.publish();
    const view = this.view();
    const event: IncidentEventRecord = {
      eventKey: eventKey ?? `${this.input.incidentId}:${type}:${currentUpdateInfo()?.id ?? `seq-${seq}`}`,
      seq,
      type,
      actor,
      occurredAt: new Date(now).toISOString(),
      data,
    };
    if (this.budget.isDraining) {
      this.unrecorded.push(event);
      return view;
    }
    const recorded = await this.attention.record(type, () => recordIncident(view, event, seq));
    return recorded ? view : this.view();
  }

  private publish(): void {
    const deadlines = this.liveClocks().flatMap((c) => (c.state === 'running' && c.deadlineAt !== null ? [c.deadlineAt] : []));
    const attributes = [
      { key: CaseStatus, value: this.status },
      { key: Priority, value: this.priority },
      { key: SlaBreached, value: this.liveClocks().some((c) => c.state === 'breached') },
      { key: SlaNextDeadline, value: deadlines.length ? new Date(Math.min(...deadlines)) : null },
      { key: Assignee, value: this.acknowledgedBy },
    ] as const;
    const published = JSON.stringify(attributes.map((a) => a.value));
    // A note changes none of them: no upsert, one event less per action (histories from before
    // this upserted every time, and replay that way).
    if (!this.leanRecords || published !== this.published) upsertSearchAttributes([...attributes]);
    this.published = published;
    const clockRows = this.liveClocks().map((c) => `| ${c.metric === 'firstResponse' ? 'response (ack)' : c.metric} | ${c.deadlineAt === null ? '—' : new Date(c.deadlineAt).toISOString()} | ${c.state} |`);
    const pageRows = this.pages.map((p) => `| ${p.step + 1} | ${p.targets.join(', ')} | ${new Date(p.dueAt).toISOString()} | ${p.state}${p.response ? ` (${p.response.pager}: ${p.response.status})` : ''} |`);
    setCurrentDetails(
      [
        `**${this.status}** · ${this.priority} · ${this.alertCount} alert(s) · triggered ${new Date(this.openedAt).toISOString()} · acknowledged by ${this.acknowledgedBy ?? 'nobody yet'}`,
        ...(this.pages.some((p) => p.state === 'scheduled')
          ? [`next escalation: level ${this.pages.find((p) => p.state === 'scheduled')!.level + 1} at ${new Date(this.pages.find((p) => p.state === 'scheduled')!.dueAt).toISOString()}`]
          : []),
        '',
        '| SLA | deadline (UTC) | state |',
        '|---|---|---|',
        ...clockRows,
        ...(pageRows.length ? ['', '| page | to | at (UTC) | state |', '|---|---|---|---|', ...pageRows] : []),
      ].join('\n'),
    );
  }

  // ---- timers ---------------------------------------------------------------------------------

  async run(): Promise<IncidentView> {
    upsertSearchAttributes([
      { key: CaseKind, value: 'incident' },
      { key: Brand, value: this.input.brand },
      { key: Service, value: this.input.services },
    ]);
    this.publish();
    if (this.input.carried) {
      // A later run: nothing of intake again (no 'triggered', no second paging plan); the
      // previous run's queued records first, in order, before any new one.
      await this.writeUnrecorded();
    } else {
      const seq = ++this.seq;
      const triggered = this.view();
      await this.attention.record('triggered', () =>
        recordIncident(
          triggered,
          {
            eventKey: `${this.input.incidentId}:triggered`,
            seq,
            type: 'triggered',
            actor: this.input.openedBy,
            occurredAt: new Date(this.openedAt).toISOString(),
            data: { source: this.input.source, priority: this.priority, fingerprint: this.input.fingerprint, alertCount: this.alertCount },
          },
          seq,
        ),
      );
      this.openedRecorded = true;
      if (this.input.policy.pagePriorities.includes(this.priority)) await this.planPages(this.openedAt);
    }

    while (this.status !== 'closed') {
      if (this.pendingAutoResolve !== null) {
        const reason = this.pendingAutoResolve;
        this.pendingAutoResolve = null;
        if (this.status === 'triggered' || this.status === 'acknowledged' || this.status === 'mitigated') await this.resolve('system', reason);
      }
      // Timers due and handled, nothing in flight of the loop's own: hand over before any limit.
      if (this.budget.spent()) {
        await this.budget.drain();
        return continueAsNew<typeof incidentWorkflow>({ ...this.input, carried: this.carry() });
      }
      const wake = this.nextWakeAt();
      this.changed = false;
      if (wake === null) await condition(() => this.changed);
      else if (wake > Date.now()) await condition(() => this.changed, wake - Date.now(), { summary: this.timerSummary(wake) });
      await this.fireDue(Date.now());
    }
    await condition(allHandlersFinished);
    return this.view();
  }

  /** The previous run's queued events and the snapshot as of its last change, in one record. */
  private async writeUnrecorded(): Promise<void> {
    const events = this.unrecorded;
    if (events.length > 0) {
      const snapshot = this.view();
      await this.attention.record(events[0].type, () => recordIncident(snapshot, events, this.seq));
    }
    this.unrecorded = [];
    this.openedRecorded = true;
  }

  /** The ladder: from the brand's stored escalation policy, else the pack's; each step's time in the priority's coverage. */
  private async planPages(from: number): Promise<void> {
    this.pagingPlanned = true;
    const policy = await resolveEscalation({ brand: this.input.brand, priority: this.priority, fallback: this.input.policy.escalation });
    for (const s of escalationSteps(policy)) {
      this.pages.push({
        step: s.step,
        level: s.level,
        loop: s.loop,
        targets: s.targets,
        dueAt: addBusinessTime(this.calendar, from, s.pageAtOffsetMs),
        state: 'scheduled',
        dedupKey: `${this.input.incidentId}:page:${s.step}`,
        response: null,
        sentAt: null,
      });
    }
    this.changed = true;
  }

  /** Names the timer in the Temporal UI's event history: which page, which SLA, which review step. */
  private timerSummary(wake: number): string {
    const page = this.pages.find((p) => p.state === 'scheduled' && p.dueAt === wake);
    if (page) return `page level ${page.level + 1}${page.loop > 0 ? ` (loop ${page.loop + 1})` : ''}: ${page.targets.join(', ')}`;
    for (const c of this.liveClocks()) {
      const name = c.metric === 'firstResponse' ? 'acknowledgement' : c.metric;
      if (c.deadlineAt === wake) return `${name} SLA deadline`;
      if (c.atRiskAt === wake) return `${name} SLA at-risk point`;
    }
    if (wake === this.reviewDueAt) return 'post-incident review due';
    return 'post-incident review reminder';
  }

  private nextWakeAt(): number | null {
    const times: number[] = [];
    for (const c of this.liveClocks()) {
      if (c.state !== 'running') continue;
      if (c.atRiskAt !== null) times.push(c.atRiskAt);
      if (c.deadlineAt !== null) times.push(c.deadlineAt);
    }
    for (const p of this.pages) if (p.state === 'scheduled') times.push(p.dueAt);
    if (this.reviewOutstanding()) {
      for (const r of this.reviewReminders) if (!r.sent) times.push(r.at);
      if (!this.reviewOverdueSent) times.push(this.reviewDueAt!);
    }
    return times.length ? Math.min(...times) : null;
  }

  private async fireReviewTimers(now: number): Promise<void> {
    const base = { brand: this.input.brand, priority: this.priority, metric: null, ticketId: this.input.incidentId };
    for (const [i, r] of this.reviewReminders.entries()) {
      if (r.sent || r.at > now) continue;
      r.sent = true;
      const key = `${this.input.incidentId}:review:reminder:${i}`;
      await Promise.all([
        sendNotification({ ...base, key, kind: 'review_reminder', level: 'owner', recipient: this.acknowledgedBy ?? this.resolvedBy, summary: `post-incident review of ${this.priority} "${this.input.title}" due ${iso(this.reviewDueAt)}` }),
        this.commit('review_reminder', 'system', { dueAt: iso(this.reviewDueAt) }, key),
      ]);
    }
    if (!this.reviewOverdueSent && this.reviewDueAt! <= now) {
      this.reviewOverdueSent = true;
      const key = `${this.input.incidentId}:review:overdue`;
      await Promise.all([
        sendNotification({ ...base, key, kind: 'review_overdue', level: 'manager', recipient: this.input.policy.review.escalateTo, summary: `post-incident review of ${this.priority} "${this.input.title}" is overdue (due ${iso(this.reviewDueAt)})` }),
        this.commit('review_overdue', 'system', { dueAt: iso(this.reviewDueAt), escalatedTo: this.input.policy.review.escalateTo }, key),
      ]);
    }
  }

  private async fireDue(now: number): Promise<void> {
    if (this.reviewOutstanding()) await this.fireReviewTimers(now);
    for (const p of this.pages) {
      if (p.state !== 'scheduled' || p.dueAt > now) continue;
      p.state = 'sent';
      let result: PageView['response'];
      try {
        result = await sendPage({
          incidentId: this.input.incidentId,
          dedupKey: p.dedupKey,
          step: p.step,
          targets: p.targets,
          brand: this.input.brand,
          priority: this.priority,
          summary: `[${this.priority}] ${this.input.title}`,
          source: this.input.services[0] ?? this.input.brand,
          alertCount: this.alertCount,
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
      if (this.status !== 'triggered') {
        await updatePages({ incidentId: this.input.incidentId, action: this.status === 'acknowledged' || this.status === 'mitigated' ? 'acknowledge' : 'resolve', dedupKeys: [p.dedupKey] });
      }
      await this.commit('paged', 'system', { step: p.step, targets: p.targets, dedupKey: p.dedupKey, response: result }, p.dedupKey);
    }
    for (const c of this.liveClocks()) {
      if (c.state === 'running' && c.atRiskAt !== null && c.atRiskAt <= now && (c.deadlineAt === null || c.deadlineAt > now)) {
        this.clocks[c.metric as IncidentMetric] = markSlaClockAtRisk(c, now);
        await this.commit('sla_at_risk', 'system', { metric: c.metric, deadlineAt: iso(c.deadlineAt) }, `${this.input.incidentId}:${c.metric}:at-risk`);
      }
    }
    for (const c of this.liveClocks()) {
      if (c.state === 'running' && c.deadlineAt !== null && c.deadlineAt <= now) {
        this.clocks[c.metric as IncidentMetric] = breachSlaClock(c, now);
        await this.commit('sla_breached', 'system', { metric: c.metric, deadlineAt: iso(c.deadlineAt), targetSeconds: c.targetMs / 1000 }, `${this.input.incidentId}:${c.metric}:breached`);
        await this.escalateBreach(c);
      }
    }
  }

  /**
   * Issue 4 item 6: a missed acknowledgement or mitigation is escalated, not only recorded. Once
   * per incident and metric, keyed so a retried activity never notifies twice. Patched: incidents
   * opened before this existed replay their histories without the notification.
   */
  private async escalateBreach(c: SlaClock): Promise<void> {
    const metric = c.metric as IncidentMetric;
    if (!ESCALATED_BREACH_METRICS.includes(metric) || this.breachEscalated.includes(metric)) return;
    if (!patched('incident-breach-escalation')) return;
    this.breachEscalated.push(metric);
    const escalateTo = breachEscalationTarget(this.input.policy);
    const key = `${this.input.incidentId}:${metric}:breach-escalation`;
    const name = metric === 'firstResponse' ? 'acknowledgement' : metric;
    const who = this.acknowledgedBy === null ? 'nobody has acknowledged' : `acknowledged by ${this.acknowledgedBy}, not mitigated`;
    await Promise.all([
      sendNotification({
        key,
        kind: 'sla_escalation',
        level: 'manager',
        recipient: escalateTo,
        brand: this.input.brand,
        priority: this.priority,
        metric,
        ticketId: this.input.incidentId,
        summary: `${this.priority} "${this.input.title}": ${name} SLA breached (deadline ${iso(c.deadlineAt)}, target ${c.targetMs / 1000}s); ${who}`,
      }),
      this.commit('sla_breach_escalated', 'system', { metric, deadlineAt: iso(c.deadlineAt), escalatedTo: escalateTo }, key),
    ]);
  }
}
