import { slaCreditIdempotencyKey, slaCreditMemo, slaCreditSettlementWorkflowId, startOfUtcMonth } from '../../../src/domain/billing/sla-credit-settlement';

describe('SLA credit settlement names and cut-offs', () => {
  const key = 'ticket-01JX:firstResponse:c1:credit';

  it('derives the gateway key and the workflow ID from the credit key alone', () => {
    expect(slaCreditIdempotencyKey(key)).toBe(`sla-credit:${key}`);
    expect(slaCreditSettlementWorkflowId(key)).toBe(`sla-credit-${key}`);
  });

  it('the monthly run settles breaches before the 1st, 00:00 UTC', () => {
    expect(new Date(startOfUtcMonth(Date.UTC(2026, 11, 1, 6, 0))).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(startOfUtcMonth(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(startOfUtcMonth(Date.UTC(2027, 0, 1))).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('the memo names the breach and the rule, nothing else', () => {
    expect(slaCreditMemo({ ticketId: 'ticket-1', priority: 'S1', metric: 'firstResponse', percent: 10 })).toBe('SLA credit: S1 firstResponse breach on ticket ticket-1 (10% of the monthly fee)');
  });
});
