import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';

type Activities = ReturnType<typeof createActivities>;

// An update's record is a regular activity, not a local one (issue 20): a local activity runs
// inside the workflow task that carries an update, before the server accepted that update; when
// the server dropped that (speculative) task the row was written anyway and the update retried on
// other state.
export const { recordTicketTransition, recordSlaCredit } = proxyActivities<Activities>(READ_MODEL_WRITE);
// The same activity, local: for the records of what happens whatever a task's fate, the opening
// and the clocks' steps (records.ts). No activity task, so no dispatch, no three history events
// and no workflow task to take its result: a breach and its first escalation step cost the
// server one workflow task, not three or four (issue 17, sla-lag). While it runs, the workflow
// task stays open; a retry due more than 2 s later waits on a workflow timer instead, so a record
// the database keeps refusing does not hold the ticket's task for the whole retry schedule.
export const { recordTicketTransition: recordTicketTransitionLocally } = proxyLocalActivities<Activities>({ ...READ_MODEL_WRITE, localRetryThreshold: '2 seconds' });
export const { sendNotification } = proxyActivities<Activities>(OUTSIDE_SERVICE);
// The clocks' notifications are tried once locally, for the same reason as their records
// (fire-due.ts): a warning or escalation step then costs no activity task and no workflow task
// to take its result. Once only, and briefly: a receiver that refuses or hangs gets the regular
// activity instead (clockSend), whose retries for a day add nothing to the ticket's history and
// leave its workflow task free for queries and updates. Delivery stays at least once under the
// notification's key either way (the receiver drops a repeat).
export const { sendNotification: sendNotificationLocally } = proxyLocalActivities<Activities>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 1 } });

// The checklist reads a service that may be down: a few tries, then the check is "unavailable"
// and the agent runs it by hand. It must not hold the ticket hostage the way a record must.
export const { runPlaybackCheck } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});
