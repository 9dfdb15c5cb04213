import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  applyTakedownAction,
  checkTakedownCommand,
  InvalidTakedownTransitionError,
  openTakedownCase,
  TAKEDOWN_SYSTEM_ROLE,
  TakedownActor,
  TakedownCase,
  TakedownCommand,
  TakedownForbiddenError,
  TakedownHistoryEntry,
  TakedownRules,
  TakedownState,
} from '../../domain/takedown/case';
import {
  complaintDecisionMessage,
  counterNoticeForwardMessage,
  decisionNoticeMessage,
  informationRequestMessage,
  lapsedMessage,
  receiptMessage,
  rejectionMessage,
  restoredMessage,
  restrictionNoticeMessage,
  CaseMessage,
} from '../../domain/takedown/case-messages';
import { complaintDeadline, deadlineStatus, takedownTier } from '../../domain/takedown/deadlines';
import { Measure, possibleMeasures } from '../../domain/takedown/regime';
import { buildDmcaUploaderNotification, buildStatementOfReasons } from '../../domain/takedown/statement-of-reasons';
import type { ContentAction } from '../../integrations/content/content-platform';
import { Assignee, Brand, CaseKind, CaseStatus, Priority, Regime, SlaBreached, SlaNextDeadline } from '../search-attributes';
import {
  applyDecisionUpdate,
  assignReviewerUpdate,
  closeTakedownUpdate,
  COMMUNICATIONS_IN_VIEW,
  complaintUpdate,
  counterNoticeUpdate,
  decideTakedownUpdate,
  DecisionClockStatus,
  informationReceivedUpdate,
  NOTE_PREVIEW_CHARS,
  noteTakedownUpdate,
  NOTES_IN_VIEW,
  requestInformationUpdate,
  reverseDecisionUpdate,
  suitFiledUpdate,
  TakedownCarried,
  TakedownFailure,
  TakedownInput,
  TakedownNoteView,
  takedownStatusQuery,
  TakedownView,
  UnrecordedTakedownRecord,
  upholdDecisionUpdate,
} from './messages';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { RetriedUpdates } from '../common/retried-updates';
import { OUTSIDE_SERVICE, PAGE, READ_MODEL_WRITE } from '../common/retry-policies';

const { recordTakedown } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendTakedownCommunication, sendNotification, applyContentAction } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

// The page goes out at once, so retries are quick; the dedup key makes a retry harmless. A
// malformed event (PagingRejectedError) is not retried: recorded, and the legal lead still hears.
const { pageLegalOnCall } = proxyActivities<ReturnType<typeof createActivities>>(PAGE);

/** Who is paged when a pack names no one. */
const DEFAULT_LEGAL_ON_CALL = 'rotation:legal-oncall';
const DEFAULT_SAFETY_TEAM = 'rotation:safety-oncall';

const SYSTEM: TakedownActor = { id: 'system', role: TAKEDOWN_SYSTEM_ROLE };
/** Nothing more can happen to the case: the workflow ends (a note afterwards is a 409 naming the state). */
const END_STATES: readonly TakedownState[] = ['lapsed', 'rejected', 'restored', 'kept', 'upheld', 'reversed'];
/** The decision clock runs while the notice is reviewable and undecided. */
const REVIEWABLE: readonly TakedownState[] = ['triage', 'in_review'];

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * One takedown notice, from intake to its last statutory clock: completeness routing, the
 * decision deadline with at-risk and breach escalation to the legal lead, legal staff's actions as
 * updates (only valid transitions, only the legal role), the content platform's actions, the
 * statement of reasons before any restriction, the §512(g) restore window and the DSA Art. 20
 * complaint path. Legal staff find it in the Temporal UI by CaseKind=takedown and CaseStatus.
 */
export async function takedownWorkflow(input: TakedownInput): Promise<TakedownView> {
  const proceeding = new TakedownProceeding(input);
  proceeding.registerHandlers();
  return proceeding.run();
}

// A NUL or a lone surrogate: PostgreSQL refuses them (activities/storable-text.ts).
// eslint-disable-next-line no-control-regex -- replacing the control character is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A note as the view shows it: its text cut to NOTE_PREVIEW_CHARS (the full note is in the read
 * model). An unstorable character becomes U+FFFD in the preview only: the note's own record is
 * refused and the case flagged as before, but every later snapshot (which shows the preview)
 * is stored again.
 */
function notePreview(actor: string, at: number, text: string): TakedownNoteView {
  const cut = text.length > NOTE_PREVIEW_CHARS;
  const shown = (cut ? text.slice(0, NOTE_PREVIEW_CHARS) : text).replace(UNSTORABLE, '\uFFFD');
  return { actor, at: new Date(at).toISOString(), text: shown, ...(cut ? { truncated: true } : {}) };
}

/** The latest `n` of a list, for the bounded parts of the view. */
const lastOf = <T>(list: readonly T[], n: number): T[] => list.slice(Math.max(0, list.length - n));

