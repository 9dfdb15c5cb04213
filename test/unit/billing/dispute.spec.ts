import {
  canConcedeDispute,
  canRefundWhileDisputed,
  checkDisputeAction,
  DEFAULT_DISPUTE_POLICY,
  DISPUTE_STATUSES,
  disputeDecision,
  disputePolicySchema,
  disputeSubmission,
  explainDisputeDecision,
  internalDeadline,
  InvalidDisputeTransitionError,
  missingEvidence,
  refundEvidenceText,
  reminderTimes,
  threeDSecureResult,
  threeDSecureShiftsLiability,
} from '../../../src/domain/billing/dispute';
import { DEFAULT_DUNNING_POLICY, dunningPolicySchema, dunningSchedule } from '../../../src/domain/billing/dunning';

const H = 3_600_000;
const DAY = 24 * H;
const dueBy = Date.parse('2025-06-20T23:59:59Z');
const iso = (t: number) => new Date(t).toISOString();

describe('dispute deadlines', () => {
  it('our deadline is 48 h before the network due_by', () => {
    expect(iso(internalDeadline(dueBy, DEFAULT_DISPUTE_POLICY))).toBe('2025-06-18T23:59:59.000Z');
  });

  it('reminders 72 h and 24 h before our deadline, earliest first', () => {
    expect(reminderTimes(dueBy, Date.parse('2025-06-01T00:00:00Z'), DEFAULT_DISPUTE_POLICY).map(iso)).toEqual(['2025-06-15T23:59:59.000Z', '2025-06-17T23:59:59.000Z']);
  });

  it('only reminders still ahead are returned', () => {
    expect(reminderTimes(dueBy, Date.parse('2025-06-16T00:00:00Z'), DEFAULT_DISPUTE_POLICY).map(iso)).toEqual(['2025-06-17T23:59:59.000Z']);
    expect(reminderTimes(dueBy, Date.parse('2025-06-17T23:59:59Z'), DEFAULT_DISPUTE_POLICY)).toEqual([]);
  });

  it('reads the policy pack block', () => {
    const p = disputePolicySchema.parse({ submitBeforeDue: '3d', remindBefore: ['1d'], acceptBelow: [{ amountMinor: 1500, currency: 'USD' }] });
    expect(internalDeadline(dueBy, p)).toBe(dueBy - 3 * DAY);
    expect(reminderTimes(dueBy, 0, p)).toEqual([dueBy - 4 * DAY]);
    expect(disputePolicySchema.safeParse({ submitBeforeDue: 'two days' }).success).toBe(false);
  });
});

describe('evidence checklist', () => {
  it('lists what is missing, in checklist order; blank counts as missing', () => {
    expect(missingEvidence({})).toEqual(['transaction_id', 'authorization_code', 'access_log', 'cancellation_policy', 'customer_communication']);
    expect(missingEvidence({ transaction_id: 'ch_1', authorization_code: '  ', access_log: 'played 14 titles', customer_communication: null })).toEqual([
      'authorization_code',
      'cancellation_policy',
      'customer_communication',
    ]);
  });
});

