import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { agentNote } from '../../domain/billing/agent-note';
import { checkDunningAccountChange, checkDunningIdentityConfirmation, DunningAccountChange, DunningAttempt, DunningStatus, dunningSchedule } from '../../domain/billing/dunning';
import { dunningStepSchedule } from '../../domain/billing/schedule';
import { CaseStatus, SlaNextDeadline } from '../search-attributes';
import { iso } from '../sla-clock-view';
import { redactCardData } from '../../domain/billing/card-redaction';
import { cardDataRemediationReason } from './card-data-guard';
import { asBillingFailure, IdentityGate } from './identity-gate';
import { BillingRecorder } from './billing-recorder';
import { dunningMessage, publishDunning } from './dunning-view';
import { earliest, runAgenda, Wakeup } from '../common/agenda';
import { publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { finalOn, OUTSIDE_SERVICE } from '../common/retry-policies';
import { applyRetentionOfferUpdate, cancelSubscriptionNowUpdate, confirmDunningIdentityUpdate, DunningCarried, DunningInput, dunningStatusQuery, DunningView, invoicePaidSignal } from './messages';

const { sendNotification, cancelSubscription, updateCrm } = proxyActivities<ReturnType<typeof createActivities>>(finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']));

/**
 * A failed renewal (invoice.payment_failed), keyed by the invoice: the policy's schedule of
 * messages (update-card link, retention offer, final notice) and, at its end, the cancellation —
 * unless invoice.paid arrives first (recovered). Each step happens once, on a durable timer.
 *
 * Agents act on the account for the customer (cancel now, apply the retention offer) only after
 * their confirm-identity update is on the record: the validators refuse it before (HTTP 409).
 */
export async function dunningWorkflow(input: DunningInput): Promise<DunningView> {
  // The budget first, before any await (it decides, once per run, whether this run may continue as new).
  const c = new DunningCase(input, Date.now(), new RunBudget(input.runLimits));
  c.registerHandlers();
  return c.run();
}

class DunningCase {
  /** The whole schedule, derived from the input again on every run. */
  private readonly steps: DunningAttempt[];
  /** Attempts of the schedule already taken (each happens once). */
  private readonly done: Set<number>;
  private readonly identity: IdentityGate;
  private status: DunningStatus;
  private paid: boolean;
  // Set as a cancellation starts, before its activity runs: the schedule stops at once (agent), and
  // no agent change is accepted while the schedule's own cancellation is under way.
  private agentCancelling: boolean;
  private scheduleCancelling = false;
  private retentionOffer: DunningView['retentionOffer'];
  private cancellation: DunningView['cancellation'];
  private closedAt: number | null;
  private remediationReason: string | null;
  private readonly customerRef: string;
  /** A record refused for any other reason (a NUL byte) flags the case; it goes on. */
  private readonly attention: CaseAttention;
  /**
   * Poked only by what ends the schedule early (paid, an agent's cancellation): an agent's other
   * updates do not touch a step's timer, so the recorder's pokes go to a wakeup nobody waits on.
   */
  private readonly scheduleWakeup = new Wakeup();
  private readonly recorder: BillingRecorder<DunningView>;
  private readonly carried: DunningCarried | undefined;

  constructor(
    private readonly input: DunningInput,
    private readonly openedAt: number,
    private readonly budget: RunBudget,
  ) {
    const carried = (this.carried = input.carried);
    this.steps = dunningSchedule(input.failedAt, input.policy.dunning);
    this.done = new Set<number>(carried?.done ?? []);
    this.identity = new IdentityGate(carried?.identity ?? null);
    this.status = carried?.status ?? 'dunning';
    this.paid = carried?.paid ?? false;
    this.agentCancelling = carried?.agentCancelling ?? false;
    this.retentionOffer = carried?.retentionOffer ?? null;
    this.cancellation = carried?.cancellation ?? null;
    this.closedAt = carried?.closedAt ?? null;
    this.remediationReason = carried?.remediationReason ?? null;
    this.customerRef = input.customerId ?? input.invoiceId;
    this.attention = new CaseAttention(() => ({ caseId: input.caseId, kind: 'dunning', brand: input.brand, priority: 'billing' }), carried?.attention ?? null);
    this.recorder = new BillingRecorder({
      kind: 'dunning',
      caseId: input.caseId,
      brand: input.brand,
      customerRef: this.customerRef,
      state: () => this.status,
      attention: this.attention,
      budget,
      wakeup: new Wakeup(),
      view: () => this.view(),
      publish: () => publishDunning(this.rawView(), this.recorder.recent),
      carried,
    });
  }

  /** Everything the next run needs that its input does not hold. */
  private carry(): DunningCarried {
    return {
      status: this.status,
      paid: this.paid,
      agentCancelling: this.agentCancelling,
      done: [...this.done],
      identity: this.identity.record,
      retentionOffer: this.retentionOffer,
      cancellation: this.cancellation,
      closedAt: this.closedAt,
      remediationReason: this.remediationReason,
      attention: this.attention.state,
      ...this.recorder.carry(),
    };
  }

  view(): DunningView {
    return this.recorder.shown(this.rawView());
  }

  private rawView(): DunningView {
    return {
      id: this.input.caseId,
      invoiceId: this.input.invoiceId,
      subscriptionId: this.input.subscriptionId,
      brand: this.input.brand,
      status: this.status,
      amountDueMinor: this.input.amountDueMinor,
      currency: this.input.currency,
      failedAt: new Date(this.input.failedAt).toISOString(),
      steps: this.steps.map((s) => ({ attempt: s.attempt, kind: s.kind, at: new Date(s.at).toISOString(), done: this.done.has(s.attempt) })),
      identity: this.identity.record,
      retentionOffer: this.retentionOffer,
      cancellation: this.cancellation,
      closedAt: iso(this.closedAt),
      ...(this.remediationReason !== null ? { remediationReason: this.remediationReason } : {}),
      ...this.attention.viewField,
    };
  }

  private record(type: string, data: Record<string, unknown>, key?: string, actor = 'system'): Promise<DunningView> {
    return this.recorder.record(type, actor, data, key);
  }

  // A refused record ends the case at once for validators: no account change after it (validators
  // do not run on replay, so this reads live state safely).
  private effectiveStatus(): DunningStatus {
    return this.recorder.refusedPath !== null ? 'manual_remediation' : this.agentCancelling ? 'cancelled' : this.scheduleCancelling ? 'exhausted' : this.status;
  }

  private checkAccountChange(action: DunningAccountChange): void {
    asBillingFailure(() => checkDunningAccountChange({ status: this.effectiveStatus(), identity: this.identity.record, offerApplied: this.retentionOffer !== null }, action));
  }

  registerHandlers(): void {
    const { caseId, invoiceId, subscriptionId } = this.input;
    setHandler(dunningStatusQuery, () => this.view());
    setHandler(invoicePaidSignal, () => {
      this.paid = true;
      this.scheduleWakeup.poke();
    });
    setHandler(
      confirmDunningIdentityUpdate,
      async (request) => {
        this.budget.countUpdate();
        const { method } = this.identity.confirm(request);
        return this.record('confirm_identity', { method }, undefined, request.actor);
      },
      {
        validator: (request) => {
          asBillingFailure(() => checkDunningIdentityConfirmation({ status: this.effectiveStatus(), identity: this.identity.record }));
          this.identity.validate(request);
        },
      },
    );
    setHandler(
      applyRetentionOfferUpdate,
      async ({ actor, offer }) => {
        this.budget.countUpdate();
        this.retentionOffer = { offer: agentNote('offer', offer), appliedBy: actor, at: new Date(Date.now()).toISOString() };
        await updateCrm({ key: `${caseId}:crm:offer`, caseId, customerRef: this.customerRef, event: 'dunning_offer_applied', data: { invoiceId, offer: this.retentionOffer.offer } });
        return this.record('retention_offer_applied', { offer: this.retentionOffer.offer }, `${caseId}:offer-applied`, actor);
      },
      {
        validator: ({ offer }) => {
          this.checkAccountChange('apply_retention_offer');
          asBillingFailure(() => agentNote('offer', offer));
        },
      },
    );
    setHandler(
      cancelSubscriptionNowUpdate,
      async ({ actor, reason }) => {
        this.budget.countUpdate();
        this.agentCancelling = true;
        this.scheduleWakeup.poke();
        if (subscriptionId) await cancelSubscription({ subscriptionId });
        this.status = 'cancelled';
        this.cancellation = { by: actor, reason: agentNote('reason', reason, 500), at: new Date(Date.now()).toISOString() };
        this.closedAt = Date.now();
        await updateCrm({ key: `${caseId}:crm:cancelled`, caseId, customerRef: this.customerRef, event: 'dunning_cancelled_by_customer', data: { invoiceId } });
        return this.record('cancelled_by_agent', { subscriptionId, reason: this.cancellation.reason }, `${caseId}:cancelled`, actor);
      },
      {
        validator: ({ reason }) => {
          this.checkAccountChange('cancel_subscription');
          asBillingFailure(() => agentNote('reason', reason, 500));
        },
      },
    );
  }

  async run(): Promise<DunningView> {
    publishCaseKind('dunning', this.input.brand);
    // Whatever step a refused record stops, the case goes to manual remediation (never a retry loop).
    const finished = await Promise.race([this.runCase(), this.recorder.refusal()]);
    return finished ?? this.remediateCardData();
  }

  private async runCase(): Promise<DunningView> {
    if (this.carried) {
      // A continued run: what the last run applied while draining is written first, in order; an
      // agent's cancellation during the drain already closed the case.
      await this.recorder.start(null);
      if (this.status !== 'dunning') return this.finish();
    } else {
      publishDunning(this.rawView(), this.recorder.recent);
      await this.recorder.start({ type: 'opened', actor: 'system', occurredAt: this.openedAt, data: { invoiceId: this.input.invoiceId } });
    }
    await runAgenda(
      this.input.caseId,
      {
        finished: () => this.paid || this.agentCancelling || this.status !== 'dunning',
        nextDue: (now) => {
          // A step already due still waits a 1 ms timer first, as this case's histories recorded it.
          const due = earliest(dunningStepSchedule(this.steps, this.done));
          return due && { ...due, at: Math.max(due.at, now + 1) };
        },
        fireDue: (now) => this.takeStep(now),
      },
      this.scheduleWakeup,
      this.budget,
      () => continueAsNew<typeof dunningWorkflow>({ ...this.input, carried: this.carry() }),
    );
    // The schedule's own cancellation closed the case; otherwise it ended paid (or an agent cancelled).
    if (this.status === 'dunning' && !this.agentCancelling) {
      this.status = 'recovered';
      this.closedAt = Date.now();
      await this.record('recovered', {}, `${this.input.caseId}:recovered`);
      await updateCrm({ key: `${this.input.caseId}:crm:recovered`, caseId: this.input.caseId, customerRef: this.customerRef, event: 'dunning_recovered', data: { invoiceId: this.input.invoiceId } });
    }
    return this.finish();
  }

  /** The step whose time came, once; nothing when paid or an agent is cancelling (the schedule stops). */
  private async takeStep(now: number): Promise<void> {
    const step = this.steps.find((s) => !this.done.has(s.attempt));
    if (this.paid || this.agentCancelling || !step || step.at > now) return;
    this.done.add(step.attempt);
    const { caseId, subscriptionId } = this.input;
    const key = `${caseId}:step:${step.attempt}`;
    if (step.kind === 'cancel') {
      this.scheduleCancelling = true;
      if (subscriptionId) await cancelSubscription({ subscriptionId });
      this.status = 'exhausted';
      this.closedAt = Date.now();
      await this.record('cancelled', { subscriptionId }, key);
      await updateCrm({ key: `${caseId}:crm:exhausted`, caseId, customerRef: this.customerRef, event: 'dunning_exhausted', data: { invoiceId: this.input.invoiceId } });
      return;
    }
    // The customer took the offer through an agent: do not offer it again.
    if (step.kind === 'retention_offer' && this.retentionOffer !== null) {
      await this.record('retention_offer_skipped', { attempt: step.attempt }, key);
      return;
    }
    await sendNotification({ key, kind: 'dunning', ticketId: caseId, brand: this.input.brand, priority: 'billing', metric: null, level: 'customer', recipient: this.input.customerId, summary: dunningMessage(step.kind, this.input) });
    await this.record(step.kind, { attempt: step.attempt }, key);
  }

  private async remediateCardData(): Promise<DunningView> {
    this.status = 'manual_remediation';
    this.remediationReason = cardDataRemediationReason(this.recorder.refusedPath ?? '(unknown)');
    this.closedAt = Date.now();
    upsertSearchAttributes([
      { key: CaseStatus, value: this.status },
      { key: SlaNextDeadline, value: null },
    ]);
    const summary = `dunning case of invoice ${this.input.invoiceId} needs a person: ${this.remediationReason}`;
    await this.recorder.recordRefusal(redactCardData(this.customerRef), this.closedAt, { key: `${this.input.caseId}:remediation`, recipient: null, summary });
    return this.finish();
  }

  private async finish(): Promise<DunningView> {
    // An agent's cancellation finishes (gateway, CRM, record) before the case closes.
    await condition(allHandlersFinished);
    return this.view();
  }
}
