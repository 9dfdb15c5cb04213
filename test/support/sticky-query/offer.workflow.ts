import { condition, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { CaseTransitionError } from '../../../src/domain/case-transition';

/**
 * A refund in miniature (test/workflows/query-beside-crash.spec.ts): an activity records the
 * eligibility, then the case offers what a person may decline. Nothing else, so what the test
 * shows is the SDK's and the server's doing, not a case kind's.
 */
export interface OfferActivities {
  recordEligibility(): Promise<void>;
}
const { recordEligibility } = proxyActivities<OfferActivities>({ startToCloseTimeout: '1 minute' });

export const stageQuery = defineQuery<string>('stage');
export const declineOffer = defineUpdate<string>('declineOffer');
/** Ends the case once declined: until then it stays open, so a later task can replay it. */
export const closeSignal = defineSignal('close');

export async function offerAfterRecord(): Promise<string> {
  let stage = 'eligibility';
  let closed = false;
  setHandler(stageQuery, () => stage);
  setHandler(closeSignal, () => void (closed = true));
  setHandler(
    declineOffer,
    () => {
      // Replayed in the wrong order, the handler meets the state before the offer and says so as
      // a case kind's transition does (src/domain); the app's bundles refuse the update with it
      // (src/workflows/handler-refusal.interceptor.ts).
      if (stage !== 'offered') throw new CaseTransitionError(stage, 'decline', `the handler met ${stage}`);
      stage = 'declined';
      return stage;
    },
    { validator: () => { if (stage !== 'offered') throw new Error(`cannot decline in ${stage}`); } },
  );
  await recordEligibility();
  stage = 'offered';
  // The workflow's own command from the result, as the refund's retention window is a timer.
  void sleep('1 hour');
  await condition(() => stage === 'declined');
  await condition(() => closed);
  return stage;
}