class TakedownProceeding {
  private c: TakedownCase;
  private changed = false;
  /**
   * Records wait for this: the first run's intake record (it carries the notice), or a continued
   * run's queue of records the previous run left. So the read model gets them in order.
   */
  private intakeRecorded = false;
  /** Constructed first (before any await): its patched() marks the runs that may continue as new. */
  private readonly budget: RunBudget;
  private readonly retries: RetriedUpdates;
  /** Number of the last change applied: each record's event `seq` and snapshot `version`. */
  private seq = 0;
  /** Records made while the run drains, written first by the next run (carried). */
  private unrecorded: UnrecordedTakedownRecord[] = [];
  /** The latest NOTES_IN_VIEW notes; every note is in takedown_events. */
  private notes: TakedownNoteView[] = [];
  private notesTotal = 0;
  private communicationsTotal = 0;
  /** Kept instead of the domain's growing history: what the workflow needs from it. */
  private infoRequestRounds = 0;
  private lastComplaintBy: 'notifier' | 'uploader' | null = null;
  private slaBreached = false;
  /** The decision deadline (dueAt) each escalation was sent for: one of each per deadline. */
  private atRiskSentFor: number | null = null;
  private breachSentFor: number | null = null;
  private informationRequested: { missing: string[]; lapsesAt: number } | null = null;
  private decidedBy: string | null = null;
  private contentActions: TakedownView['contentActions'] = [];
  private communications: TakedownView['communications'] = [];
  private safetyPage: TakedownView['safetyPage'] = null;
  private safetyEscalation: TakedownView['safetyEscalation'] = null;
  /** When a temporary restriction (decision.endsAt) was lifted; null while it stands or where there is none. */
  private restrictionLiftedAt: number | null = null;
  private lastActionAt: number;
  /** The search attribute values last upserted (publish()); null: none yet in this run. */
  private lastPublished: string | null = null;
  /** A record the read model refused for good flags the case; it goes on answering. */
  private readonly attention: CaseAttention;

  constructor(private readonly input: TakedownInput) {
    this.budget = new RunBudget(input.runLimits);
    this.retries = new RetriedUpdates(input.carried?.updates);
    this.attention = new CaseAttention(
      () => ({ caseId: this.input.caseId, kind: 'takedown', brand: this.input.policy.brand, priority: this.c.tier }),
      input.carried?.attention ?? null,
    );
    const { notice } = input;
    this.c = openTakedownCase({
      regimes: input.regimes,
      legalBasis: notice.legalBasis,
      tier: takedownTier({ legalBasis: notice.legalBasis, notifierRole: notice.notifier.role, roleVerified: input.roleVerified }),
      receivedAt: input.receivedAt,
    });
    this.lastActionAt = input.receivedAt;
    if (input.carried) this.restore(input.carried);
  }

  /** The case as the previous run left it (continue-as-new). */
  private restore(k: TakedownCarried): void {
    this.c = { ...k.c, history: [] };
    this.seq = k.seq;
    this.slaBreached = k.slaBreached;
    this.atRiskSentFor = k.atRiskSentFor;
    this.breachSentFor = k.breachSentFor;
    this.informationRequested = k.informationRequested;
    this.decidedBy = k.decidedBy;
    this.contentActions = k.contentActions;
    this.communications = k.communications;
    this.communicationsTotal = k.communicationsTotal;
    this.safetyPage = k.safetyPage;
    this.safetyEscalation = k.safetyEscalation;
    this.restrictionLiftedAt = k.restrictionLiftedAt;
    this.lastActionAt = k.lastActionAt;
    this.notes = k.notes;
    this.notesTotal = k.notesTotal;
    this.infoRequestRounds = k.infoRequestRounds;
    this.lastComplaintBy = k.lastComplaintBy;
    this.unrecorded = k.unrecorded;
  }

  /** Everything the next run needs that its input does not hold; bounded (no history, the latest notes only). */
  private carry(): TakedownCarried {
    return {
      c: { ...this.c, history: [] },
      seq: this.seq,
      slaBreached: this.slaBreached,
      atRiskSentFor: this.atRiskSentFor,
      breachSentFor: this.breachSentFor,
      informationRequested: this.informationRequested,
      decidedBy: this.decidedBy,
      contentActions: this.contentActions,
      communications: this.communications,
      communicationsTotal: this.communicationsTotal,
      safetyPage: this.safetyPage,
      safetyEscalation: this.safetyEscalation,
      restrictionLiftedAt: this.restrictionLiftedAt,
      lastActionAt: this.lastActionAt,
      notes: this.notes,
      notesTotal: this.notesTotal,
      infoRequestRounds: this.infoRequestRounds,
      lastComplaintBy: this.lastComplaintBy,
      attention: this.attention.state,
      unrecorded: this.unrecorded,
      updates: this.retries.carry(),
    };
  }

  private get id(): string {
    return this.input.caseId;
  }

  // ---- what the case looks like ----------------------------------------------------------

