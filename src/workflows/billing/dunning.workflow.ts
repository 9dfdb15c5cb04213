import { allHandlersFinished, condition, continueAsNew, currentUpdateInfo, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { agentNote } from '../../domain/billing/agent-note';
import { checkDunningAccountChange, checkDunningIdentityConfirmation, DunningAccountChange, DunningStatus, dunningSchedule } from '../../domain/billing/dunning';
import { Brand, CaseKind, CaseStatus, SlaNextDeadline } from '../search-attributes';
import { iso } from '../sla-clock-view';
import { redactCardData } from '../../domain/billing/card-redaction';
import { cardDataRemediationReason, onRecordRefused, stopAfterRefusal } from './card-data-guard';
import { asBillingFailure, IdentityGate } from './identity-gate';
import { CaseAttention } from '../common/needs-attention';
import { RunBudget } from '../common/run-budget';
import { finalOn, OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';
import { applyRetentionOfferUpdate, BillingRecord, cancelSubscriptionNowUpdate, confirmDunningIdentityUpdate, DunningCarried, DunningInput, dunningStatusQuery, DunningView, invoicePaidSignal } from './messages';

const { recordBillingCase } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendNotification, cancelSubscription, updateCrm } = proxyActivities<ReturnType<typeof createActivities>>(finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']));

const MESSAGES: Record<string, string> = {
  notify_update_card: 'your renewal payment failed: please update your card',
  retention_offer: 'your renewal payment failed: here is an offer to stay',
  final_notice: 'last notice: your subscription will be cancelled unless the payment succeeds',
};

/** The customer's message for a step; asking for a new card carries the link where they give it. */
function dunningMessage(kind: string, input: DunningInput): string {
  const link = input.hostedInvoiceUrl ? `: ${input.hostedInvoiceUrl}` : ' in your account';
  if (kind === 'notify_update_card') return `your renewal payment failed: please update your card and pay the invoice${link} (invoice ${input.invoiceId})`;
  if (kind === 'final_notice' && input.hostedInvoiceUrl) return `${MESSAGES[kind]}: pay it here ${input.hostedInvoiceUrl} (invoice ${input.invoiceId})`;
  return `${MESSAGES[kind]} (invoice ${input.invoiceId})`;
}

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
  const budget = new RunBudget(input.runLimits);
  const carried = input.carried;
  const schedule = dunningSchedule(input.failedAt, input.policy.dunning);
  const done = new Set<number>(carried?.done ?? []);
  const identity = new IdentityGate(carried?.identity ?? null);
  let status: DunningStatus = carried?.status ?? 'dunning';
  let paid = carried?.paid ?? false;
  // Set as a cancellation starts, before its activity runs: the schedule stops at once (agent), and
  // no agent change is accepted while the schedule's own cancellation is under way.
  let agentCancelling = carried?.agentCancelling ?? false;
  let scheduleCancelling = false;
  let retentionOffer: DunningView['retentionOffer'] = carried?.retentionOffer ?? null;
  let cancellation: DunningView['cancellation'] = carried?.cancellation ?? null;
  let closedAt: number | null = carried?.closedAt ?? null;
  const customerRef = input.customerId ?? input.invoiceId;
  /** The field path of card data that made recordBillingCase refuse the case's record. */
  let refusedPath: string | null = null;
  let remediationReason: string | null = carried?.remediationReason ?? null;
  /** The case's change number: every record carries the one it applied (read model order and snapshot version). */
  let seq = carried?.seq ?? 0;
  /** Records of changes applied while the run drained: the next run writes them first, in order. */
  const unrecorded: BillingRecord[] = carried?.unrecorded ?? [];
  /** A continued run's handlers record after its queue is written, so the read model reads in order. */
  let queueWritten = !carried;
  /** A record refused for any other reason (a NUL byte) flags the case; it goes on. */
  const attention = new CaseAttention(() => ({ caseId: input.caseId, kind: 'dunning', brand: input.brand, priority: 'billing' }), carried?.attention ?? null);
  const carry = (): DunningCarried => ({
    status,
    paid,
    agentCancelling,
    done: [...done],
    identity: identity.record,
    retentionOffer,
    cancellation,
    closedAt,
    remediationReason,
    attention: attention.state,
    seq,
    unrecorded,
  });
  const view = (): DunningView => {
    const v = rawView();
    // Once refused, the case shows (and stores) last four digits only.
    return refusedPath === null ? v : redactCardData(v);
  };
  const rawView = (): DunningView => ({
    id: input.caseId,
    invoiceId: input.invoiceId,
    subscriptionId: input.subscriptionId,
    brand: input.brand,
    status,
    amountDueMinor: input.amountDueMinor,
    currency: input.currency,
    failedAt: new Date(input.failedAt).toISOString(),
    steps: schedule.map((s) => ({ attempt: s.attempt, kind: s.kind, at: new Date(s.at).toISOString(), done: done.has(s.attempt) })),
    identity: identity.record,
    retentionOffer,
    cancellation,
    closedAt: iso(closedAt),
    ...(remediationReason !== null ? { remediationReason } : {}),
    ...attention.viewField,
  });
  const record = async (type: string, data: Record<string, unknown>, key: string, actor = 'system'): Promise<DunningView> => {
    const next = schedule.find((s) => !done.has(s.attempt));
    upsertSearchAttributes([
      { key: CaseStatus, value: status },
      { key: SlaNextDeadline, value: status === 'dunning' && next ? new Date(next.at) : null },
    ]);
    setCurrentDetails(
      [
        `**${status}** · invoice ${input.invoiceId} · ${input.amountDueMinor} ${input.currency} (minor units)`,
        `next: ${next && status === 'dunning' ? `${next.kind} at ${new Date(next.at).toISOString()}` : '—'}`,
        identity.record ? `identity confirmed by ${identity.record.confirmedBy}` : 'identity not confirmed: no account changes',
      ].join('\n\n'),
    );
    if (!queueWritten) await condition(() => queueWritten || refusedPath !== null);
    if (refusedPath !== null) await stopAfterRefusal(refusedPath);
    const snapshot = view();
    const version = ++seq;
    const event: BillingRecord = { seq: version, eventKey: key, type, actor, occurredAt: new Date(Date.now()).toISOString(), data };
    // The run is handing over: the next run writes this record first.
    if (budget.isDraining) {
      unrecorded.push(event);
      return snapshot;
    }
    return (await write(event, snapshot, version)) ? snapshot : view();
  };
  /** One record: the snapshot (`version`: the newest change it shows) and its keyed event. */
  const write = (event: BillingRecord, snapshot: DunningView, version: number): Promise<boolean> =>
    // Card data: manual remediation (card-data-guard.ts); any other refusal: flagged, the case goes on.
    attention.record(event.type, () =>
      recordBillingCase({ kind: 'dunning', id: input.caseId, brand: input.brand, state: status, customerRef, snapshot, version }, event).catch((err: unknown) =>
        onRecordRefused(err, (path) => (refusedPath ??= path)),
      ),
    );
  const updateKey = (type: string) => `${input.caseId}:${type}:${currentUpdateInfo()?.id ?? Date.now()}`;
  // A refused record ends the case at once for validators: no account change after it (validators
  // do not run on replay, so this reads live state safely).
  const effectiveStatus = (): DunningStatus => (refusedPath !== null ? 'manual_remediation' : agentCancelling ? 'cancelled' : scheduleCancelling ? 'exhausted' : status);
  const accountChange = (action: DunningAccountChange) =>
    asBillingFailure(() => checkDunningAccountChange({ status: effectiveStatus(), identity: identity.record, offerApplied: retentionOffer !== null }, action));

  setHandler(dunningStatusQuery, view);
  setHandler(invoicePaidSignal, () => void (paid = true));
  setHandler(
    confirmDunningIdentityUpdate,
    async (request) => {
      budget.countUpdate();
      const { method } = identity.confirm(request);
      return record('confirm_identity', { method }, updateKey('confirm_identity'), request.actor);
    },
    {
      validator: (request) => {
        asBillingFailure(() => checkDunningIdentityConfirmation({ status: effectiveStatus(), identity: identity.record }));
        identity.validate(request);
      },
    },
  );
  setHandler(
    applyRetentionOfferUpdate,
    async ({ actor, offer }) => {
      budget.countUpdate();
      retentionOffer = { offer: agentNote('offer', offer), appliedBy: actor, at: new Date(Date.now()).toISOString() };
      await updateCrm({ key: `${input.caseId}:crm:offer`, caseId: input.caseId, customerRef, event: 'dunning_offer_applied', data: { invoiceId: input.invoiceId, offer: retentionOffer.offer } });
      return record('retention_offer_applied', { offer: retentionOffer.offer }, `${input.caseId}:offer-applied`, actor);
    },
    {
      validator: ({ offer }) => {
        accountChange('apply_retention_offer');
        asBillingFailure(() => agentNote('offer', offer));
      },
    },
  );
  setHandler(
    cancelSubscriptionNowUpdate,
    async ({ actor, reason }) => {
      budget.countUpdate();
      agentCancelling = true;
      if (input.subscriptionId) await cancelSubscription({ subscriptionId: input.subscriptionId });
      status = 'cancelled';
      cancellation = { by: actor, reason: agentNote('reason', reason, 500), at: new Date(Date.now()).toISOString() };
      closedAt = Date.now();
      await updateCrm({ key: `${input.caseId}:crm:cancelled`, caseId: input.caseId, customerRef, event: 'dunning_cancelled_by_customer', data: { invoiceId: input.invoiceId } });
      return record('cancelled_by_agent', { subscriptionId: input.subscriptionId, reason: cancellation.reason }, `${input.caseId}:cancelled`, actor);
    },
    {
      validator: ({ reason }) => {
        accountChange('cancel_subscription');
        asBillingFailure(() => agentNote('reason', reason, 500));
      },
    },
  );

  upsertSearchAttributes([
    { key: CaseKind, value: 'dunning' },
    { key: Brand, value: input.brand },
  ]);
  // Whatever step a refused record stops, the case goes to manual remediation (never a retry loop).
  const refused = condition(() => refusedPath !== null).then(() => null);
  const finished = await Promise.race([runCase(), refused]);
  if (finished !== null) return finished;
  const path = refusedPath ?? '(unknown)';
  status = 'manual_remediation';
  remediationReason = cardDataRemediationReason(path);
  closedAt = Date.now();
  upsertSearchAttributes([
    { key: CaseStatus, value: status },
    { key: SlaNextDeadline, value: null },
  ]);
  // The remediation notice below tells a person; the flag makes the case findable.
  await attention.flag('record', { reason: 'card_data_refused', sqlstate: null, field: path }, { notify: false });
  const refusedAt = closedAt;
  const refusedSeq = ++seq;
  await attention.record('card_data_refused', () =>
    recordBillingCase(
      { kind: 'dunning', id: input.caseId, brand: input.brand, state: status, customerRef: redactCardData(customerRef), snapshot: view(), version: refusedSeq },
      { eventKey: `${input.caseId}:card-data-refused`, type: 'card_data_refused', actor: 'system', occurredAt: new Date(refusedAt).toISOString(), data: { path }, seq: refusedSeq },
    ),
  );
  await sendNotification({ key: `${input.caseId}:remediation`, kind: 'refund_remediation', ticketId: input.caseId, brand: input.brand, priority: 'billing', metric: null, level: 'owner', recipient: null, summary: `dunning case of invoice ${input.invoiceId} needs a person: ${remediationReason}` });
  return finish();

  async function runCase(): Promise<DunningView> {
  if (carried) {
    // A continued run: what the last run applied while draining is written first, in order; an
    // agent's cancellation during the drain already closed the case.
    while (unrecorded.length > 0) {
      await write(unrecorded[0], view(), seq);
      unrecorded.shift();
    }
    queueWritten = true;
    if (status !== 'dunning') return finish();
  } else {
    await record('opened', { invoiceId: input.invoiceId }, `${input.caseId}:opened`);
  }

  for (const step of schedule) {
    // Steps an earlier run took (each happens once).
    if (done.has(step.attempt)) continue;
    // Each turn, once the last step is done: a run that gathered enough hands over before waiting.
    if (budget.spent()) {
      await budget.drain();
      await continueAsNew<typeof dunningWorkflow>({ ...input, carried: carry() });
    }
    if (await condition(() => paid || agentCancelling, Math.max(1, step.at - Date.now()))) break;
    done.add(step.attempt);
    const key = `${input.caseId}:step:${step.attempt}`;
    if (step.kind === 'cancel') {
      scheduleCancelling = true;
      if (input.subscriptionId) await cancelSubscription({ subscriptionId: input.subscriptionId });
      status = 'exhausted';
      closedAt = Date.now();
      await record('cancelled', { subscriptionId: input.subscriptionId }, key);
      await updateCrm({ key: `${input.caseId}:crm:exhausted`, caseId: input.caseId, customerRef, event: 'dunning_exhausted', data: { invoiceId: input.invoiceId } });
      return finish();
    }
    // The customer took the offer through an agent: do not offer it again.
    if (step.kind === 'retention_offer' && retentionOffer !== null) {
      await record('retention_offer_skipped', { attempt: step.attempt }, key);
      continue;
    }
    await sendNotification({ key, kind: 'dunning', ticketId: input.caseId, brand: input.brand, priority: 'billing', metric: null, level: 'customer', recipient: input.customerId, summary: dunningMessage(step.kind, input) });
    await record(step.kind, { attempt: step.attempt }, key);
  }
  if (!agentCancelling) {
    status = 'recovered';
    closedAt = Date.now();
    await record('recovered', {}, `${input.caseId}:recovered`);
    await updateCrm({ key: `${input.caseId}:crm:recovered`, caseId: input.caseId, customerRef, event: 'dunning_recovered', data: { invoiceId: input.invoiceId } });
  }
  return finish();
  }

  async function finish(): Promise<DunningView> {
    // An agent's cancellation finishes (gateway, CRM, record) before the case closes.
    await condition(allHandlersFinished);
    return view();
  }
}
