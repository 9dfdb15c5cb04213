import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinBillingPolicy } from '../../src/domain/billing/billing-policy';
import type { RefundInput } from '../../src/workflows/billing/messages';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));
const DAY = 86_400_000;

/** A refund case on the test policy (identity and retention waits of 3 s, settlement warn 2 s / breach 4 s). */
export function refundInput(overrides: Partial<RefundInput> = {}): RefundInput {
  const now = Date.now();
  return {
    caseId: `refund-${randomUUID().replace(/-/g, '').slice(0, 26)}`,
    brand: 'uoozee',
    customerRef: 'cust_4711',
    subscriptionId: 'sub_test',
    plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
    purchasedAt: now - 3 * DAY,
    currentPeriod: { start: now - 3 * DAY, end: now + 362 * DAY },
    chargeId: 'ch_test',
    reason: 'cancellation',
    agent: 'agent-bo',
    policy: pinBillingPolicy(fixtures.find('uoozee')!),
    openedBy: 'agent-bo',
    ...overrides,
  };
}
