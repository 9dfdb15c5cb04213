import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  applyPreservationAction,
  checkPreservationAction,
  InvalidPreservationTransitionError,
  openPreservationHold,
  PreservationAction,
  PreservationForbiddenError,
  PreservationHold,
  PreservationReminder,
  preservationReminders,
} from '../../domain/takedown/preservation';
import { TAKEDOWN_SYSTEM_ROLE } from '../../domain/takedown/case';
import { Brand, CaseKind, CaseStatus, SlaNextDeadline } from '../search-attributes';
import { TakedownActorRef, TakedownFailure } from './messages';
import { extendPreservationUpdate, PreservationCarried, PreservationInput, preservationStatusQuery, PreservationView } from './preservation-messages';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { RetriedUpdates } from '../common/retried-updates';
import { OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';

const { recordPreservation } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendNotification, applyContentAction } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * An authority's preservation (retention) request on a takedown case: the items are kept for the
 * pack's period (90 days), extendable once (90 more) by legal staff on a renewed request, with
 * reminders to the legal lead before each expiry; at expiry the hold is released at the content
 * platform and the release recorded in the case's history.
 *
 * Why a workflow of its own, started by the API for an existing case, rather than timers inside
 * takedownWorkflow: a hold runs on its own clock, up to 180 days, unrelated to the notice's. The
 * takedown workflow ends when its case does (restored, kept, rejected, …, or a closed case at
 * the end of its dispute window), often long before a hold expires, and an authority may ask to
 * preserve material of a case that has already ended. A separate workflow keeps the case's
 * history short and its end states final, and lets a case carry several holds (one per
 * authority and reference). Its history is written into the case's own (takedown_events).
 */
export async function preservationWorkflow(input: PreservationInput): Promise<PreservationView> {
  const hold = new PreservationHoldCase(input);
  hold.registerHandlers();
  return hold.run();
}

class PreservationHoldCase {
  private hold: PreservationHold;
  private changed = false;
  /** Records wait for this: the request's own record, or a continued run's queue of the previous run's records. */
  private requestRecorded = false;
  private extension: PreservationView['extension'] = null;
  private remindersSent: PreservationView['remindersSent'] = [];
  private readonly sentReminderKeys = new Set<string>();
  /** Constructed first (before any await): its patched() marks the runs that may continue as new. */
  private readonly budget: RunBudget;
  private readonly retries: RetriedUpdates;
  /** Number of the hold's last change: its snapshot's `version`. */
  private seq = 0;
  private unrecorded: PreservationCarried['unrecorded'] = [];
  /** A record the read model refused for good flags the hold; it goes on answering. */
  private readonly attention: CaseAttention;

  constructor(private readonly input: PreservationInput) {
    this.budget = new RunBudget(input.runLimits);
    this.retries = new RetriedUpdates(input.carried?.updates);
    this.attention = new CaseAttention(() => ({ caseId: this.input.holdId, kind: 'preservation', brand: this.input.brand, priority: 'legal' }), input.carried?.attention ?? null);
    this.hold = openPreservationHold(input.requestedAt, input.policy);
    const k = input.carried;
    if (k) {
      this.hold = k.hold;
      this.seq = k.seq;
      this.extension = k.extension;
      this.remindersSent = k.remindersSent;
      for (const key of k.sentReminderKeys) this.sentReminderKeys.add(key);
      this.unrecorded = k.unrecorded;
    }
  }

  private carry(): PreservationCarried {
    return {
      hold: this.hold,
      seq: this.seq,
      extension: this.extension,
      remindersSent: this.remindersSent,
      sentReminderKeys: [...this.sentReminderKeys],
      attention: this.attention.state,
      unrecorded: this.unrecorded,
      updates: this.retries.carry(),
    };
  }

  private get id(): string {
    return this.input.holdId;
  }

