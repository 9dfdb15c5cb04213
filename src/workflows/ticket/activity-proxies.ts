import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';

type Activities = ReturnType<typeof createActivities>;

// A regular activity, not a local one (issue 20): a local activity runs inside the workflow task
// that carries an update, before the server accepted that update; when the server dropped that
// (speculative) task the row was written anyway and the update retried on other state.
export const { recordTicketTransition, recordSlaCredit } = proxyActivities<Activities>(READ_MODEL_WRITE);
export const { sendNotification } = proxyActivities<Activities>(OUTSIDE_SERVICE);

// The checklist reads a service that may be down: a few tries, then the check is "unavailable"
// and the agent runs it by hand. It must not hold the ticket hostage the way a record must.
export const { runPlaybackCheck } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});
