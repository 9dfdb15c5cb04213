import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { CustomerSignalsResult } from '../../activities/customer-signals';

// A failed run is covered by the next one (a signal is keyed by rule, customer and window).
const { raiseCustomerSignals } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 3 },
});

export interface CustomerSignalsInput {
  /** Judge as of this instant (ISO 8601; tests); absent: now. */
  now?: string;
}

/**
 * Churn and expansion signals for Customer Success (issue 16 §5): the packs' rules judged against
 * the read model, each signal once per rule, customer and window, a CRM task for the account's
 * CSM when a CRM is configured. Started by a Temporal Schedule every 15 minutes.
 */
export async function customerSignalsWorkflow(input: CustomerSignalsInput = {}): Promise<CustomerSignalsResult> {
  const result = await raiseCustomerSignals(input.now ? { now: input.now } : {});
  setCurrentDetails(`signals raised: ${result.raised}; CRM tasks made: ${result.delivered}; failed: ${result.failed}`);
  return result;
}