  view(): PreservationView {
    const { input, hold } = this;
    const next = this.pendingReminders()[0];
    return {
      id: this.id,
      caseId: input.caseId,
      brand: input.brand,
      state: hold.state,
      authority: input.authority,
      reference: input.reference,
      items: input.items.map((i) => ({ ...i })),
      requestedBy: input.requestedBy,
      requestedAt: iso(hold.requestedAt),
      expiresAt: iso(hold.expiresAt),
      extension: this.extension && { ...this.extension },
      releasedAt: hold.releasedAt === null ? null : iso(hold.releasedAt),
      remindersSent: [...this.remindersSent],
      nextReminderAt: next ? iso(next.at) : null,
      ...this.attention.viewField,
    };
  }

  registerHandlers(): void {
    setHandler(preservationStatusQuery, () => this.view());
    setHandler(
      extendPreservationUpdate,
      async ({ actor, reference }) => {
        this.budget.countUpdate();
        if (this.retries.alreadyApplied()) return this.view();
        this.act('extend', actor);
        this.extension = { at: iso(this.hold.extendedAt!), by: actor.id, reference };
        await condition(() => this.requestRecorded);
        return this.record('preservation_extended', actor.id, { reference, expiresAt: iso(this.hold.expiresAt) }, `${this.id}:extended`, this.hold.extendedAt!);
      },
      { validator: ({ actor }) => this.check('extend', actor) },
    );
  }

  private toFailure(err: unknown): unknown {
    if (err instanceof PreservationForbiddenError) {
      return ApplicationFailure.nonRetryable(err.message, TakedownFailure.Forbidden, { role: err.role, action: err.action });
    }
    if (err instanceof InvalidPreservationTransitionError) {
      return ApplicationFailure.nonRetryable(err.message, TakedownFailure.InvalidTransition, { status: err.state, action: err.action, reason: err.reason ?? null });
    }
    return err;
  }

  private check(action: PreservationAction, actor: TakedownActorRef): void {
    // Applied by an earlier run and sent again after continue-as-new: answered, not refused.
    if (this.retries.isRetry()) return;
    try {
      checkPreservationAction(this.hold, action, actor.role, Date.now());
    } catch (err) {
      throw this.toFailure(err);
    }
  }

  /** The state may have moved since the validator ran (the expiry fired): the domain checks again. */
  private act(action: PreservationAction, actor: TakedownActorRef): void {
    try {
      this.hold = applyPreservationAction(this.hold, action, actor.role, Date.now(), this.input.policy);
    } catch (err) {
      throw this.toFailure(err);
    }
    this.retries.applied();
    this.changed = true;
  }

  private reminderKey(r: PreservationReminder): string {
    return `${this.id}:expires:${r.expiresAt}:remind:${r.beforeMs}`;
  }

  private pendingReminders(): PreservationReminder[] {
    return preservationReminders(this.hold, this.input.policy).filter((r) => !this.sentReminderKeys.has(this.reminderKey(r)));
  }

  async run(): Promise<PreservationView> {
    const { input } = this;
    upsertSearchAttributes([
      { key: CaseKind, value: 'takedown_preservation' },
      { key: Brand, value: input.brand },
    ]);
    this.publish();
    if (input.carried) {
      // Continued: the hold took effect in the first run; write what the previous run queued.
      while (this.unrecorded.length > 0) {
        const { view, event, version } = this.unrecorded[0];
        await this.attention.record(event.type, () => recordPreservation({ view, event, version }));
        this.unrecorded.shift();
      }
    } else {
      // The hold takes effect at the platform first: nothing may be purged from here on.
      await applyContentAction({ caseId: input.caseId, actionKey: `${this.id}:preserve`, action: 'preserve', items: input.items, countries: null });
      await this.record(
        'preservation_requested',
        input.requestedBy,
        { authority: input.authority, reference: input.reference, items: input.items.length, expiresAt: iso(this.hold.expiresAt) },
        `${this.id}:requested`,
        input.requestedAt,
      );
    }
    this.requestRecorded = true;

    while (this.hold.state !== 'released') {
      // At each turn, after the previous turn's due reminders: a spent run hands the hold over.
      if (this.budget.spent()) {
        await this.budget.drain();
        return continueAsNew<typeof preservationWorkflow>({ ...this.input, carried: this.carry() });
      }
      const wake = Math.min(this.hold.expiresAt, ...this.pendingReminders().map((r) => r.at));
      this.changed = false;
      if (wake > Date.now()) {
        const summary = wake === this.hold.expiresAt ? `preservation hold expires ${iso(wake)}` : `reminder before the hold expires ${iso(this.hold.expiresAt)}`;
        await condition(() => this.changed, wake - Date.now(), { summary });
      }
      await this.fireDue(Date.now());
    }
    await condition(allHandlersFinished);
    return this.view();
  }