  view(): TakedownView {
    const { notice, policy } = this.input;
    const c = this.c;
    const d = c.decision;
    return {
      id: this.id,
      brand: policy.brand,
      policyVersion: policy.version,
      state: c.state,
      regimes: [...c.regimes],
      legalBasis: c.legalBasis,
      tier: c.tier,
      channel: this.input.channel,
      notifierRole: notice.notifier.role,
      roleVerified: this.input.roleVerified,
      items: notice.items.map((i) => ({ ...i })),
      claimedJurisdictions: [...notice.claimedJurisdictions],
      receivedAt: new Date(c.receivedAt).toISOString(),
      intake: { route: this.input.route, assessments: this.input.assessments },
      informationRequested: this.informationRequested && { missing: this.informationRequested.missing, lapsesAt: iso(this.informationRequested.lapsesAt)! },
      reviewer: c.reviewer,
      decisionDue: c.decisionDue && { dueAt: iso(c.decisionDue.dueAt)!, atRiskAt: iso(c.decisionDue.atRiskAt)!, status: this.decisionClockStatus() },
      slaBreached: this.slaBreached,
      possibleMeasures: this.possibleMeasures(),
      decision: d && { ...d, endsAt: iso(d.endsAt), by: this.decidedBy ?? 'unknown' },
      decidedAt: iso(c.decidedAt),
      complaintClosesAt: iso(c.complaintClosesAt),
      counterNoticeAt: iso(c.counterNoticeAt),
      restoreWindow: c.restoreWindow && { notBefore: iso(c.restoreWindow.notBefore)!, notAfter: iso(c.restoreWindow.notAfter)! },
      contentActions: [...this.contentActions],
      communications: [...this.communications],
      communicationsTotal: this.communicationsTotal,
      notes: this.notes.map((n) => ({ ...n })),
      notesTotal: this.notesTotal,
      notesTruncated: this.notesTotal > this.notes.length,
      safetyPage: this.safetyPage && { ...this.safetyPage },
      safetyEscalation: this.safetyEscalation && { ...this.safetyEscalation },
      restrictionLiftedAt: iso(this.restrictionLiftedAt),
      nextDeadlineAt: iso(this.nextDeadline()),
      lastActionAt: new Date(this.lastActionAt).toISOString(),
      ...this.attention.viewField,
    };
  }

  private decisionClockStatus(): DecisionClockStatus {
    const due = this.c.decisionDue!;
    if (this.c.decidedAt !== null) return this.c.decidedAt <= due.dueAt ? 'met' : 'missed';
    if (!REVIEWABLE.includes(this.c.state)) return 'paused';
    return deadlineStatus(due, Date.now());
  }

