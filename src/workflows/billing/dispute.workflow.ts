import { allHandlersFinished, condition, continueAsNew, deprecatePatch, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  checkDisputeAction,
  DisputeAction,
  DisputeEvidence,
  DisputeStatus,
  disputeSubmission,
  EvidenceItem,
  explainDisputeDecision,
  internalDeadline,
  missingEvidence,
  refundEvidenceText,
  reminderTimes,
  SubmissionTrigger,
  threeDSecureShiftsLiability,
} from '../../domain/billing/dispute';
import { disputeSchedule } from '../../domain/billing/schedule';
import { iso } from '../sla-clock-view';
import { cardDataRemediationReason } from './card-data-guard';
import { BillingRecorder } from './billing-recorder';
import { checkEvidenceRequest } from './dispute-evidence';
import { publishDispute } from './dispute-view';
import { earliest, runAgenda, Wakeup } from '../common/agenda';
import { publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { asRefusal } from '../common/refusals';
import { RunBudget } from '../common/run-budget';
import { finalOn, OUTSIDE_SERVICE } from '../common/retry-policies';
import { AddEvidenceRequest, addEvidenceUpdate, DisputeCarried, disputeClosedSignal, DisputeInput, disputeStatusQuery, DisputeView } from './messages';

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
  /** Poked by evidence and by the network's decision: the contest loop looks again. */
  private readonly wakeup = new Wakeup();
  private readonly recorder: BillingRecorder<DisputeView>;
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
  private readonly carried: DisputeCarried | undefined;

  constructor(
    private readonly input: DisputeInput,
    now: number,
    private readonly budget: RunBudget,
  ) {
    const carried = (this.carried = input.carried);
    this.attention = new CaseAttention(() => ({ caseId: this.input.caseId, kind: 'dispute', brand: this.input.brand, priority: 'billing' }), carried?.attention ?? null);
    this.recorder = new BillingRecorder(
      {
        kind: 'dispute',
        caseId: input.caseId,
        brand: input.brand,
        customerRef: input.chargeId,
        state: () => this.status,
        attention: this.attention,
        budget,
        wakeup: this.wakeup,
        view: () => this.view(),
        publish: () => this.publish(),
        carried,
        alwaysAwaitTurn: true,
      },
      carried?.refusedPath ?? null,
    );
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
    this.remediationReason = carried.remediationReason;
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
      refusedPath: this.recorder.refusedPath,
      remediationReason: this.remediationReason,
      attention: this.attention.state,
      ...this.recorder.carry(),
    };
  }

  private get deadline(): number {
    return internalDeadline(this.input.dueBy, this.input.policy.disputes);
  }

  view(): DisputeView {
    return this.recorder.shown(this.rawView());
  }

  private get isOpen(): boolean {
    return this.status === 'needs_response' || this.status === 'evidence_staged';
  }

  private rawView(): DisputeView {
    return {
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
  }

  registerHandlers(): void {
    setHandler(disputeStatusQuery, () => this.view());
    setHandler(
      addEvidenceUpdate,
      async ({ actor, item, value }: AddEvidenceRequest) => {
        this.budget.countUpdate();
        this.evidence = { ...this.evidence, [item]: value };
        // The value goes on the event (the read model keeps every version); the view shows the latest per item.
        return this.record('evidence_added', actor, { item, value });
      },
      { validator: (request: AddEvidenceRequest) => checkEvidenceRequest(this.status, this.submitting, request) },
    );
    setHandler(disputeClosedSignal, ({ status }) => {
      this.closedBy = status;
      this.wakeup.poke();
    });
  }

  private move(action: DisputeAction, at?: { now: number; deadline: number }): void {
    this.status = asRefusal(() => checkDisputeAction(this.status, action, this.evidence, at));
  }

  private pushHistory(type: string, actor: string, at: number): void {
    this.history.push({ type, actor, at });
    this.historyTotal++;
    // Bounded: the view (returned by every update and stored with every record) does not grow with the case.
    if (this.history.length > DISPUTE_HISTORY_IN_VIEW) this.history.splice(0, this.history.length - DISPUTE_HISTORY_IN_VIEW);
  }

  private record(type: string, actor: string, data: Record<string, unknown>, key?: string): Promise<DisputeView> {
    return this.recorder.record(type, actor, data, key, () => this.pushHistory(type, actor, Date.now()));
  }

  /**
   * The record held card data: the case is stored redacted in manual remediation and a person is
   * told. The dispute stays open at the gateway: evidence and deadline are theirs now.
   */
  private async remediateCardData(): Promise<DisputeView> {
    this.status = 'manual_remediation';
    this.remediationReason = cardDataRemediationReason(this.recorder.refusedPath ?? '(unknown)');
    const now = Date.now();
    this.pushHistory('card_data_refused', 'system', now);
    this.publish();
    const summary = `dispute ${this.input.disputeId} needs a person before ${new Date(this.deadline).toISOString()}: ${this.remediationReason}`;
    await this.recorder.recordRefusal(this.input.chargeId, now, { key: `${this.input.caseId}:remediation`, recipient: null, summary });
    return this.finish();
  }

  private publish(): void {
    publishDispute(this.rawView(), this.deadline, this.input.dueBy, this.recorder.recent);
  }

  private notify(kind: 'dispute_reminder' | 'dispute_deadline_missed', i: number, summary: string) {
    return sendNotification({ key: `${this.input.caseId}:${kind}:${i}`, kind, ticketId: this.input.caseId, brand: this.input.brand, priority: 'billing', metric: null, level: 'owner', recipient: null, summary });
  }

  async run(): Promise<DisputeView> {
    // Whatever step a refused record stops, the case goes to manual remediation (never a retry loop).
    const done = await Promise.race([this.runCase(), this.recorder.refusal()]);
    return done ?? this.remediateCardData();
  }

  private async runCase(): Promise<DisputeView> {
    publishCaseKind('dispute', this.input.brand);
    if (this.carried) {
      // A continued run: the opening, the gateway's facts and the decision are done; what the last
      // run applied while draining is written first, then the case goes on where it was.
      this.publish();
      await this.recorder.start(null);
    } else {
      const accepted = await this.open();
      if (accepted) return accepted;
    }
    if (this.isOpen) await this.contest();
    await condition(() => this.closedBy !== null);
    const outcome = this.closedBy === 'won' ? 'won' : 'lost';
    if (this.status === 'submitted') this.move(outcome);
    this.closedAt = Date.now();
    await this.record(outcome, 'gateway', { gatewayStatus: this.closedBy }, `${this.input.caseId}:closed`);
    return this.finish();
  }

  /** The first run: record the opening, read the charge, decide; a conceded dispute ends here (its view returned). */
  private async open(): Promise<DisputeView | null> {
    this.pushHistory('opened', 'gateway', this.openedAt);
    this.publish();
    await this.recorder.start({ type: 'opened', actor: 'gateway', occurredAt: this.openedAt, data: { disputeId: this.input.disputeId, reason: this.input.reason, dueBy: new Date(this.input.dueBy).toISOString() } });

    // What the gateway knows goes in first: the transaction ID and the authorization code.
    const charge = await getCharge({ chargeId: this.input.chargeId });
    this.evidence = { ...this.evidence, transaction_id: charge.id, authorization_code: charge.authorizationCode };
    // Histories from before the gateway reported the brand carry no such field: null, not undefined.
    this.card = { brand: charge.brand ?? null, last4: charge.last4 ?? null, threeDSecure: charge.threeDSecure ?? null };
    this.paymentIntentId = charge.paymentIntentId ?? null;
    // The charge's own 3-D Secure outcome decides a fraud claim, and money already refunded on the
    // charge rules out conceding (never refund and also lose; the refunds go into the evidence).
    // Both were patches: their retired markers are still written here, so older histories replay.
    deprecatePatch('dispute-3ds-from-charge');
    const threeDSecure = threeDSecureShiftsLiability(charge.threeDSecure);
    deprecatePatch('dispute-refunded-charge');
    const amountRefundedMinor = charge.amountRefundedMinor;
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
   * internal deadline. Each turn a run that has gathered enough history drains its handlers and
   * continues as new with the case's state (reminders sent, evidence staged, change number), so
   * nothing is staged, reminded or submitted twice across the boundary.
   */
  private async contest(): Promise<void> {
    const decision = this.decision!.decision;
    this.reminders ??= reminderTimes(this.input.dueBy, Date.now(), this.input.policy.disputes);
    const reminders = this.reminders;
    await runAgenda(
      this.input.caseId,
      {
        finished: () => !this.isOpen || this.closedBy !== null,
        nextDue: (now) => {
          // Evidence that came in since the last turn is due at once: staged, and sent if it completes the checklist.
          const evidencePending = JSON.stringify(this.evidence) !== this.stagedFingerprint || missingEvidence(this.evidence).length === 0;
          const state = { dueBy: this.input.dueBy, reminders, sentReminders: this.sentReminders, missedNotified: this.missedNotified, evidencePending };
          return earliest(disputeSchedule(state, this.input.policy.disputes, now));
        },
        fireDue: async (now) => {
          await this.stageEvidence();
          await this.fireDue(now, decision);
        },
      },
      this.wakeup,
      this.budget,
      () => continueAsNew<typeof disputeWorkflow>({ ...this.input, carried: this.carry() }),
    );
  }

  private async stageEvidence(): Promise<void> {
    if (!this.isOpen) return;
    const fingerprint = JSON.stringify(this.evidence);
    if (fingerprint !== this.stagedFingerprint) {
      await stageDisputeEvidence({ disputeId: this.input.disputeId, evidence: this.evidence });
      this.stagedFingerprint = fingerprint;
      if (this.status === 'needs_response') {
        this.move('stage_evidence');
        // Recorded, so the read model (its state column, the customer view, the API's fallback)
        // follows the move; before the patch it waited for the case's next record. Item names only.
        if (patched('dispute-record-evidence-staged')) await this.record('evidence_staged', 'system', { staged: Object.keys(this.evidence).sort() }, `${this.input.caseId}:evidence-staged`);
      }
    }
    if (missingEvidence(this.evidence).length === 0) await this.submit('checklist_complete', []);
  }

  /** Reminders that came due, then the internal deadline: what is staged goes now, once, rather than losing by default. */
  private async fireDue(now: number, decision: 'contest' | 'accept'): Promise<void> {
    if (!this.isOpen) return;
    const reminders = this.reminders!;
    while (this.sentReminders < reminders.length && reminders[this.sentReminders] <= now) {
      await this.notify('dispute_reminder', this.sentReminders, `dispute ${this.input.disputeId}: evidence missing (${missingEvidence(this.evidence).join(', ')}), internal deadline ${new Date(this.deadline).toISOString()}`);
      await this.record('reminder', 'system', { missing: missingEvidence(this.evidence) }, `${this.input.caseId}:reminder:${this.sentReminders}`);
      this.sentReminders++;
    }
    // A case carried from before this rule (missedNotified) only told a person, as its history says.
    // The retired patch's marker is still written at this point, so older histories replay.
    const due = disputeSubmission(this.evidence, decision, now, this.deadline);
    if (due.submit && due.trigger === 'internal_deadline' && !this.missedNotified) {
      deprecatePatch('dispute-submit-at-internal-deadline');
      await this.submit('internal_deadline', due.missing);
      await this.notify(
        'dispute_deadline_missed',
        0,
        `dispute ${this.input.disputeId}: internal deadline reached with evidence missing (${due.missing.join(', ')}); the staged evidence was submitted; the network's due_by is ${new Date(this.input.dueBy).toISOString()}`,
      );
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
