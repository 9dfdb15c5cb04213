import { pseudonymOf } from '../../../src/persistence/read-model-sealer';
import { SlaCreditRow, toOwedSlaCredit } from '../../../src/persistence/sla-credit-rows';

const row = (over: Partial<SlaCreditRow>): SlaCreditRow => ({
  key: 'ticket-1:firstResponse:c1:credit',
  ticket_id: 'ticket-1',
  brand: 'vivtone',
  customer_ref: pseudonymOf('ab'.repeat(32)),
  priority: 'S1',
  metric: 'firstResponse',
  percent: '10',
  owed_minor: '12000',
  currency: 'USD',
  breached_at: new Date('2026-11-02T10:00:00Z'),
  settled_at: null,
  settlement_ref: null,
  settlement_kind: null,
  settlement_failure: null,
  ...over,
});

describe('the customer an SLA credit is owed to', () => {
  it('is the sealed copy, opened (never the pseudonym in customer_ref)', () => {
    expect(toOwedSlaCredit(row({ customer_ref_sealed: 'cus_real' })).customerRef).toBe('cus_real');
    expect(toOwedSlaCredit(row({ customer_ref_sealed: '[erased]' })).customerRef).toBe('[erased]');
  });

  it('is customer_ref itself in a row from before sealing, and "[erased]" once erasure put the pseudonym there', () => {
    expect(toOwedSlaCredit(row({ customer_ref: 'cus_legacy', customer_ref_sealed: null })).customerRef).toBe('cus_legacy');
    expect(toOwedSlaCredit(row({ customer_ref_sealed: null })).customerRef).toBe('[erased]');
    // Erasure writes `erased:<hmac prefix>` over a legacy row's reference: nobody the gateway knows either.
    expect(toOwedSlaCredit(row({ customer_ref: 'erased:0123456789abcdef', customer_ref_sealed: null })).customerRef).toBe('[erased]');
  });
});
