import { ServiceError, WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';

/** How long an agent waits for one action before reporting it as not completed. */
export const ACTION_BUDGET_MS = 120_000;

/**
 * An agent's action, as a client that means it: the server answers an update it could not hand to
 * a worker in time (the worker is being killed) with an error, so ask again under the same update
 * ID, which the workflow runs once however often it is asked. A refusal by the workflow is final.
 *
 * A case whose workflow task keeps failing never completes the update: after `budgetMs` the
 * call is aborted, not merely abandoned. An abandoned call keeps polling and, once the caller has
 * closed the connection, the SDK's gRPC retry timer fires on a shut channel and throws
 * "Channel has been shut down" out of a timer, killing the process (it ended a `make bench` pass).
 */
export async function updateUntilAnswered<Ret, Arg>(
  h: WorkflowHandle,
  def: UpdateDefinition<Ret, [Arg]>,
  args: [Arg],
  { budgetMs = ACTION_BUDGET_MS }: { budgetMs?: number } = {},
): Promise<Ret> {
  const updateId = randomUUID();
  const budget = new AbortController();
  // The SDK adds an abort listener for every call made under the signal and never removes it;
  // an update polled for minutes makes dozens (bounded by the budget, freed with the signal).
  setMaxListeners(0, budget.signal);
  const timer = setTimeout(() => budget.abort(), budgetMs);
  try {
    for (;;) {
      try {
        return await h.client.withAbortSignal(budget.signal, () => h.executeUpdate(def, { args, updateId }));
      } catch (err) {
        if (budget.signal.aborted) throw Object.assign(new Error(`update ${def.name} not completed within ${budgetMs / 1000} s`), { update: def.name });
        if (!(err instanceof ServiceError)) throw Object.assign(err as object, { update: def.name });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    clearTimeout(timer);
  }
}