  private possibleMeasures(): Measure[] {
    const all = this.c.regimes.flatMap((r) => possibleMeasures(r, this.input.notice.claimedJurisdictions, this.input.policy.regimeConfig));
    const seen = new Set<string>();
    return all.filter((m) => {
      const key = JSON.stringify(m);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** The next deadline someone must meet: the decision, the notifier's answer, or the earliest restore. */
  private nextDeadline(): number | null {
    const c = this.c;
    if (REVIEWABLE.includes(c.state) && c.decisionDue) return c.decisionDue.dueAt;
    if (c.state === 'needs_info' && c.infoRequestLapsesAt !== null) return c.infoRequestLapsesAt;
    if (c.state === 'restore_pending' && c.restoreWindow) return c.restoreWindow.notBefore;
    return null;
  }

  // ---- legal staff's actions ------------------------------------------------------------------

  registerHandlers(): void {
    // First, so the case is readable from its first moment.
    setHandler(takedownStatusQuery, () => this.view());

    setHandler(
      assignReviewerUpdate,
      async ({ actor, reviewer }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.commitEntry(this.act({ action: 'assign', reviewer }, actor));
      },
      { validator: ({ actor, reviewer }) => this.check({ action: 'assign', reviewer }, actor) },
    );

    setHandler(
      requestInformationUpdate,
      async ({ actor, missing, message }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.requestInformation(missing, actor, message);
      },
      { validator: ({ actor, missing }) => this.check({ action: 'request_info', missing }, actor) },
    );

    setHandler(
      informationReceivedUpdate,
      async ({ actor, note }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const entry = this.act({ action: 'info_received' }, actor);
        this.informationRequested = null;
        return this.commitEntry(entry, { note });
      },
      { validator: ({ actor }) => this.check({ action: 'info_received' }, actor) },
    );

    setHandler(
      decideTakedownUpdate,
      async ({ actor, decision }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const entry = this.act({ action: 'decide', decision }, actor);
        this.decidedBy = actor.id;
        const due = this.c.decisionDue;
        await this.commitEntry(entry, { onTime: due === null || this.c.decidedAt! <= due.dueAt });
        // DSA Art. 16(5): the notifier hears the decision and the redress open to them.
        await this.communicate('notifier', 'decision_notice', decisionNoticeMessage(this.id, this.c), `${this.id}:decision-notice`);
        return this.view();
      },
      { validator: ({ actor, decision }) => this.check({ action: 'decide', decision }, actor) },
    );

    setHandler(
      applyDecisionUpdate,
      async ({ actor, authorityInformed }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const entry = this.act({ action: 'apply', ...(authorityInformed ? { authorityInformed } : {}) }, actor);
        await this.commitEntry(entry);
        const measure = this.c.decision!.measure;
        if (measure.kind !== 'no_action') {
          // The uploader's statement of reasons goes out no later than the restriction takes effect.
          await this.informUploader();
          await this.actOnContent(measure.kind === 'global_removal' ? 'remove' : 'geo_restrict', 'apply', measure.kind === 'geo_restriction' ? measure.countries : null);
        }
        // Escalated to safety: the safety team's on-call hears of it now (patched: cases applied
        // before this existed replay without the page).
        if (this.c.decision!.outcome === 'escalate_safety' && patched('takedown-safety-escalation-page')) await this.pageSafetyTeam(authorityInformed);
        return this.view();
      },
      { validator: ({ actor, authorityInformed }) => this.check({ action: 'apply', ...(authorityInformed ? { authorityInformed } : {}) }, actor) },
    );

    setHandler(
      closeTakedownUpdate,
      async ({ actor }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.commitEntry(this.act({ action: 'close' }, actor));
      },
      { validator: ({ actor }) => this.check({ action: 'close' }, actor) },
    );

    setHandler(
      counterNoticeUpdate,
      async ({ actor, counterNotice }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const received = this.act({ action: 'counter_notice' }, actor);
        await this.commitEntry(received);
        // §512(g)(2)(B): promptly forward a copy to the notifier, with the restore date. The
        // counter-notice itself (the uploader's name, address, phone) goes only into that message.
        await this.communicate('notifier', 'counter_notice_forwarded', counterNoticeForwardMessage(this.id, this.c, { ...counterNotice }), `${this.id}:counter-notice-forwarded`);
        return this.commitEntry(this.act({ action: 'forward_counter_notice' }, actor));
      },
      { validator: ({ actor }) => this.check({ action: 'counter_notice' }, actor) },
    );

    setHandler(
      suitFiledUpdate,
      async ({ actor, court }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.commitEntry(this.act({ action: 'suit_filed', ...(court ? { court } : {}) }, actor));
      },
      { validator: ({ actor }) => this.check({ action: 'suit_filed' }, actor) },
    );

    setHandler(
      complaintUpdate,
      async ({ actor, by, grounds }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.commitEntry(this.act({ action: 'complaint', by, grounds }, actor));
      },
      { validator: ({ actor, by, grounds }) => this.check({ action: 'complaint', by, grounds }, actor) },
    );

    setHandler(
      upholdDecisionUpdate,
      async ({ actor, reasons }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const complainant = this.complainant();
        await this.commitEntry(this.act({ action: 'uphold', reasons }, actor));
        await this.communicate(complainant, 'complaint_decision', complaintDecisionMessage(this.id, 'upheld', reasons), `${this.id}:complaint-decision`);
        return this.view();
      },
      { validator: ({ actor, reasons }) => this.check({ action: 'uphold', reasons }, actor) },
    );

    setHandler(
      reverseDecisionUpdate,
      async ({ actor, reasons }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        const complainant = this.complainant();
        await this.commitEntry(this.act({ action: 'reverse', reasons }, actor));
        // Art. 20(4): a reversal undoes the restriction without undue delay.
        if (this.restrictionLiftedAt === null && this.contentActions.some((a) => a.action === 'remove' || a.action === 'geo_restrict')) {
          await this.actOnContent('restore', 'reverse', null);
          await this.communicate('uploader', 'content_restored', restoredMessage(this.id, 'complaint_reversed', this.input.notice.items), `${this.id}:restored`);
        }
        await this.communicate(complainant, 'complaint_decision', complaintDecisionMessage(this.id, 'reversed', reasons), `${this.id}:complaint-decision`);
        return this.view();
      },
      { validator: ({ actor, reasons }) => this.check({ action: 'reverse', reasons }, actor) },
    );

    setHandler(
      noteTakedownUpdate,
      async ({ actor, text }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        return this.commitEntry(this.act({ action: 'note', text }, actor));
      },
      { validator: ({ actor, text }) => this.check({ action: 'note', text }, actor) },
    );
  }

  /** The domain's verdict as an update failure: forbidden role, or an action the state does not allow (naming the state). */
  private toFailure(err: unknown): unknown {
    if (err instanceof TakedownForbiddenError) {
      return ApplicationFailure.nonRetryable(err.message, TakedownFailure.Forbidden, { role: err.role, action: err.action });
    }
    if (err instanceof InvalidTakedownTransitionError) {
      return ApplicationFailure.nonRetryable(err.message, TakedownFailure.InvalidTransition, { status: err.state, action: err.action, reason: err.reason ?? null });
    }
    return err;
  }

  private check(command: TakedownCommand, actor: TakedownActor): void {
    // Applied by an earlier run and sent again after continue-as-new: answered, not applied again.
    if (this.retries.isRetry()) return;
    try {
      checkTakedownCommand(this.c, command, actor, Date.now());
    } catch (err) {
      throw this.toFailure(err);
    }
  }

  /** Applies the action now; the state may have moved since the validator ran, so the domain checks again. */
  private act(command: TakedownCommand, actor: TakedownActor): TakedownHistoryEntry {
    try {
      this.c = applyTakedownAction(this.c, command, { id: actor.id, role: actor.role }, Date.now(), this.input.policy.clocks, this.rules(command));
    } catch (err) {
      throw this.toFailure(err);
    }
    this.changed = true;
    this.retries.applied();
    const entry = this.c.history[this.c.history.length - 1];
    // The domain appends every entry (notes' text included); the workflow keeps only the latest,
    // and what it needs of the rest as counters, so its state does not grow with the case.
    this.c = { ...this.c, history: [entry] };
    if (entry.action === 'request_info') this.infoRequestRounds++;
    if (entry.action === 'complaint') this.lastComplaintBy = entry.data.by === 'notifier' ? 'notifier' : 'uploader';
    if (entry.action === 'note') {
      this.notesTotal++;
      this.notes = lastOf([...this.notes, notePreview(entry.actor, entry.at, String(entry.data.text))], NOTES_IN_VIEW);
    }
    return entry;
  }

  /**
   * The rules added after cases were running, asked of patched() only where they matter: a case
   * recorded before a rule existed replays without it (validators, which never run on replay,
   * always apply every rule).
   */
  private rules(command: TakedownCommand): TakedownRules {
    const rules: TakedownRules = {};
    if (command.action === 'apply' && this.c.regimes.includes('dsa')) rules.complaintWindowFromStatement = patched('takedown-complaint-window-at-statement');
    if (command.action === 'uphold' || command.action === 'reverse') rules.distinctComplaintReviewer = patched('takedown-complaint-reviewer');
    return rules;
  }

  private complainant(): 'notifier' | 'uploader' {
    return this.lastComplaintBy ?? 'uploader';
  }

  private async requestInformation(missing: string[], actor: TakedownActor, note: string | null, eventKey?: string): Promise<TakedownView> {
    const entry = this.act({ action: 'request_info', missing }, actor);
    this.informationRequested = { missing: [...missing], lapsesAt: this.c.infoRequestLapsesAt! };
    await this.commitEntry(entry, {}, eventKey);
    const round = this.infoRequestRounds;
    await this.communicate('notifier', 'information_request', informationRequestMessage(this.id, missing, this.c.infoRequestLapsesAt!, note), `${this.id}:information-request:${round}`);
    return this.view();
  }

  // ---- effects ----------------------------------------------------------------------------

  /**
   * What the uploader is owed before the content is restricted: the DSA Art. 17 statement of
   * reasons, the §512(g)(2)(A) notification, or, under our terms only, a plain restriction notice.
   */
  private async informUploader(): Promise<void> {
    const { notice } = this.input;
    const c = this.c;
    let informed = false;
    if (c.regimes.includes('dsa')) {
      const statement = buildStatementOfReasons({ caseId: this.id, takedown: c, items: notice.items, notifierRole: notice.notifier.role, roleVerified: this.input.roleVerified });
      await this.communicate('uploader', 'statement_of_reasons', { ...statement }, `${this.id}:statement-of-reasons`);
      informed = true;
    }
    if (c.regimes.includes('dmca') && c.legalBasis === 'copyright' && (c.decision?.outcome === 'remove' || c.decision?.outcome === 'restrict')) {
      const notification = buildDmcaUploaderNotification({ caseId: this.id, takedown: c, notice });
      await this.communicate('uploader', 'dmca_notification', { ...notification }, `${this.id}:dmca-notification`);
      informed = true;
    }
    if (!informed) {
      await this.communicate('uploader', 'restriction_notice', restrictionNoticeMessage(this.id, c, notice.items), `${this.id}:restriction-notice`);
    }
  }

  private async actOnContent(action: ContentAction, actionKey: string, countries: string[] | null): Promise<void> {
    const items = this.input.notice.items;
    const result = await applyContentAction({ caseId: this.id, actionKey, action, items, countries });
    const key = `${this.id}:${actionKey}`;
    this.contentActions.push({ key, action, items: items.length, countries, at: new Date().toISOString() });
    await this.commit('content_action', 'system', { action, actionKey, items: items.length, countries, applied: result.applied, alreadyApplied: result.alreadyApplied }, `${key}:content-action`);
  }

  private async communicate(recipient: 'uploader' | 'notifier', kind: string, body: CaseMessage, key: string): Promise<void> {
    const { sentAt } = await sendTakedownCommunication({ caseId: this.id, key, recipient, kind, body });
    this.communications = lastOf([...this.communications, { kind, recipient, at: sentAt }], COMMUNICATIONS_IN_VIEW);
    this.communicationsTotal++;
    await this.commit('communication_sent', 'system', { kind, recipient, key }, `${key}:sent`);
  }

  // ---- the record -------------------------------------------------------------------------

  private commitEntry(entry: TakedownHistoryEntry, extra: Record<string, unknown> = {}, eventKey?: string): Promise<TakedownView> {
    return this.commit(entry.action, entry.actor, { ...entry.data, ...extra }, eventKey, entry.at);
  }

  /**
   * Snapshot and keyed history event through one activity; the workflow is the only writer. The
   * change gets its number now, before any await; an update's event is keyed by the update's ID.
   * While the run drains, the record is queued for the next run instead (continue-as-new).
   */
  private async commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, at = Date.now()): Promise<TakedownView> {
    this.lastActionAt = at;
    this.changed = true;
    const seq = ++this.seq;
    const key = eventKey ?? `${this.id}:${type}:${currentUpdateInfo()?.id ?? at}`;
    await condition(() => this.intakeRecorded);
    this.publish();
    const view = this.view();
    const event = { eventKey: key, type, actor, occurredAt: new Date(at).toISOString(), data: withIsoTimes(data), seq };
    if (this.budget.isDraining) {
      this.unrecorded.push({ view, event });
      return view;
    }
    const recorded = await this.attention.record(type, () => recordTakedown({ view, event }));
    return recorded ? view : this.view();
  }

  /** A continued run first writes what the previous run queued while draining, in order. */
  private async writeUnrecorded(): Promise<void> {
    while (this.unrecorded.length > 0) {
      const { view, event } = this.unrecorded[0];
      await this.attention.record(event.type, () => recordTakedown({ view, event }));
      this.unrecorded.shift();
    }
  }

  private publish(): void {
    const next = this.nextDeadline();
    // Each upsert is a history event: only a change is upserted (a note changes none of these).
    // Patched: cases recorded before upserted at every record, and replay so.
    const published = JSON.stringify([this.c.state, this.slaBreached, next, this.c.reviewer]);
    if (published !== this.lastPublished || !patched('takedown-publish-on-change')) {
      upsertSearchAttributes([
        { key: CaseStatus, value: this.c.state },
        { key: SlaBreached, value: this.slaBreached },
        { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
        { key: Assignee, value: this.c.reviewer },
      ]);
      this.lastPublished = published;
    }
    const due = this.c.decisionDue;
    const rows = [
      `| decision | ${iso(due?.dueAt) ?? '—'} | ${due ? this.decisionClockStatus() : 'not started'} |`,
      ...(this.c.state === 'needs_info' ? [`| notifier's answer | ${iso(this.c.infoRequestLapsesAt)} | waiting |`] : []),
      ...(this.c.restoreWindow ? [`| restore (§512(g)) | ${iso(this.c.restoreWindow.notBefore)} – ${iso(this.c.restoreWindow.notAfter)} | ${this.c.state} |`] : []),
      ...(this.c.complaintClosesAt !== null ? [`| complaints (Art. 20) | until ${iso(this.c.complaintClosesAt)} | ${this.c.state === 'complaint_review' ? 'under review' : 'open'} |`] : []),
    ];
    // No personal data: the notifier is named by role only.
    setCurrentDetails(
      [
        `**${this.c.state}** · ${this.c.legalBasis} · ${this.c.regimes.join(' + ')} · ${this.c.tier} tier · ${this.input.notice.items.length} item(s) · notifier: ${this.input.notice.notifier.role} · reviewer: ${this.c.reviewer ?? 'none yet'}`,
        '',
        '| clock | due (UTC) | state |',
        '|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  }

  // ---- intake and timers ------------------------------------------------------------------

  async run(): Promise<TakedownView> {
    const { policy } = this.input;
    upsertSearchAttributes([
      { key: CaseKind, value: 'takedown' },
      { key: Brand, value: policy.brand },
      { key: Priority, value: this.c.tier },
      { key: Regime, value: [...this.c.regimes] },
    ]);
    this.publish();
    if (this.input.carried) {
      // Continued: intake (receipt, pages, routing) happened in the first run.
      await this.writeUnrecorded();
      this.intakeRecorded = true;
    } else {
      await this.intake();
    }

    while (!this.finished()) {
      const wake = this.nextWakeAt();
      this.changed = false;
      if (wake === null) await condition(() => this.changed);
      else if (wake > Date.now()) await condition(() => this.changed, wake - Date.now());
      await this.fireDue(Date.now());
      if (this.budget.spent()) {
        // Handlers finish first (their records queue meanwhile); nothing of the main loop is in flight.
        await this.budget.drain();
        return continueAsNew<typeof takedownWorkflow>({ ...this.input, carried: this.carry() });
      }
    }
    await condition(allHandlersFinished);
    return this.view();
  }

  /** The first run's start: the notice recorded (with the notifier's contact), then intake's route taken. */
  private async intake(): Promise<void> {
    const { notice } = this.input;
    const received = this.view();
    const seq = ++this.seq;
    await this.attention.record('received', () => recordTakedown({
      view: received,
      event: {
        seq,
        eventKey: `${this.id}:received`,
        type: 'received',
        actor: this.input.submittedBy ?? 'public',
        occurredAt: new Date(this.input.receivedAt).toISOString(),
        data: {
          channel: this.input.channel,
          regimes: this.c.regimes,
          legalBasis: notice.legalBasis,
          notifierRole: notice.notifier.role,
          roleVerified: this.input.roleVerified,
          items: notice.items.length,
          claimedJurisdictions: notice.claimedJurisdictions,
          route: this.input.route,
          assessments: this.input.assessments,
        },
      },
      notice,
    }));
    this.intakeRecorded = true;
    await this.routeAtIntake();
  }

  /** Completeness decided the route at intake (assessCompleteness per regime); the system takes it. */
  private async routeAtIntake(): Promise<void> {
    // A threat to life or safety: the legal on-call is paged before anything else (patched: cases
    // received before paging existed replay without it).
    if (this.c.legalBasis === 'threat_to_life_or_safety' && patched('takedown-legal-oncall-page')) await this.pageLegalOnCall();
    await this.communicate('notifier', 'receipt', receiptMessage(this.id, this.input.receivedAt), `${this.id}:receipt`);
    if (this.c.tier === 'safety') {
      await sendNotification({
        key: `${this.id}:safety-report`,
        kind: 'takedown_safety_report',
        ticketId: this.id,
        brand: this.input.policy.brand,
        priority: this.c.tier,
        metric: null,
        level: 'legal_lead',
        recipient: this.input.policy.escalateTo,
        summary: `takedown ${this.id}: ${this.c.legalBasis} report received; decide by the safety deadline`,
      });
    }
    if (this.c.state !== 'received') return; // legal staff acted first
    const { route, assessments } = this.input;
    if (route === 'triage') {
      await this.commitEntry(this.act({ action: 'accept' }, SYSTEM), {}, `${this.id}:accept`);
    } else if (route === 'needs_info') {
      const missing = [...new Set(assessments.filter((a) => a.verdict === 'substantially_complete').flatMap((a) => a.missing))];
      await this.requestInformation(missing, SYSTEM, null, `${this.id}:request_info:intake`);
    } else {
      const reason = assessments.map((a) => `${a.regime}: ${a.reason}`).join('; ');
      const missing = [...new Set(assessments.flatMap((a) => a.missing))];
      await this.commitEntry(this.act({ action: 'reject', reason }, SYSTEM), { missing }, `${this.id}:reject`);
      await this.communicate('notifier', 'rejection', rejectionMessage(this.id, reason, missing), `${this.id}:rejection`);
    }
  }

  /**
   * One page per case and step, keyed `<case>:page:<step>`: the activity's retries (a 5xx, a lost
   * answer, a worker crash) all reach the same PagerDuty alert. A refusal (malformed event) is an
   * answer too: it is returned, not thrown, so the caller records it in the case history.
   */
  private async page(step: string, target: string, summary: string, details: Record<string, unknown>): Promise<{ dedupKey: string; pager: string; status: string; message: string }> {
    const dedupKey = `${this.id}:page:${step}`;
    try {
      const answer = await pageLegalOnCall({ caseId: this.id, dedupKey, target, brand: this.input.policy.brand, summary, details });
      return { dedupKey, pager: answer.pager, status: answer.status, message: answer.message };
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return { dedupKey, pager: 'pagerduty', status: 'refused', message: err.cause?.message ?? err.message };
    }
  }

  /** A threat to life or safety at intake pages the legal on-call; the pager's answer is recorded. */
  private async pageLegalOnCall(): Promise<void> {
    const target = this.input.policy.legalOnCall ?? DEFAULT_LEGAL_ON_CALL;
    const { notice } = this.input;
    const answer = await this.page(
      'legal-oncall',
      target,
      // No personal data: the notifier is named by role, the content by count.
      `Threat to life or safety reported: takedown ${this.id} (${this.c.regimes.join(' + ')}, ${notice.items.length} item(s), notifier: ${notice.notifier.role})`,
      { legalBasis: this.c.legalBasis, regimes: [...this.c.regimes], items: notice.items.length, claimedJurisdictions: [...notice.claimedJurisdictions], receivedAt: iso(this.c.receivedAt) },
    );
    const { dedupKey, pager, status, message } = answer;
    this.safetyPage = { dedupKey, target, pager, status, at: new Date().toISOString() };
    await this.commit(status === 'refused' ? 'legal_oncall_page_refused' : 'legal_oncall_paged', 'system', { dedupKey, target, pager, status, message }, `${dedupKey}:recorded`);
  }

  /**
   * An "escalate to safety" decision applied: the safety team's on-call (the pack's safetyTeam) is
   * paged once per case under `<case>:page:safety-team`. A refusal is recorded in the case
   * history, as the legal on-call's is.
   */
  private async pageSafetyTeam(authorityInformed: string | null): Promise<void> {
    const target = this.input.policy.safetyTeam ?? DEFAULT_SAFETY_TEAM;
    const { notice } = this.input;
    const d = this.c.decision!;
    const { dedupKey, pager, status } = await this.page(
      'safety-team',
      target,
      // No personal data: basis, regimes, measure and counts only.
      `Takedown ${this.id} escalated to safety (${this.c.legalBasis}, ${this.c.regimes.join(' + ')}, ${notice.items.length} item(s), measure: ${d.measure.kind}, notifier: ${notice.notifier.role})`,
      { legalBasis: this.c.legalBasis, regimes: [...this.c.regimes], items: notice.items.length, measure: d.measure.kind, authorityInformed: authorityInformed !== null, decidedAt: iso(this.c.decidedAt) },
    );
    this.safetyEscalation = { dedupKey, target, pager, status, at: new Date().toISOString() };
    await this.commit(status === 'refused' ? 'safety_team_page_refused' : 'safety_team_paged', 'system', { dedupKey, target, pager, status }, `${dedupKey}:recorded`);
  }

  /** End states end the workflow; a closed case stays open for counter-notices and complaints until the dispute window ends. */
  private finished(): boolean {
    // A temporary restriction still to lift keeps the case running, whatever its state.
    if (this.restrictionEndAt() !== null) return false;
    if (END_STATES.includes(this.c.state)) return true;
    if (this.c.state !== 'closed') return false;
    const until = this.disputeWindowEnd();
    return until === null || Date.now() >= until;
  }

  /** The DSA Art. 20 window for DSA cases; the same span for others, as the time a counter-notice is still taken. */
  private disputeWindowEnd(): number | null {
    if (this.c.complaintClosesAt !== null) return this.c.complaintClosesAt;
    return this.c.decidedAt === null ? null : complaintDeadline(this.input.policy.clocks, this.c.decidedAt);
  }

  private nextWakeAt(): number | null {
    const c = this.c;
    const times: number[] = [];
    if (REVIEWABLE.includes(c.state) && c.decisionDue && c.decidedAt === null) {
      if (this.atRiskSentFor !== c.decisionDue.dueAt) times.push(c.decisionDue.atRiskAt);
      if (this.breachSentFor !== c.decisionDue.dueAt) times.push(c.decisionDue.dueAt);
    }
    if (c.state === 'needs_info' && c.infoRequestLapsesAt !== null) times.push(c.infoRequestLapsesAt);
    if (c.state === 'restore_pending' && c.restoreWindow) times.push(c.restoreWindow.notBefore);
    if (c.state === 'closed') {
      const until = this.disputeWindowEnd();
      if (until !== null) times.push(until);
    }
    const restrictionEnd = this.restrictionEndAt();
    if (restrictionEnd !== null) times.push(restrictionEnd);
    return times.length ? Math.min(...times) : null;
  }

  /** Whether the content is restricted now: the last content action was a removal or geo-restriction. */
  private contentRestricted(): boolean {
    const last = this.contentActions[this.contentActions.length - 1];
    return last !== undefined && (last.action === 'remove' || last.action === 'geo_restrict');
  }

  /**
   * When a temporary restriction ends (the decision's endsAt), while the content is still
   * restricted under it; null otherwise. Patched: a case recorded before restrictions were lifted
   * replays without the timer (and takes it on from its next live workflow task).
   */
  private restrictionEndAt(): number | null {
    const endsAt = this.c.decision?.endsAt ?? null;
    if (endsAt === null || this.restrictionLiftedAt !== null || !this.contentRestricted()) return null;
    return patched('takedown-restriction-end') ? endsAt : null;
  }

  /** The restriction's end: the content comes back (once per item), the uploader is told, the history records it. */
  private async liftRestriction(endsAt: number): Promise<void> {
    this.restrictionLiftedAt = Date.now();
    await this.actOnContent('restore', 'restriction-end', null);
    await this.commit('restriction_ended', 'system', { endsAt, liftedAt: this.restrictionLiftedAt, state: this.c.state }, `${this.id}:restriction-end`);
    await this.communicate('uploader', 'content_restored', restoredMessage(this.id, 'restriction_ended', this.input.notice.items, endsAt), `${this.id}:restriction-end:restored`);
  }

  private async fireDue(now: number): Promise<void> {
    const c = this.c;
    if (REVIEWABLE.includes(c.state) && c.decisionDue && c.decidedAt === null) await this.fireDecisionClock(c.decisionDue, now);
    if (this.c.state === 'needs_info' && this.c.infoRequestLapsesAt !== null && now >= this.c.infoRequestLapsesAt) {
      const missing = this.informationRequested?.missing ?? [];
      await this.commitEntry(this.act({ action: 'lapse' }, SYSTEM), { missing }, `${this.id}:lapse`);
      await this.communicate('notifier', 'lapsed', lapsedMessage(this.id, missing), `${this.id}:lapsed`);
    }
    if (this.c.state === 'restore_pending' && this.c.restoreWindow && now >= this.c.restoreWindow.notBefore) {
      // §512(g)(2)(C): no lawsuit reported within the window, so the content comes back.
      const entry = this.act({ action: 'restore' }, SYSTEM);
      await this.commitEntry(entry, {}, `${this.id}:restore`);
      await this.actOnContent('restore', 'restore', null);
      await this.communicate('uploader', 'content_restored', restoredMessage(this.id, 'counter_notice', this.input.notice.items), `${this.id}:restored`);
    }
    const restrictionEnd = this.restrictionEndAt();
    if (restrictionEnd !== null && now >= restrictionEnd) await this.liftRestriction(restrictionEnd);
  }

  /** At risk, then breached: each sent once per deadline to the legal lead, and recorded. */
  private async fireDecisionClock(due: { dueAt: number; atRiskAt: number }, now: number): Promise<void> {
    const base = { ticketId: this.id, brand: this.input.policy.brand, priority: this.c.tier, metric: null, level: 'legal_lead' as const, recipient: this.input.policy.escalateTo };
    if (now >= due.dueAt && this.breachSentFor !== due.dueAt) {
      this.breachSentFor = due.dueAt;
      this.atRiskSentFor = due.dueAt;
      this.slaBreached = true;
      const key = `${this.id}:decision:${due.dueAt}:breached`;
      await Promise.all([
        sendNotification({ ...base, key, kind: 'takedown_deadline_breached', summary: `takedown ${this.id} (${this.c.tier}, ${this.c.regimes.join('+')}) missed its decision deadline ${iso(due.dueAt)}; state ${this.c.state}` }),
        this.commit('deadline_breached', 'system', { dueAt: iso(due.dueAt), escalatedTo: this.input.policy.escalateTo }, key),
      ]);
    } else if (now >= due.atRiskAt && now < due.dueAt && this.atRiskSentFor !== due.dueAt) {
      this.atRiskSentFor = due.dueAt;
      const key = `${this.id}:decision:${due.dueAt}:at-risk`;
      await Promise.all([
        sendNotification({ ...base, key, kind: 'takedown_deadline_at_risk', summary: `takedown ${this.id} (${this.c.tier}, ${this.c.regimes.join('+')}) must be decided by ${iso(due.dueAt)}; state ${this.c.state}` }),
        this.commit('deadline_at_risk', 'system', { dueAt: iso(due.dueAt), escalatedTo: this.input.policy.escalateTo }, key),
      ]);
    }
  }
}

/** Epoch-millisecond fields named …At / …Until become ISO strings in the history. */
function withIsoTimes(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'number' && /(At|Until|NotBefore|NotAfter)$/.test(k) ? new Date(v).toISOString() : v]));
}