  private async fireDue(now: number): Promise<void> {
    if (now >= this.hold.expiresAt) {
      await this.release(now);
      return;
    }
    for (const r of this.pendingReminders().filter((p) => p.at <= now)) {
      const key = this.reminderKey(r);
      this.sentReminderKeys.add(key);
      this.remindersSent.push({ expiresAt: iso(r.expiresAt), beforeMs: r.beforeMs, at: iso(now) });
      await Promise.all([
        sendNotification({
          key,
          kind: 'takedown_preservation_reminder',
          ticketId: this.input.caseId,
          brand: this.input.brand,
          priority: 'preservation',
          metric: null,
          level: 'legal_lead',
          recipient: this.input.escalateTo,
          summary: `preservation hold ${this.id} on takedown ${this.input.caseId} expires ${iso(r.expiresAt)} (${this.hold.state === 'held' ? 'one extension left' : 'already extended'})`,
        }),
        this.record('preservation_reminder', 'system', { expiresAt: iso(r.expiresAt), remindedBeforeMs: r.beforeMs, escalatedTo: this.input.escalateTo }, key, now),
      ]);
    }
  }

  private async release(now: number): Promise<void> {
    this.act('release', { id: 'system', role: TAKEDOWN_SYSTEM_ROLE });
    const { input } = this;
    await applyContentAction({ caseId: input.caseId, actionKey: `${this.id}:release`, action: 'release_preservation', items: input.items, countries: null });
    await Promise.all([
      sendNotification({
        key: `${this.id}:released`,
        kind: 'takedown_preservation_released',
        ticketId: input.caseId,
        brand: input.brand,
        priority: 'preservation',
        metric: null,
        level: 'legal_lead',
        recipient: input.escalateTo,
        summary: `preservation hold ${this.id} on takedown ${input.caseId} expired and was released`,
      }),
      this.record('preservation_released', 'system', { expiredAt: iso(this.hold.expiresAt), extended: this.hold.extendedAt !== null }, `${this.id}:released`, now),
    ]);
  }

  /** Snapshot and keyed event in the case's history, through one activity: the workflow is the only writer. */
  private async record(type: string, actor: string, data: Record<string, unknown>, eventKey: string, at: number): Promise<PreservationView> {
    const version = ++this.seq;
    this.publish();
    const view = this.view();
    const event = { eventKey, type, actor, occurredAt: iso(at), data: { holdId: this.id, ...data } };
    // Draining for continue-as-new: the next run writes it first.
    if (this.budget.isDraining) {
      this.unrecorded.push({ view, event, version });
      return view;
    }
    const recorded = await this.attention.record(type, () => recordPreservation({ view, event, version }));
    return recorded ? view : this.view();
  }

  /** No personal data: the authority and its reference stay out of search attributes and details. */
  private publish(): void {
    const { hold } = this;
    upsertSearchAttributes([
      { key: CaseStatus, value: hold.state },
      { key: SlaNextDeadline, value: hold.state === 'released' ? null : new Date(hold.expiresAt) },
    ]);
    const next = this.pendingReminders()[0];
    setCurrentDetails(
      [
        `**${hold.state}** · takedown ${this.input.caseId} · ${this.input.items.length} item(s)`,
        '',
        '| clock | at (UTC) |',
        '|---|---|',
        `| requested | ${iso(hold.requestedAt)} |`,
        ...(hold.extendedAt !== null ? [`| extended (once) | ${iso(hold.extendedAt)} |`] : []),
        ...(next ? [`| next reminder | ${iso(next.at)} |`] : []),
        `| ${hold.state === 'released' ? 'released' : 'expires'} | ${iso(hold.releasedAt ?? hold.expiresAt)} |`,
      ].join('\n'),
    );
  }
}
