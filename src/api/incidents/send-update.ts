import { randomUUID } from 'node:crypto';
import { isLostUpdate, sendWithRetry } from '../cases/update-retries';

export { isLostUpdate };

/**
 * Sends one incident update under one update ID, and sends it again under the same ID when the
 * server lost track of it at a continue-as-new boundary: NOT_FOUND `update "<id>" not found` while
 * the client waited on the run that had just closed. Safe to repeat: an ID the run does not know
 * was not applied by it, and the incident applies an update ID once across runs (an update whose
 * answer was lost in the hand-over is answered, not applied again: incident.workflow.ts). The
 * API sends through CaseClient (retry 'lost-update'); this stays for the workflow tests.
 */
export async function sendUpdateOnce<T>(send: (updateId: string) => Promise<T>): Promise<T> {
  const updateId = randomUUID();
  return sendWithRetry('lost-update', 'incident', updateId, () => send(updateId));
}