describe('contest or accept', () => {
  const policy = disputePolicySchema.parse({ acceptBelow: [{ amountMinor: 1500, currency: 'USD' }] });

  it('accepts small amounts in a currency with a threshold', () => {
    expect(disputeDecision(policy, { amountMinor: 999, currency: 'usd', reason: 'subscription_canceled', threeDSecure: true })).toBe('accept');
    expect(disputeDecision(policy, { amountMinor: 1500, currency: 'USD', reason: 'subscription_canceled', threeDSecure: true })).toBe('contest');
    expect(disputeDecision(policy, { amountMinor: 999, currency: 'EUR', reason: 'subscription_canceled', threeDSecure: true })).toBe('contest');
  });

  it('accepts fraud claims without 3-D Secure, contests them with it', () => {
    expect(explainDisputeDecision(policy, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: false })).toEqual({
      decision: 'accept',
      rule: 'fraud claim on a payment without 3-D Secure: no liability shift',
    });
    expect(disputeDecision(policy, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: true })).toBe('contest');
    expect(disputeDecision({ ...policy, acceptFraudWithout3ds: false }, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: false })).toBe('contest');
    expect(explainDisputeDecision(policy, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: true }).rule).toMatch(/authenticated with 3-D Secure/);
  });

  it('never concedes a dispute on a charge that was already refunded: contested, with the refund as evidence', () => {
    expect(canConcedeDispute(0)).toBe(true);
    expect(canConcedeDispute(1)).toBe(false);
    // Each rule that would concede gives way: small amounts, unprotected fraud.
    const small = explainDisputeDecision(policy, { amountMinor: 999, currency: 'USD', reason: 'subscription_canceled', threeDSecure: false, amountRefundedMinor: 999 });
    expect(small).toEqual({ decision: 'contest', rule: expect.stringMatching(/already refunded \(999 USD minor units\).*twice/) });
    expect(disputeDecision(policy, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: false, amountRefundedMinor: 500 })).toBe('contest');
    expect(disputeDecision(policy, { amountMinor: 11_988, currency: 'USD', reason: 'fraudulent', threeDSecure: false, amountRefundedMinor: 0 })).toBe('accept');
    expect(refundEvidenceText([{ id: 're_1', status: 'succeeded', amountMinor: 500, currency: 'USD' }], 500, 'USD')).toBe('Refunded 500 USD (minor units) before the dispute: re_1 (succeeded, 500 USD minor units)');
  });

  it('reads the liability shift from the 3-D Secure result the gateway reports', () => {
    expect(threeDSecureShiftsLiability('authenticated')).toBe(true);
    expect(threeDSecureShiftsLiability('attempt_acknowledged')).toBe(true);
    for (const r of ['exempted', 'failed', 'not_supported', 'processing_error'] as const) expect(threeDSecureShiftsLiability(r)).toBe(false);
    expect(threeDSecureShiftsLiability(null)).toBe(false);
    expect(threeDSecureResult('authenticated')).toBe('authenticated');
    // An unknown or malformed value never counts as authenticated.
    expect(threeDSecureResult('AUTHENTICATED')).toBeNull();
    expect(threeDSecureResult({ result: 'authenticated' })).toBeNull();
    expect(threeDSecureResult(undefined)).toBeNull();
  });
});

describe('when the evidence is submitted', () => {
  const deadline = internalDeadline(dueBy, DEFAULT_DISPUTE_POLICY);
  const complete = { transaction_id: 'ch_1', authorization_code: '123456', access_log: 'log', cancellation_policy: 'policy', customer_communication: 'chat' };
  const partial = { transaction_id: 'ch_1', authorization_code: '123456', access_log: 'log', cancellation_policy: ' ' };

  it('a complete checklist goes at once, early', () => {
    expect(disputeSubmission(complete, 'contest', deadline - 10 * DAY, deadline)).toEqual({ submit: true, trigger: 'checklist_complete', missing: [] });
    // Completed after the deadline (e.g. a case that only notified before): still the checklist.
    expect(disputeSubmission(complete, 'contest', deadline + 1, deadline)).toEqual({ submit: true, trigger: 'checklist_complete', missing: [] });
  });

  it('an incomplete checklist waits until the internal deadline, then goes with what is staged, naming what is missing', () => {
    expect(disputeSubmission(partial, 'contest', deadline - 1, deadline)).toEqual({ submit: false, missing: ['cancellation_policy', 'customer_communication'] });
    expect(disputeSubmission(partial, 'contest', deadline, deadline)).toEqual({ submit: true, trigger: 'internal_deadline', missing: ['cancellation_policy', 'customer_communication'] });
    expect(disputeSubmission({}, 'contest', deadline + DAY, deadline)).toEqual({ submit: true, trigger: 'internal_deadline', missing: ['transaction_id', 'authorization_code', 'access_log', 'cancellation_policy', 'customer_communication'] });
  });

  it('the deadline is due_by minus the policy margin', () => {
    const p = disputePolicySchema.parse({ submitBeforeDue: '3d' });
    const d = internalDeadline(dueBy, p);
    expect(d).toBe(dueBy - 3 * DAY);
    expect(disputeSubmission(partial, 'contest', dueBy - 3 * DAY - 1, d).submit).toBe(false);
    expect(disputeSubmission(partial, 'contest', dueBy - 3 * DAY, d).submit).toBe(true);
  });

  it('a conceded dispute is never submitted', () => {
    expect(disputeSubmission(complete, 'accept', deadline - DAY, deadline)).toEqual({ submit: false, missing: [] });
    expect(disputeSubmission(partial, 'accept', deadline + DAY, deadline).submit).toBe(false);
  });
});

