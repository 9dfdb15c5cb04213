import { formatDuration } from '../../domain/ui-details';
import { ActivityFailure, allHandlersFinished, condition, continueAsNew, deprecatePatch, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { settlementWindow } from '../../domain/billing/billing-policy';
import { checkRefundAction, RefundAction, refundEligibility, refundIdempotencyKey, RefundState } from '../../domain/billing/refund';
import { refundSettlementSchedule } from '../../domain/billing/schedule';
import { iso } from '../sla-clock-view';
import { redactCardData } from '../../domain/billing/card-redaction';
import { cardDataRemediationReason } from './card-data-guard';
import { IdentityGate } from './identity-gate';
import { BillingRecorder } from './billing-recorder';
import { publishRefund } from './refund-view';
import { refundCrmUpdate, refundNotice, RefundNoticeKind } from './refund-notices';
import { earliest, Wakeup } from '../common/agenda';
import { publishCaseKind } from '../common/case-recorder';
import { CaseAttention } from '../common/needs-attention';
import { asRefusal } from '../common/refusals';
import { RunBudget } from '../common/run-budget';
import { finalOn, OUTSIDE_SERVICE } from '../common/retry-policies';
import { ConfirmIdentityRequest, confirmIdentityUpdate, RefundCarried, RefundInput, refundStatusQuery, refundUpdatedSignal, RefundView, retentionAnswerUpdate } from './messages';

const { cancelSubscription, getCharge, getRefund } = proxyActivities<ReturnType<typeof createActivities>>(finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']));
// Money moves here. The idempotency key is the business case's (refund:<caseId>), never the run's,
// so a retried activity, a replay or a reset workflow reaches the same refund at the gateway. The
// timeout is above the gateway client's own (10 s) so a dead worker's attempt is retried quickly.
const { createRefund } = proxyActivities<ReturnType<typeof createActivities>>({ ...finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']), startToCloseTimeout: '15 seconds' });

/**
 * A refund case, exactly once: identity first (no money moves before), eligibility from the
 * pinned policy with its inputs on the record, an optional retention offer, the cancellation, one
 * refund at the gateway, then settlement (webhook signal or polling) with the 5–7 business-day
 * clock, a receipt and the CRM. Anything the machine cannot finish goes to manual remediation
 * with the gateway's reason.
 */
export async function refundWorkflow(input: RefundInput): Promise<RefundView> {
  // The budget first, before any await (it decides, once per run, whether this run may continue as new).
  const c = new RefundCase(input, Date.now(), new RunBudget(input.runLimits));
  c.registerHandlers();
  return c.run();
}

class RefundCase {
  private state: RefundState = 'identity_pending';
  private readonly identity: IdentityGate;
  private eligibility: RefundView['eligibility'] = null;
  private retention: RefundView['retention'] = null;
  private charge: RefundView['charge'] = null;
  private refund: RefundView['refund'] = null;
  private settlement: RefundView['settlement'] = null;
  private remediationReason: string | null = null;
  private closedAt: number | null = null;
  private gatewayUpdate: { status: string; failureReason: string | null } | null = null;
  /** Poked by the gateway's webhook news while the refund settles. */
  private readonly wakeup = new Wakeup();
  private readonly recorder: BillingRecorder<RefundView>;
  /** A record refused for any other reason (a NUL byte) flags the case; it goes on. */
  private readonly attention: CaseAttention;
  private readonly openedAt: number;
  private readonly carried: RefundCarried | undefined;

  constructor(
    private readonly input: RefundInput,
    now: number,
    private readonly budget: RunBudget,
  ) {
    const carried = (this.carried = input.carried);
    this.attention = new CaseAttention(() => ({ caseId: this.input.caseId, kind: 'refund', brand: this.input.brand, priority: 'billing' }), carried?.attention ?? null);
    this.identity = new IdentityGate(carried?.identity ?? null);
    this.recorder = new BillingRecorder({
      kind: 'refund',
      caseId: input.caseId,
      brand: input.brand,
      customerRef: input.customerRef,
      state: () => this.state,
      attention: this.attention,
      budget,
      wakeup: this.wakeup,
      view: () => this.view(),
      publish: () => this.publish(),
      carried,
      alwaysAwaitTurn: true,
    });
    if (!carried) {
      this.openedAt = now;
      return;
    }
    // A later run of a settling refund: everything the earlier runs did, the refund at the gateway included.
    this.openedAt = carried.openedAt;
    this.state = carried.state;
    this.eligibility = carried.eligibility;
    this.retention = carried.retention;
    this.charge = carried.charge;
    this.refund = carried.refund;
    this.settlement = carried.settlement;
    this.remediationReason = carried.remediationReason;
    this.closedAt = carried.closedAt;
    this.gatewayUpdate = carried.gatewayUpdate;
  }

  /** Everything the next run needs that its input does not hold. */
  private carry(): RefundCarried {
    return {
      openedAt: this.openedAt,
      state: this.state,
      identity: this.identity.record,
      eligibility: this.eligibility,
      retention: this.retention,
      charge: this.charge,
      refund: this.refund,
      settlement: this.settlement,
      remediationReason: this.remediationReason,
      closedAt: this.closedAt,
      gatewayUpdate: this.gatewayUpdate,
      attention: this.attention.state,
      ...this.recorder.carry(),
    };
  }

  view(): RefundView {
    return this.recorder.shown(this.rawView());
  }

  private rawView(): RefundView {
    return {
      id: this.input.caseId,
      brand: this.input.brand,
      state: this.state,
      customerRef: this.input.customerRef,
      subscriptionId: this.input.subscriptionId,
      chargeId: this.input.chargeId,
      agent: this.input.agent,
      reason: this.input.reason,
      openedAt: new Date(this.openedAt).toISOString(),
      identity: this.identity.record,
      eligibility: this.eligibility,
      retention: this.retention,
      charge: this.charge,
      refund: this.refund,
      settlement: this.settlement,
      remediationReason: this.remediationReason,
      closedAt: iso(this.closedAt),
      ...this.attention.viewField,
    };
  }

  registerHandlers(): void {
    setHandler(refundStatusQuery, () => this.view());
    setHandler(
      confirmIdentityUpdate,
      async (request) => {
        this.budget.countUpdate();
        const { method } = this.identity.confirm(request);
        return this.move('confirm_identity', request.actor, { method });
      },
      {
        validator: (request: ConfirmIdentityRequest) => {
          this.check('confirm_identity');
          this.identity.validate(request);
        },
      },
    );
    setHandler(
      retentionAnswerUpdate,
      async ({ actor, accepted }) => {
        this.budget.countUpdate();
        this.retention = { ...this.retention!, answer: accepted ? 'accepted' : 'declined', answeredAt: new Date(Date.now()).toISOString() };
        return this.move(accepted ? 'accept_offer' : 'decline_offer', actor, {});
      },
      { validator: ({ accepted }) => this.check(accepted ? 'accept_offer' : 'decline_offer') },
    );
    setHandler(refundUpdatedSignal, ({ refundId, status, failureReason }) => {
      // Only our refund's news counts; a webhook for another refund on the charge is not ours.
      if (this.refund?.gatewayRefundId !== refundId) return;
      this.gatewayUpdate = { status, failureReason };
      this.wakeup.poke();
    });
  }

  private check(action: RefundAction): void {
    asRefusal(() => checkRefundAction(this.state, action));
  }

  /** Applies a transition the domain allows, publishes it and records it (snapshot + keyed event). */
  private async move(action: RefundAction, actor: string, data: Record<string, unknown>, key?: string): Promise<RefundView> {
    this.state = checkRefundAction(this.state, action);
    return this.record(action, actor, data, key);
  }

  private record(type: string, actor: string, data: Record<string, unknown>, key?: string): Promise<RefundView> {
    return this.recorder.record(type, actor, data, key, () => {
      if (['settled', 'failed', 'retained', 'manual_remediation'].includes(this.state) && this.closedAt === null) this.closedAt = Date.now();
    });
  }

  /** The record held card data: stored redacted, in manual remediation, and a person is told. */
  private async remediateCardData(): Promise<RefundView> {
    this.state = 'manual_remediation';
    this.remediationReason = cardDataRemediationReason(this.recorder.refusedPath ?? '(unknown)');
    this.closedAt ??= Date.now();
    this.publish();
    const notice = { key: `${this.input.caseId}:refund_remediation`, recipient: this.input.agent, summary: `refund case needs a person: ${this.remediationReason}` };
    await this.recorder.recordRefusal(redactCardData(this.input.customerRef), Date.now(), notice);
    return this.finish();
  }

  private publish(): void {
    publishRefund(this.rawView(), this.recorder.recent);
  }

  private async remediate(reason: string): Promise<void> {
    this.remediationReason = reason;
    await this.move('escalate', 'system', { reason }, `${this.input.caseId}:manual-remediation`);
    await this.notify('refund_remediation', 'owner', this.input.agent, `refund case needs a person: ${reason}`);
  }

  private notify(kind: RefundNoticeKind, level: 'owner' | 'customer' | 'manager', recipient: string | null, summary: string) {
    return refundNotice(this.input, kind, level, recipient, summary);
  }

  async run(): Promise<RefundView> {
    publishCaseKind('refund', this.input.brand);
    this.publish();
    // Whatever step a refused record stops, the case goes to manual remediation (never a retry loop).
    const done = await Promise.race([this.runCase(), this.recorder.refusal()]);
    return done ?? this.remediateCardData();
  }

  private async runCase(): Promise<RefundView> {
    if (this.carried) {
      // A continued run (only a settling refund continues as new): what the last run applied while
      // draining is written first, then the settlement goes on; the refund is never requested again.
      await this.recorder.start(null);
      return this.settle();
    }
    const policy = this.input.policy;
    await this.recorder.start({ type: 'opened', actor: this.input.openedBy, occurredAt: this.openedAt, data: { reason: this.input.reason, policyVersion: policy.version } });

    // 1. Identity first: nothing happens to the account, and no money moves, before it.
    if (!(await condition(() => this.state !== 'identity_pending', policy.refunds.identityTimeoutMs, { summary: `identity confirmation due (${formatDuration(policy.refunds.identityTimeoutMs)})` }))) {
      await this.move('identity_timeout', 'system', { waitedMs: policy.refunds.identityTimeoutMs }, `${this.input.caseId}:identity-timeout`);
      return this.finish();
    }
    if (this.state !== 'eligibility') return this.finish();
    // The identity update records itself first, so the case history reads in order.
    await condition(allHandlersFinished);

    // 2. Eligibility from the pinned policy, the rule and its inputs on the record.
    this.eligibility = refundEligibility({ plan: this.input.plan, purchasedAt: this.input.purchasedAt, currentPeriod: this.input.currentPeriod, reason: this.input.reason }, policy.refunds, Date.now());
    await this.record('eligibility', 'system', { kind: this.eligibility.kind, amountMinor: this.eligibility.amountMinor, rule: this.eligibility.rule }, `${this.input.caseId}:eligibility`);

    // 3. A retention offer: accepted → no cancellation, no refund; declined or unanswered → go on.
    if (policy.offerRetention) {
      const now = Date.now();
      this.retention = { offeredAt: new Date(now).toISOString(), closesAt: new Date(now + policy.refunds.retentionOfferWindowMs).toISOString(), answer: null, answeredAt: null };
      await this.move('offer_retention', 'system', { closesAt: this.retention.closesAt }, `${this.input.caseId}:retention-offered`);
      if (!(await condition(() => this.state !== 'retention_offered', policy.refunds.retentionOfferWindowMs, { summary: `retention offer closes (${formatDuration(policy.refunds.retentionOfferWindowMs)})` }))) {
        this.retention = { ...this.retention, answer: 'expired', answeredAt: new Date(Date.now()).toISOString() };
        await this.move('offer_expired', 'system', {}, `${this.input.caseId}:retention-expired`);
      }
      await condition(allHandlersFinished);
      if ((this.state as RefundState) === 'retained') {
        await this.crm('retained', { offerAccepted: true });
        return this.finish();
      }
    } else {
      await this.move('skip_retention', 'system', {}, `${this.input.caseId}:retention-skipped`);
    }

    // 4. The cancellation, then the refund (if any is owed).
    try {
      await cancelSubscription({ subscriptionId: this.input.subscriptionId });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      await this.remediate(`cancellation refused by the gateway: ${err.cause?.message ?? err.message}`);
      return this.finish();
    }
    if (this.eligibility.kind === 'none') {
      await this.move('nothing_to_refund', 'system', { rule: this.eligibility.rule }, `${this.input.caseId}:cancelled`);
      await this.crm('cancelled', { refundMinor: 0 });
      return this.finish();
    }
    await this.move('subscription_cancelled', 'system', {}, `${this.input.caseId}:cancelled`);
    const charge = await getCharge({ chargeId: this.input.chargeId });
    this.charge = { id: charge.id, paymentIntentId: charge.paymentIntentId ?? null, authorizationCode: charge.authorizationCode, brand: charge.brand ?? null, last4: charge.last4, disputed: charge.disputed };
    if (charge.disputed) {
      // Never refund and also lose the chargeback: the dispute decides where the money goes.
      await this.remediate('the charge is disputed: the chargeback case decides, no refund is sent');
      return this.finish();
    }
    return this.refundAndSettle();
  }

  private async refundAndSettle(): Promise<RefundView> {
    const e = this.eligibility!;
    const requestedAt = Date.now();
    const idempotencyKey = refundIdempotencyKey(this.input.caseId);
    this.refund = { idempotencyKey, gatewayRefundId: null, status: null, amountMinor: e.amountMinor, currency: e.currency, requestedAt: new Date(requestedAt).toISOString(), settledAt: null, failureReason: null, traceNumber: null };
    let created;
    try {
      created = await createRefund({
        chargeId: this.input.chargeId,
        amountMinor: e.amountMinor,
        currency: e.currency,
        reason: 'requested_by_customer',
        metadata: { caseId: this.input.caseId, rule: e.kind },
        idempotencyKey,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      this.refund = { ...this.refund, status: 'failed', failureReason: err.cause?.message ?? err.message };
      await this.move('refund_failed', 'system', { failureReason: this.refund.failureReason }, `${this.input.caseId}:refund-failed`);
      await this.remediate(`the gateway refused the refund: ${this.refund.failureReason}`);
      return this.finish();
    }
    this.refund = { ...this.refund, gatewayRefundId: created.id, status: created.status, traceNumber: created.traceNumber ?? null };
    const { warnAt, breachAt } = settlementWindow(this.input.policy, requestedAt);
    this.settlement = { warnAt: new Date(warnAt).toISOString(), breachAt: new Date(breachAt).toISOString(), atRiskSince: null, breachedAt: null };
    if (created.status === 'pending') await this.move('refund_pending', 'system', { refundId: created.id, amountMinor: created.amountMinor }, `${this.input.caseId}:refund-requested`);
    return this.settle({ status: created.status, failureReason: created.failureReason });
  }

  /**
   * Settlement: the gateway's webhook (signal) or, failing that, polling; warn and breach on the
   * way. Polling a refund that stays pending for weeks would fill the run's history, so each turn
   * a run that has gathered enough continues as new with the refund's ID and clocks (at-risk and
   * breach sent once, the refund requested once).
   * `outcome`: the gateway's answer to the request (absent on a continued run: still pending).
   */
  private async settle(outcome: { status: string; failureReason: string | null } = { status: 'pending', failureReason: null }): Promise<RefundView> {
    const e = this.eligibility!;
    const refundId = this.refund!.gatewayRefundId!;
    const warnAt = Date.parse(this.settlement!.warnAt);
    const breachAt = Date.parse(this.settlement!.breachAt);
    let { status, failureReason } = outcome;
    // A hand-written loop, not runAgenda: this case's histories poll before they check the budget
    // and hand over only while nothing but polling is left (no webhook news waiting).
    while (status === 'pending') {
      const s = this.settlement!;
      const now = Date.now();
      const state = { warnAt, breachAt, atRisk: s.atRiskSince !== null, breached: s.breachedAt !== null, news: false };
      const due = earliest(refundSettlementSchedule(state, now, this.input.policy.settlementPollEveryMs))!;
      await condition(() => this.gatewayUpdate !== null, Math.max(1, due.at - now), { summary: due.summary });
      if (this.gatewayUpdate) {
        ({ status, failureReason } = this.gatewayUpdate);
        this.gatewayUpdate = null;
        continue;
      }
      await this.settlementClocks(refundId, Date.now(), warnAt, breachAt);
      const polled = await getRefund({ refundId });
      ({ status, failureReason } = polled);
      this.refund = { ...this.refund!, traceNumber: polled.traceNumber ?? null };
      if (status === 'pending' && this.gatewayUpdate === null && this.budget.spent()) {
        await this.budget.drain();
        await continueAsNew<typeof refundWorkflow>({ ...this.input, carried: this.carry() });
      }
    }

    const refund = this.refund!;
    if (status === 'succeeded') {
      // Settled by the webhook: the trace number (ARN) is read from the gateway once. The retired
      // patch's marker is still written here, so histories from while it was a patch replay.
      if (refund.traceNumber === null) {
        deprecatePatch('refund-trace-number');
        this.refund = { ...refund, traceNumber: (await getRefund({ refundId })).traceNumber ?? null };
      }
      this.refund = { ...this.refund!, status: 'succeeded', settledAt: new Date(Date.now()).toISOString() };
      await this.move('refund_succeeded', 'system', { refundId, traceNumber: this.refund.traceNumber }, `${this.input.caseId}:refund-succeeded`);
      await this.notify('refund_receipt', 'customer', this.input.customerRef, `refund of ${e.amountMinor} ${e.currency} (minor units) sent; reference ${refundId}`);
      await this.crm('refunded', { refundId, amountMinor: e.amountMinor, currency: e.currency });
      return this.finish();
    }
    this.refund = { ...refund, status: status === 'canceled' ? 'canceled' : 'failed', failureReason: failureReason ?? status };
    await this.move('refund_failed', 'system', { refundId, failureReason: this.refund.failureReason }, `${this.input.caseId}:refund-failed`);
    await this.remediate(`refund ${refundId} ${status}: ${this.refund.failureReason}`);
    return this.finish();
  }

  /** The at-risk and breach clocks that are due at `at`, each told once. */
  private async settlementClocks(refundId: string, at: number, warnAt: number, breachAt: number): Promise<void> {
    if (this.settlement!.atRiskSince === null && at >= warnAt) {
      this.settlement = { ...this.settlement!, atRiskSince: new Date(at).toISOString() };
      await Promise.all([
        this.record('settlement_at_risk', 'system', { warnAt: this.settlement.warnAt }, `${this.input.caseId}:settlement-at-risk`),
        this.notify('refund_settlement_at_risk', 'owner', this.input.agent, `refund ${refundId} not settled by day ${this.input.policy.refunds.settlementWarnBusinessDays}`),
      ]);
    }
    if (this.settlement!.breachedAt === null && at >= breachAt) {
      this.settlement = { ...this.settlement!, breachedAt: new Date(at).toISOString() };
      await Promise.all([
        this.record('settlement_breached', 'system', { breachAt: this.settlement.breachAt }, `${this.input.caseId}:settlement-breached`),
        this.notify('refund_settlement_breached', 'manager', null, `refund ${refundId} not settled within ${this.input.policy.refunds.settlementBreachBusinessDays} business days`),
      ]);
    }
  }

  private crm(event: string, data: Record<string, unknown>) {
    return refundCrmUpdate(this.input, event, data);
  }

  private async finish(): Promise<RefundView> {
    await condition(allHandlersFinished);
    return this.view();
  }
}
