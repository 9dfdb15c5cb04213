import { allHandlersFinished, condition, continueAsNew, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { applyPreservationAction, checkPreservationAction, openPreservationHold, PreservationAction, PreservationHold } from '../../domain/takedown/preservation';
import { TAKEDOWN_SYSTEM_ROLE } from '../../domain/takedown/case';
import { pendingPreservationReminders, preservationReminderKey, preservationSchedule } from '../../domain/takedown/schedule';
import { CaseStatus, SlaNextDeadline } from '../search-attributes';
import { TakedownActorRef } from './messages';
import { extendPreservationUpdate, PreservationCarried, PreservationInput, preservationStatusQuery, PreservationView } from './preservation-messages';
import { asTakedownRefusal } from './refusals';
import { earliest, runAgenda, Wakeup } from '../common/agenda';
import { CaseEvent, CaseRecorder, publishCaseKind } from '../common/case-recorder';
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
  private extension: PreservationView['extension'] = null;
  private remindersSent: PreservationView['remindersSent'] = [];
  private readonly sentReminderKeys = new Set<string>();
  /** Constructed first (before any await): its deprecatePatch() stays where the run's first marker was. */
  private readonly budget: RunBudget;
  private readonly retries: RetriedUpdates;
  private readonly wakeup = new Wakeup();
  /** A record the read model refused for good flags the hold; it goes on answering. */
  private readonly attention: CaseAttention;
  /** The hold's history goes into its case's (takedown_events); the snapshot's version is the hold's change number. */
  private readonly recorder: CaseRecorder<PreservationView>;

  constructor(private readonly input: PreservationInput) {
    this.budget = new RunBudget(input.runLimits);
    this.retries = new RetriedUpdates(input.carried?.updates);
    this.attention = new CaseAttention(() => ({ caseId: this.input.holdId, kind: 'preservation', brand: this.input.brand, priority: 'legal' }), input.carried?.attention ?? null);
    this.hold = openPreservationHold(input.requestedAt, input.policy);
    const k = input.carried;
    if (k) {
      this.hold = k.hold;
      this.extension = k.extension;
      this.remindersSent = k.remindersSent;
      for (const key of k.sentReminderKeys) this.sentReminderKeys.add(key);
    }
    this.recorder = new CaseRecorder<PreservationView>({
      caseId: input.holdId,
      attention: this.attention,
      budget: this.budget,
      wakeup: this.wakeup,
      view: () => this.view(),
      publish: () => this.publish(),
      write: (view, events, version) => this.write(view, events, version),
      carried: k ?? null,
    });
  }

  private carry(): PreservationCarried {
    return {
      hold: this.hold,
      extension: this.extension,
      remindersSent: this.remindersSent,
      sentReminderKeys: [...this.sentReminderKeys],
      attention: this.attention.state,
      updates: this.retries.carry(),
      ...this.recorder.carry(),
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
        return this.recorder.record('preservation_extended', actor.id, { reference, expiresAt: iso(this.hold.expiresAt) });
      },
      { validator: ({ actor }) => this.check('extend', actor) },
    );
  }

  private check(action: PreservationAction, actor: TakedownActorRef): void {
    // Applied by an earlier run and sent again after continue-as-new: answered, not refused.
    if (this.retries.isRetry()) return;
    asTakedownRefusal(() => checkPreservationAction(this.hold, action, actor.role, Date.now()));
  }

  /** The state may have moved since the validator ran (the expiry fired): the domain checks again. */
  private act(action: PreservationAction, actor: TakedownActorRef): void {
    this.hold = asTakedownRefusal(() => applyPreservationAction(this.hold, action, actor.role, Date.now(), this.input.policy));
    this.retries.applied();
    this.wakeup.poke();
  }

  private pendingReminders() {
    return pendingPreservationReminders(this.id, this.hold, this.input.policy, this.sentReminderKeys);
  }

  async run(): Promise<PreservationView> {
    const { input } = this;
    publishCaseKind('takedown_preservation', input.brand);
    this.publish();
    if (input.carried) {
      // Continued: the hold took effect in the first run; write what the previous run queued.
      await this.recorder.start(null);
    } else {
      // The hold takes effect at the platform first: nothing may be purged from here on.
      await applyContentAction({ caseId: input.caseId, actionKey: `${this.id}:preserve`, action: 'preserve', items: input.items, countries: null });
      // Published again with the request's record, as every record is (and as recorded histories show).
      this.publish();
      await this.recorder.start({
        type: 'preservation_requested',
        actor: input.requestedBy,
        occurredAt: input.requestedAt,
        data: { authority: input.authority, reference: input.reference, items: input.items.length, expiresAt: iso(this.hold.expiresAt) },
      });
    }
    await runAgenda(
      this.id,
      {
        finished: () => this.hold.state === 'released',
        nextDue: () => earliest(preservationSchedule(this.id, this.hold, this.input.policy, this.sentReminderKeys)),
        fireDue: (now) => this.fireDue(now),
      },
      this.wakeup,
      this.budget,
      () => continueAsNew<typeof preservationWorkflow>({ ...this.input, carried: this.carry() }),
    );
    await condition(allHandlersFinished);
    return this.view();
  }

  private async fireDue(now: number): Promise<void> {
    if (now >= this.hold.expiresAt) {
      await this.release();
      return;
    }
    for (const r of this.pendingReminders().filter((p) => p.at <= now)) {
      const key = preservationReminderKey(this.id, r);
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
        this.recorder.record('preservation_reminder', 'system', { expiresAt: iso(r.expiresAt), remindedBeforeMs: r.beforeMs, escalatedTo: this.input.escalateTo }, key),
      ]);
    }
  }

  private async release(): Promise<void> {
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
      this.recorder.record('preservation_released', 'system', { expiredAt: iso(this.hold.expiresAt), extended: this.hold.extendedAt !== null }, `${this.id}:released`),
    ]);
  }

  /**
   * The recorder's write through recordPreservation (one event a call; its arguments unchanged):
   * the snapshot at the hold's change number, the event in its case's history, named by the hold.
   */
  private async write(view: PreservationView, events: CaseEvent[], version: number): Promise<void> {
    for (const { eventKey, type, actor, occurredAt, data } of events) {
      await recordPreservation({ view, event: { eventKey, type, actor, occurredAt, data: { holdId: this.id, ...data } }, version });
    }
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
