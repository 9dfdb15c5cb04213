import { ServiceError, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';

/**
 * An agent's action, as a client that means it: the server answers an update it could not hand to
 * a worker in time (the worker is being killed) with an error, so ask again under the same update
 * ID, which the workflow runs once however often it is asked. A refusal by the workflow is final.
 */
export async function updateUntilAnswered<Ret, Arg>(h: WorkflowHandle, def: UpdateDefinition<Ret, [Arg]>, args: [Arg]): Promise<Ret> {
  const updateId = randomUUID();
  for (const until = Date.now() + 120_000; ; await new Promise((r) => setTimeout(r, 500))) {
    try {
      // A case whose workflow task keeps failing never completes the update: give up in time.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`update ${def.name} not completed within 120 s`)), 120_000);
      });
      try {
        return await Promise.race([h.executeUpdate(def, { args, updateId }), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      if (!(err instanceof ServiceError) || Date.now() > until) throw Object.assign(err as object, { update: def.name });
    }
  }
}
