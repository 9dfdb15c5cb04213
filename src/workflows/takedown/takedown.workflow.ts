import { allHandlersFinished, condition, continueAsNew, deprecatePatch, proxyActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { applyTakedownAction, checkTakedownCommand, openTakedownCase, TakedownActor, TakedownCommand, TakedownHistoryEntry } from '../../domain/takedown/case';
import { takedownTier } from '../../domain/takedown/deadlines';
import { nextTakedownDeadline, nextTakedownDue, TakedownClocks, takedownFinished } from '../../domain/takedown/schedule';
import { Assignee, CaseStatus, Priority, Regime, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { runAgenda, Wakeup } from '../common/agenda';
import { CaseEvent, CaseRecorder, OPENING_SEQ, publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { RetriedUpdates } from '../common/retried-updates';
import { READ_MODEL_WRITE } from '../common/retry-policies';
import { NOTES_IN_VIEW, TakedownCarried, TakedownInput, TakedownRunState, TakedownView } from './messages';
import { registerTakedownHandlers } from './handlers';
import type { Proceeding } from './proceeding';
import { asTakedownRefusal } from './refusals';
import { fireDue, plannedRestrictionEnd, restrictionEndAt, routeAtIntake } from './system-actions';
import { lastOf, notePreview, takedownDetails, takedownView } from './view';

const { recordTakedown } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);

/**
 * One takedown notice, from intake to its last statutory clock: completeness routing, the
 * decision deadline with at-risk and breach escalation to the legal lead, legal staff's actions as
 * updates (only valid transitions, only the legal role), the content platform's actions, the
 * statement of reasons before any restriction, the §512(g) restore window and the DSA Art. 20
 * complaint path. Legal staff find it in the Temporal UI by CaseKind=takedown and CaseStatus.
 */
export async function takedownWorkflow(input: TakedownInput): Promise<TakedownView> {
  const proceeding = new TakedownProceeding(input);
  registerTakedownHandlers(proceeding);
  return proceeding.run();
}

/** The state of a new case, before intake. */
function openRunState(input: TakedownInput): TakedownRunState {
  const { notice } = input;
  return {
    c: openTakedownCase({
      regimes: input.regimes,
      legalBasis: notice.legalBasis,
      tier: takedownTier({ legalBasis: notice.legalBasis, notifierRole: notice.notifier.role, roleVerified: input.roleVerified }),
      receivedAt: input.receivedAt,
    }),
    slaBreached: false,
    atRiskSentFor: null,
    breachSentFor: null,
    informationRequested: null,
    decidedBy: null,
    contentActions: [],
    communications: [],
    communicationsTotal: 0,
    safetyPage: null,
    safetyEscalation: null,
    restrictionLiftedAt: null,
    lastActionAt: input.receivedAt,
    notes: [],
    notesTotal: 0,
    infoRequestRounds: 0,
    lastComplaintBy: null,
  };
}

/** The run state out of what a previous run carried (the carried record adds the recorder's and the retries' parts). */
function runStateOf(k: TakedownCarried): TakedownRunState {
  const { seq: _seq, unrecorded: _unrecorded, attention: _attention, updates: _updates, ...s } = k;
  return { ...s, c: { ...k.c, history: [] } };
}

/** Epoch-millisecond fields named …At / …Until become ISO strings in the history. */
function withIsoTimes(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' && /(At|Until|NotBefore|NotAfter)$/.test(k) ? new Date(v).toISOString() : v]));
}

class TakedownProceeding implements Proceeding {
  readonly s: TakedownRunState;
  /** Constructed first (before any await): its deprecatePatch() stays where the run's first marker was. */
  readonly budget: RunBudget;
  readonly retries: RetriedUpdates;
  private readonly wakeup = new Wakeup();
  /** A record the read model refused for good flags the case; it goes on answering. */
  private readonly attention: CaseAttention;
  private readonly recorder: CaseRecorder<TakedownView>;
  /** The search attribute values last upserted (publish()); null: none yet in this run. */
  private lastPublished: string | null = null;

  constructor(readonly input: TakedownInput) {
    this.budget = new RunBudget(input.runLimits);
    this.retries = new RetriedUpdates(input.carried?.updates);
    this.attention = new CaseAttention(
      () => ({ caseId: this.input.caseId, kind: 'takedown', brand: this.input.policy.brand, priority: this.s.c.tier }),
      input.carried?.attention ?? null,
    );
    this.s = input.carried ? runStateOf(input.carried) : openRunState(input);
    this.recorder = new CaseRecorder<TakedownView>({
      caseId: input.caseId,
      attention: this.attention,
      budget: this.budget,
      wakeup: this.wakeup,
      view: () => this.view(),
      publish: () => this.publish(),
      write: (view, events) => this.write(view, events),
      carried: input.carried ?? null,
    });
  }

  /** Everything the next run needs that its input does not hold; bounded (no history, the latest notes only). */
  private carry(): TakedownCarried {
    return { ...this.s, c: { ...this.s.c, history: [] }, ...this.recorder.carry(), attention: this.attention.state, updates: this.retries.carry() };
  }

  get id(): string {
    return this.input.caseId;
  }

  view(now = Date.now()): TakedownView {
    return takedownView(this.input, this.s, this.attention.viewField, now);
  }

  check(command: TakedownCommand, actor: TakedownActor): void {
    // Applied by an earlier run and sent again after continue-as-new: answered, not applied again.
    if (this.retries.isRetry()) return;
    asTakedownRefusal(() => checkTakedownCommand(this.s.c, command, actor, Date.now()));
  }

  act(command: TakedownCommand, actor: TakedownActor): TakedownHistoryEntry {
    // Retired patches (issue 13): the rules they guarded always apply; each call stays where
    // patched() was asked, so histories with their markers replay.
    if (command.action === 'apply' && this.s.c.regimes.includes('dsa')) deprecatePatch('takedown-complaint-window-at-statement');
    if (command.action === 'uphold' || command.action === 'reverse') deprecatePatch('takedown-complaint-reviewer');
    const s = this.s;
    s.c = asTakedownRefusal(() => applyTakedownAction(s.c, command, { id: actor.id, role: actor.role }, Date.now(), this.input.policy.clocks));
    this.wakeup.poke();
    this.retries.applied();
    const entry = s.c.history[s.c.history.length - 1];
    // The domain appends every entry (notes' text included); the workflow keeps only the latest,
    // and what it needs of the rest as counters, so its state does not grow with the case.
    s.c = { ...s.c, history: [entry] };
    if (entry.action === 'request_info') s.infoRequestRounds++;
    if (entry.action === 'complaint') s.lastComplaintBy = entry.data.by === 'notifier' ? 'notifier' : 'uploader';
    if (entry.action === 'note') {
      s.notesTotal++;
      s.notes = lastOf([...s.notes, notePreview(entry.actor, entry.at, String(entry.data.text))], NOTES_IN_VIEW);
    }
    return entry;
  }

  commitEntry(entry: TakedownHistoryEntry, extra: Record<string, unknown> = {}, eventKey?: string): Promise<TakedownView> {
    return this.commit(entry.action, entry.actor, { ...entry.data, ...extra }, eventKey, entry.at);
  }

  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, at = Date.now()): Promise<TakedownView> {
    this.s.lastActionAt = at;
    return this.recorder.record(type, actor, withIsoTimes(data), eventKey);
  }

  /**
   * The recorder's write through recordTakedown (its arguments unchanged): one call per event,
   * each numbered (the event's `seq` is the snapshot's version); the opening carries the notice.
   */
  private async write(view: TakedownView, events: CaseEvent[]): Promise<void> {
    for (const event of events) {
      const opening = event.seq === OPENING_SEQ && event.eventKey === `${this.id}:received`;
      await recordTakedown({ view, event, ...(opening ? { notice: this.input.notice } : {}) });
    }
  }

  private publish(): void {
    const next = nextTakedownDeadline(this.s.c);
    // Each upsert is a history event: only a change is upserted (a note changes none of these).
    const published = JSON.stringify([this.s.c.state, this.s.slaBreached, next, this.s.c.reviewer]);
    const changed = published !== this.lastPublished;
    // Retired patch (issue 13): asked where patched() was (an unchanged publish), so histories with its marker replay.
    if (!changed) deprecatePatch('takedown-publish-on-change');
    if (changed) {
      upsertSearchAttributes([
        { key: CaseStatus, value: this.s.c.state },
        { key: SlaBreached, value: this.s.slaBreached },
        { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
        { key: Assignee, value: this.s.c.reviewer },
      ]);
      this.lastPublished = published;
    }
    // The restriction's end without asking its retired patch: the marker's place in saved histories is the loop's.
    setCurrentDetails(takedownDetails(this.input, this.s, this.clocks(plannedRestrictionEnd), this.recorder.recent, Date.now()));
  }

  private clocks(restrictionEnd: (p: Proceeding) => number | null = restrictionEndAt): TakedownClocks {
    const { c, atRiskSentFor, breachSentFor } = this.s;
    return { c, clocks: this.input.policy.clocks, atRiskSentFor, breachSentFor, restrictionEndsAt: restrictionEnd(this) };
  }

  async run(): Promise<TakedownView> {
    const { notice } = this.input;
    publishCaseKind('takedown', this.input.policy.brand, [
      { key: Priority, value: this.s.c.tier },
      { key: Regime, value: [...this.s.c.regimes] },
    ]);
    this.publish();
    if (this.input.carried) {
      // Continued: intake (receipt, pages, routing) happened in the first run.
      await this.recorder.start(null);
    } else {
      // The notice is recorded (with the notifier's contact, encrypted) before anything else.
      await this.recorder.start({
        type: 'received',
        actor: this.input.submittedBy ?? 'public',
        occurredAt: this.input.receivedAt,
        data: {
          channel: this.input.channel,
          regimes: this.s.c.regimes,
          legalBasis: notice.legalBasis,
          notifierRole: notice.notifier.role,
          roleVerified: this.input.roleVerified,
          items: notice.items.length,
          claimedJurisdictions: notice.claimedJurisdictions,
          route: this.input.route,
          assessments: this.input.assessments,
        },
      });
      await routeAtIntake(this);
    }
    await runAgenda(
      this.id,
      {
        finished: (now) => takedownFinished(this.clocks(), now),
        nextDue: () => nextTakedownDue(this.clocks()),
        fireDue: (now) => fireDue(this, now),
      },
      this.wakeup,
      this.budget,
      () => continueAsNew<typeof takedownWorkflow>({ ...this.input, carried: this.carry() }),
      // After acting, even on the turn that finished the case: how takedown runs always handed over.
      { at: 'turn-end' },
    );
    await condition(allHandlersFinished);
    return this.view();
  }
}
