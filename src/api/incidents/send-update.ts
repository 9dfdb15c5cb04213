import { WorkflowNotFoundError } from '@temporalio/common';
import { randomUUID } from 'node:crypto';

/**
 * Sends one incident update under one update ID, and sends it again under the same ID when the
 * server lost track of it at a continue-as-new boundary: NOT_FOUND `update "<id>" not found` while
 * the client waited on the run that had just closed. Safe to repeat: an ID the run does not know
 * was not applied by it, and the incident applies an update ID once across runs (an update whose
 * answer was lost in the hand-over is answered, not applied again: incident.workflow.ts).
 */
export async function sendUpdateOnce<T>(send: (updateId: string) => Promise<T>, attempts = 3): Promise<T> {
  const updateId = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(updateId);
    } catch (err) {
      if (attempt >= attempts || !isLostUpdate(err)) throw err;
    }
  }
}

/** The server's answer for an update ID the (closed) run it asked does not know. */
export function isLostUpdate(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError && /^update ".+" not found/.test(err.message);
}