describe('dispute states', () => {
  const complete = { transaction_id: 'ch_1', authorization_code: '123456', access_log: 'log', cancellation_policy: 'policy', customer_communication: 'chat' };

  it('stage, submit, decide', () => {
    expect(checkDisputeAction('needs_response', 'stage_evidence')).toBe('evidence_staged');
    expect(checkDisputeAction('evidence_staged', 'submit', complete)).toBe('submitted');
    expect(checkDisputeAction('submitted', 'won')).toBe('won');
    expect(checkDisputeAction('needs_response', 'accept')).toBe('accepted');
  });

  it('will not submit an incomplete checklist, and names what is missing', () => {
    expect(() => checkDisputeAction('evidence_staged', 'submit', { ...complete, access_log: '' })).toThrow('cannot submit the dispute: missing Usage / access log');
  });

  it('at the internal deadline an incomplete checklist may be submitted, not before', () => {
    const staged = { transaction_id: 'ch_1', authorization_code: '123456' };
    const deadline = internalDeadline(dueBy, DEFAULT_DISPUTE_POLICY);
    expect(checkDisputeAction('evidence_staged', 'submit', staged, { now: deadline, deadline })).toBe('submitted');
    expect(() => checkDisputeAction('evidence_staged', 'submit', staged, { now: deadline - 1, deadline })).toThrow(/missing Usage \/ access log/);
    // Still only from a staged dispute: the deadline waives the checklist, not the state.
    expect(() => checkDisputeAction('submitted', 'submit', staged, { now: deadline, deadline })).toThrow('cannot submit a dispute that is submitted');
  });

  it('refuses actions the state does not allow, naming the state', () => {
    expect(() => checkDisputeAction('submitted', 'accept')).toThrow(InvalidDisputeTransitionError);
    expect(() => checkDisputeAction('needs_response', 'submit', complete)).toThrow('cannot submit a dispute that is needs response');
  });

  it('never refund and also lose: only an undisputed or won charge may be refunded', () => {
    expect(canRefundWhileDisputed(null)).toBe(true);
    expect(canRefundWhileDisputed('won')).toBe(true);
    for (const s of DISPUTE_STATUSES.filter((x) => x !== 'won')) expect([s, canRefundWhileDisputed(s)]).toEqual([s, false]);
  });
});

describe('dunning', () => {
  it('1, 3, 5, 7 days after the failed renewal: card, retention, final notice, cancel', () => {
    const failedAt = Date.parse('2025-05-10T08:00:00Z');
    expect(dunningSchedule(failedAt, DEFAULT_DUNNING_POLICY).map((a) => [a.attempt, iso(a.at), a.kind])).toEqual([
      [1, '2025-05-11T08:00:00.000Z', 'notify_update_card'],
      [2, '2025-05-13T08:00:00.000Z', 'retention_offer'],
      [3, '2025-05-15T08:00:00.000Z', 'final_notice'],
      [4, '2025-05-17T08:00:00.000Z', 'cancel'],
    ]);
  });

  it('a policy pack may change the steps, but must end with exactly one cancel, in order', () => {
    const p = dunningPolicySchema.parse({ steps: [{ after: '12h', kind: 'notify_update_card' }, { after: '2d', kind: 'cancel' }] });
    expect(dunningSchedule(0, p)).toEqual([
      { attempt: 1, at: 12 * H, kind: 'notify_update_card' },
      { attempt: 2, at: 2 * DAY, kind: 'cancel' },
    ]);
    expect(dunningPolicySchema.safeParse({ steps: [{ after: '1d', kind: 'notify_update_card' }] }).success).toBe(false);
    expect(dunningPolicySchema.safeParse({ steps: [{ after: '3d', kind: 'final_notice' }, { after: '2d', kind: 'cancel' }] }).success).toBe(false);
    expect(dunningPolicySchema.safeParse({ steps: [{ after: '1d', kind: 'cancel' }, { after: '2d', kind: 'cancel' }] }).success).toBe(false);
  });
});
