import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, currentUpdateInfo, patched, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { containsCardNumber, redactCardData } from '../../domain/billing/card-redaction';
import {
  checkDisputeAction,
  DisputeAction,
  DisputeEvidence,
  DisputeStatus,
  disputeSubmission,
  EVIDENCE_ITEMS,
  EvidenceItem,
  explainDisputeDecision,
  internalDeadline,
  InvalidDisputeTransitionError,
  missingEvidence,
  refundEvidenceText,
  reminderTimes,
  SubmissionTrigger,
  threeDSecureShiftsLiability,
} from '../../domain/billing/dispute';
import { Brand, CaseKind, CaseStatus, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { iso } from '../sla-clock-view';
import { cardDataRemediationReason, onRecordRefused, stopAfterRefusal } from './card-data-guard';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { finalOn, OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';
import { AddEvidenceRequest, addEvidenceUpdate, BillingFailure, BillingRecord, DisputeCarried, disputeClosedSignal, DisputeInput, disputeStatusQuery, DisputeView } from './messages';

const { recordBillingCase } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendNotification, getCharge, listChargeRefunds, stageDisputeEvidence, submitDisputeEvidence, acceptDispute } = proxyActivities<ReturnType<typeof createActivities>>(
  finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']),
);

/**
 * One chargeback, keyed by the gateway's dispute ID: collect the evidence (transaction ID and
 * authorization code from the gateway, the rest from agents), stage it, submit exactly once — as
 * soon as the checklist is complete, or at the internal deadline (due_by − 48 h) with what is staged
 * and the missing items recorded — with reminders ahead of it, then wait for won / lost.
 * Policy may concede (accept) instead; refunds on a disputed charge are refused elsewhere, so the
 * money never goes back twice.
 */
export async function disputeWorkflow(input: DisputeInput): Promise<DisputeView> {
  // The budget first, before any await (it decides, once per run, whether this run may continue as new).
  const c = new DisputeCase(input, Date.now(), new RunBudget(input.runLimits));
  c.registerHandlers();
  return c.run();
}

/** How many of the case's steps its view (and the state carried between runs) holds. */
export const DISPUTE_HISTORY_IN_VIEW = 20;

class DisputeCase {
  private status: DisputeStatus = 'needs_response';
  private evidence: DisputeEvidence = {};
  private decision: DisputeView['decision'] = null;
  private card: DisputeView['card'] = null;
  private paymentIntentId: string | null = null;
  private submittedAt: number | null = null;
  /** The submission is on its way to the gateway: evidence arriving now would not go with it. */
  private submitting = false;
  private closedAt: number | null = null;
  /** The last DISPUTE_HISTORY_IN_VIEW steps (the read model keeps them all) and how many there were. */
  private history: { type: string; actor: string; at: number }[] = [];
  private historyTotal = 0;
  private closedBy: string | null = null;
  private changed = false;
  /** Records wait for this: the 'opened' record, or a continued run's queue, goes first. */
  private opened = false;
  /** The field path of card data that made recordBillingCase refuse the case's record. */
  private refusedPath: string | null = null;
  private remediationReason: string | null = null;
  /** A record refused for any other reason (a NUL byte) flags the case; it goes on. */
  private readonly attention: CaseAttention;
  private readonly openedAt: number;
  /** The contest loop's progress: reminder times, how many went out, whether the missed deadline was told. */
  private reminders: number[] | null = null;
  private sentReminders = 0;
  private missedNotified = false;
  /** JSON of the evidence as last staged at the gateway ('' before the first staging). */
  private stagedFingerprint = '';
  /** The case's change number: every record carries the one it applied (read model order and version). */
  private seq = 0;
  /** Records of changes applied while the run drained: the next run writes them first, in order. */
  private unrecorded: BillingRecord[] = [];
  private readonly carried: DisputeCarried | undefined;

  constructor(
    private readonly input: DisputeInput,
    now: number,
    private readonly budget: RunBudget,
  ) {
    const carried = (this.carried = input.carried);
    this.attention = new CaseAttention(() => ({ caseId: this.input.caseId, kind: 'dispute', brand: this.input.brand, priority: 'billing' }), carried?.attention ?? null);
    if (!carried) {
      this.openedAt = now;
      return;
    }
    // A later run of the same dispute: what the earlier runs decided and did, nothing started again.
    this.openedAt = carried.openedAt;
    this.status = carried.status;
    this.evidence = carried.evidence;
    this.stagedFingerprint = carried.evidenceStaged ? JSON.stringify(carried.evidence) : '';
    this.decision = carried.decision;
    this.card = carried.card;
    this.paymentIntentId = carried.paymentIntentId;
    this.submittedAt = carried.submittedAt;
    this.closedAt = carried.closedAt;
    this.closedBy = carried.closedBy;
    this.history = carried.history;
    this.historyTotal = carried.historyTotal;
    this.reminders = carried.reminders;
    this.sentReminders = carried.sentReminders;
    this.missedNotified = carried.missedNotified;
    this.refusedPath = carried.refusedPath;
    this.remediationReason = carried.remediationReason;
    this.seq = carried.seq;
    this.unrecorded = carried.unrecorded;
  }

  /** Everything the next run needs that its input does not hold. */
  private carry(): DisputeCarried {
    return {
      openedAt: this.openedAt,
      status: this.status,
      evidence: this.evidence,
      evidenceStaged: this.stagedFingerprint === JSON.stringify(this.evidence),
      decision: this.decision,
      card: this.card,
      paymentIntentId: this.paymentIntentId,
      submittedAt: this.submittedAt,
      closedAt: this.closedAt,
      closedBy: this.closedBy,
      history: this.history,
      historyTotal: this.historyTotal,
      reminders: this.reminders ?? [],
      sentReminders: this.sentReminders,
      missedNotified: this.missedNotified,
      refusedPath: this.refusedPath,
      remediationReason: this.remediationReason,
      attention: this.attention.state,
      seq: this.seq,
      unrecorded: this.unrecorded,
    };
  }

  private get deadline(): number {
    return internalDeadline(this.input.dueBy, this.input.policy.disputes);
  }

  view(): DisputeView {
    const view: DisputeView = {
      id: this.input.caseId,
      disputeId: this.input.disputeId,
      chargeId: this.input.chargeId,
      paymentIntentId: this.paymentIntentId,
      brand: this.input.brand,
      status: this.status,
      amountMinor: this.input.amountMinor,
      currency: this.input.currency,
      reason: this.input.reason,
      openedAt: new Date(this.openedAt).toISOString(),
      dueBy: new Date(this.input.dueBy).toISOString(),
      internalDeadline: new Date(this.deadline).toISOString(),
      decision: this.decision,
      card: this.card,
      evidence: { ...this.evidence },
      missingEvidence: missingEvidence(this.evidence),
      submittedAt: iso(this.submittedAt),
      closedAt: iso(this.closedAt),
      history: this.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
      historyTotal: this.historyTotal,
      historyTruncated: this.historyTotal > this.history.length,
      // Only present once a person has to take over (histories from before have no such field).
      ...(this.remediationReason !== null ? { remediationReason: this.remediationReason } : {}),
      ...this.attention.viewField,
    };
    // Once refused, the case shows (and stores) last four digits only.
    return this.refusedPath === null ? view : redactCardData(view);
  }

  registerHandlers(): void {
    setHandler(disputeStatusQuery, () => this.view());
    setHandler(
      addEvidenceUpdate,
      async ({ actor, item, value }: AddEvidenceRequest) => {
        this.budget.countUpdate();
        this.evidence = { ...this.evidence, [item]: value };
        this.changed = true;
        // The value goes on the event (the read model keeps every version); the view shows the latest per item.
        return this.record('evidence_added', actor, { item, value });
      },
      {
        validator: ({ item, value }: AddEvidenceRequest) => {
          if (this.submitting) {
            // The evidence is going to the network (complete, or at the internal deadline) and can no longer change.
            throw ApplicationFailure.nonRetryable('cannot add evidence to a dispute that is submitted (the submission is in progress)', BillingFailure.InvalidTransition, { status: 'submitted', action: 'add_evidence' });
          }
          if (this.status !== 'needs_response' && this.status !== 'evidence_staged') {
            throw ApplicationFailure.nonRetryable(`cannot add evidence to a dispute that is ${this.status.replace(/_/g, ' ')}`, BillingFailure.InvalidTransition, { status: this.status, action: 'add_evidence' });
          }
          if (!(EVIDENCE_ITEMS as readonly string[]).includes(item) || value.trim() === '') {
            throw ApplicationFailure.nonRetryable(`unknown evidence item "${item}" or empty value`, 'InvalidValue', { field: 'item' });
          }
          // Refused before it enters history: evidence text never carries a card number.
          if (containsCardNumber(value)) {
            throw ApplicationFailure.nonRetryable(`value: the ${item} evidence must not contain a card number`, BillingFailure.InvalidValue, { field: 'value' });
          }
        },
      },
    );
    setHandler(disputeClosedSignal, ({ status }) => {
      this.closedBy = status;
      this.changed = true;
    });
  }

  private move(action: DisputeAction, at?: { now: number; deadline: number }): void {
    try {
      this.status = checkDisputeAction(this.status, action, this.evidence, at);
    } catch (err) {
      if (err instanceof InvalidDisputeTransitionError) throw ApplicationFailure.nonRetryable(err.message, BillingFailure.InvalidTransition, { status: this.status, action });
      throw err;
    }
  }

  private pushHistory(type: string, actor: string, at: number): void {
    this.history.push({ type, actor, at });
    this.historyTotal++;
    // Bounded: the view (returned by every update and stored with every record) does not grow with the case.
    if (this.history.length > DISPUTE_HISTORY_IN_VIEW) this.history.splice(0, this.history.length - DISPUTE_HISTORY_IN_VIEW);
  }

  private async record(type: string, actor: string, data: Record<string, unknown>, key?: string): Promise<DisputeView> {
    await condition(() => this.opened || type === 'opened' || this.refusedPath !== null);
    if (this.refusedPath !== null) await stopAfterRefusal(this.refusedPath);
    const now = Date.now();
    const seq = ++this.seq;
    this.pushHistory(type, actor, now);
    this.publish();
    const view = this.view();
    const event: BillingRecord = { seq, eventKey: key ?? `${this.input.caseId}:${type}:${currentUpdateInfo()?.id ?? now}`, type, actor, occurredAt: new Date(now).toISOString(), data };
    // The run is handing over: the next run writes this record first (no new activity now, so draining ends).
    if (this.budget.isDraining) {
      this.unrecorded.push(event);
      return view;
    }
    return (await this.write(event, view, seq)) ? view : this.view();
  }

  /** One record: the snapshot (`version`: the newest change it shows) and its keyed event. */
  private write(event: BillingRecord, snapshot: DisputeView, version: number): Promise<boolean> {
    // Card data: manual remediation (card-data-guard.ts); any other refusal: flagged, the case goes on.
    return this.attention.record(event.type, () =>
      recordBillingCase(
        { kind: 'dispute', id: this.input.caseId, brand: this.input.brand, state: this.status, customerRef: this.input.chargeId, snapshot, version },
        { eventKey: event.eventKey, type: event.type, actor: event.actor, occurredAt: event.occurredAt, data: event.data, seq: event.seq },
      ).catch((err: unknown) => onRecordRefused(err, (path) => (this.refusedPath ??= path))),
    );
  }

  /** A continued run writes what the previous one applied while draining, in order, before anything else. */
  private async writeUnrecorded(): Promise<void> {
    while (this.unrecorded.length > 0) {
      await this.write(this.unrecorded[0], this.view(), this.seq);
      this.unrecorded.shift();
    }
  }

  /**
   * The record held card data: the case is stored redacted in manual remediation and a person is
   * told. The dispute stays open at the gateway: evidence and deadline are theirs now.
   */
  private async remediateCardData(): Promise<DisputeView> {
    const path = this.refusedPath!;
    this.status = 'manual_remediation';
    this.remediationReason = cardDataRemediationReason(path);
    const now = Date.now();
    const seq = ++this.seq;
    this.pushHistory('card_data_refused', 'system', now);
    this.publish();
    // The remediation notice below tells a person; the flag makes the case findable.
    await this.attention.flag('record', { reason: 'card_data_refused', sqlstate: null, field: path }, { notify: false });
    await this.attention.record('card_data_refused', () =>
      recordBillingCase(
        { kind: 'dispute', id: this.input.caseId, brand: this.input.brand, state: this.status, customerRef: this.input.chargeId, snapshot: this.view(), version: seq },
        { eventKey: `${this.input.caseId}:card-data-refused`, type: 'card_data_refused', actor: 'system', occurredAt: new Date(now).toISOString(), data: { path }, seq },
      ),
    );
    await sendNotification({
      key: `${this.input.caseId}:remediation`,
      kind: 'refund_remediation',
      ticketId: this.input.caseId,
      brand: this.input.brand,
      priority: 'billing',
      metric: null,
      level: 'owner',
      recipient: null,
      summary: `dispute ${this.input.disputeId} needs a person before ${new Date(this.deadline).toISOString()}: ${this.remediationReason}`,
    });
    return this.finish();
  }

  private publish(): void {
    const open = this.status === 'needs_response' || this.status === 'evidence_staged';
    upsertSearchAttributes([
      { key: CaseStatus, value: this.status },
      { key: SlaNextDeadline, value: open ? new Date(this.deadline) : null },
      { key: SlaBreached, value: open && Date.now() > this.deadline },
    ]);
    setCurrentDetails(
      [
        `**${this.status}** · ${this.input.reason} · ${this.input.amountMinor} ${this.input.currency} (minor units)`,
        `internal deadline ${new Date(this.deadline).toISOString()} (network due ${new Date(this.input.dueBy).toISOString()})`,
        this.decision ? `decision: ${this.decision.decision} — ${this.decision.rule}` : '',
        `missing evidence: ${missingEvidence(this.evidence).join(', ') || 'none'}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
  }

  private notify(kind: 'dispute_reminder' | 'dispute_deadline_missed', i: number, summary: string) {
    return sendNotification({ key: `${this.input.caseId}:${kind}:${i}`, kind, ticketId: this.input.caseId, brand: this.input.brand, priority: 'billing', metric: null, level: 'owner', recipient: null, summary });
  }

  async run(): Promise<DisputeView> {
    // Whatever step a refused record stops, the case goes to manual remediation (never a retry loop).
    const refused = condition(() => this.refusedPath !== null).then(() => null);
    const done = await Promise.race([this.runCase(), refused]);
    return done ?? this.remediateCardData();
  }

  private async runCase(): Promise<DisputeView> {
    if (this.carried) {
      // A continued run: the opening, the gateway's facts and the decision are done; what the last
      // run applied while draining is written first, then the case goes on where it was.
      upsertSearchAttributes([
        { key: CaseKind, value: 'dispute' },
        { key: Brand, value: this.input.brand },
      ]);
      this.publish();
      await this.writeUnrecorded();
      this.opened = true;
    } else {
      const accepted = await this.open();
      if (accepted) return accepted;
    }
    if (this.status === 'needs_response' || this.status === 'evidence_staged') await this.contest();
    await condition(() => this.closedBy !== null);
    const outcome = this.closedBy === 'won' ? 'won' : 'lost';
    if (this.status === 'submitted') this.move(outcome);
    this.closedAt = Date.now();
    await this.record(outcome, 'gateway', { gatewayStatus: this.closedBy }, `${this.input.caseId}:closed`);
    return this.finish();
  }

  /** The first run: record the opening, read the charge, decide; a conceded dispute ends here (its view returned). */
  private async open(): Promise<DisputeView | null> {
    upsertSearchAttributes([
      { key: CaseKind, value: 'dispute' },
      { key: Brand, value: this.input.brand },
    ]);
    await this.record('opened', 'gateway', { disputeId: this.input.disputeId, reason: this.input.reason, dueBy: new Date(this.input.dueBy).toISOString() }, `${this.input.caseId}:opened`);
    this.opened = true;

    // What the gateway knows goes in first: the transaction ID and the authorization code.
    const charge = await getCharge({ chargeId: this.input.chargeId });
    this.evidence = { ...this.evidence, transaction_id: charge.id, authorization_code: charge.authorizationCode };
    // Histories from before the gateway reported the brand carry no such field: null, not undefined.
    this.card = { brand: charge.brand ?? null, last4: charge.last4 ?? null, threeDSecure: charge.threeDSecure ?? null };
    this.paymentIntentId = charge.paymentIntentId ?? null;
    // The charge's own 3-D Secure outcome decides a fraud claim. Patched: cases decided before the
    // gateway reported it replay with the constant they were decided by.
    const threeDSecure = patched('dispute-3ds-from-charge') ? threeDSecureShiftsLiability(charge.threeDSecure) : false;
    // Never refund and also lose: money already refunded on the charge rules out conceding, and the
    // refunds go into the evidence. Patched, like the 3-D Secure result, for cases decided before.
    const amountRefundedMinor = patched('dispute-refunded-charge') ? charge.amountRefundedMinor : 0;
    if (amountRefundedMinor > 0) {
      const refunds = (await listChargeRefunds({ chargeId: this.input.chargeId })).filter((r) => r.status === 'succeeded' || r.status === 'pending');
      this.evidence = { ...this.evidence, refund_issued: refundEvidenceText(refunds, amountRefundedMinor, charge.currency) };
    }
    this.decision = explainDisputeDecision(this.input.policy.disputes, { amountMinor: this.input.amountMinor, currency: this.input.currency, reason: this.input.reason, threeDSecure, amountRefundedMinor });
    await this.record('decided', 'system', { ...this.decision, ...(amountRefundedMinor > 0 ? { amountRefundedMinor } : {}) }, `${this.input.caseId}:decided`);

    if (this.decision.decision === 'accept') {
      await acceptDispute({ disputeId: this.input.disputeId });
      this.move('accept');
      this.closedAt = Date.now();
      await this.record('accepted', 'system', { rule: this.decision.rule }, `${this.input.caseId}:accepted`);
      return this.finish();
    }
    return null;
  }

  /**
   * Contest: stage what we have, remind before our deadline, submit once — when complete or at the
   * internal deadline. Each turn, once the due work is done, a run that has gathered enough history
   * drains its handlers and continues as new with the case's state (reminders sent, evidence staged,
   * change number), so nothing is staged, reminded or submitted twice across the boundary.
   */
  private async contest(): Promise<void> {
    const decision = this.decision!.decision;
    this.reminders ??= reminderTimes(this.input.dueBy, Date.now(), this.input.policy.disputes);
    const reminders = this.reminders;
    while (this.status === 'needs_response' || this.status === 'evidence_staged') {
      const fingerprint = JSON.stringify(this.evidence);
      if (fingerprint !== this.stagedFingerprint) {
        await stageDisputeEvidence({ disputeId: this.input.disputeId, evidence: this.evidence });
        this.stagedFingerprint = fingerprint;
        if (this.status === 'needs_response') this.move('stage_evidence');
      }
      if (missingEvidence(this.evidence).length === 0) {
        await this.submit('checklist_complete', []);
        return;
      }
      const now = Date.now();
      while (this.sentReminders < reminders.length && reminders[this.sentReminders] <= now) {
        await this.notify('dispute_reminder', this.sentReminders, `dispute ${this.input.disputeId}: evidence missing (${missingEvidence(this.evidence).join(', ')}), internal deadline ${new Date(this.deadline).toISOString()}`);
        await this.record('reminder', 'system', { missing: missingEvidence(this.evidence) }, `${this.input.caseId}:reminder:${this.sentReminders}`);
        this.sentReminders++;
      }
      // The internal deadline came with the checklist incomplete: what is staged goes now, once, rather
      // than losing the dispute by default. Patched: cases that passed their deadline before only
      // notified (and submit later if the checklist is completed), as their history says.
      const due = disputeSubmission(this.evidence, decision, now, this.deadline);
      if (due.submit && due.trigger === 'internal_deadline' && !this.missedNotified && patched('dispute-submit-at-internal-deadline')) {
        await this.submit('internal_deadline', due.missing);
        await this.notify(
          'dispute_deadline_missed',
          0,
          `dispute ${this.input.disputeId}: internal deadline reached with evidence missing (${due.missing.join(', ')}); the staged evidence was submitted; the network's due_by is ${new Date(this.input.dueBy).toISOString()}`,
        );
        return;
      }
      if (!this.missedNotified && now >= this.deadline) {
        this.missedNotified = true;
        await this.notify('dispute_deadline_missed', 0, `dispute ${this.input.disputeId}: internal deadline passed with evidence missing; the network's due_by is ${new Date(this.input.dueBy).toISOString()}`);
        await this.record('internal_deadline_missed', 'system', { missing: missingEvidence(this.evidence) }, `${this.input.caseId}:deadline-missed`);
      }
      const next = [reminders[this.sentReminders], this.missedNotified ? undefined : this.deadline].filter((t): t is number => t !== undefined);
      this.changed = false;
      if (this.closedBy) return;
      if (this.budget.spent()) {
        await this.budget.drain();
        await continueAsNew<typeof disputeWorkflow>({ ...this.input, carried: this.carry() });
      }
      if (next.length) await condition(() => this.changed, Math.max(1, Math.min(...next) - Date.now()));
      else await condition(() => this.changed);
    }
  }

  /**
   * Sends the staged evidence to the network, exactly once: the activity's input (and so the
   * gateway's idempotency key, derived from it) is fixed in history, so a retried activity or a
   * replayed workflow sends the same request and Stripe answers it once. Evidence arriving while it
   * is in flight is refused (it would not go with it).
   */
  private async submit(trigger: SubmissionTrigger, missing: EvidenceItem[]): Promise<void> {
    this.submitting = true;
    try {
      await submitDisputeEvidence({ disputeId: this.input.disputeId, evidence: this.evidence });
    } finally {
      this.submitting = false;
    }
    this.move('submit', trigger === 'internal_deadline' ? { now: Date.now(), deadline: this.deadline } : undefined);
    this.submittedAt = Date.now();
    // Histories from before: the complete-checklist event carried only beforeInternalDeadline (data is not replayed).
    await this.record(
      'submitted',
      'system',
      { beforeInternalDeadline: this.submittedAt <= this.deadline, beforeDueBy: this.submittedAt <= this.input.dueBy, trigger, missing },
      `${this.input.caseId}:submitted`,
    );
  }

  private async finish(): Promise<DisputeView> {
    await condition(allHandlersFinished);
    return this.view();
  }
}
