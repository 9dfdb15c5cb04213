/**
 * A worker that has begun to stop must end within a deadline, or the process ends itself.
 *
 * Why: the SDK stops a worker on its own after an error it cannot recover from (the core refusing
 * an activation's completion: "Initiating Worker shutdown", docs/known-problems.md). Seen here,
 * such a worker then waited in DRAINING for ever: it polled nothing, ran no case, and the process
 * stayed alive, so no supervisor restarted it. Bounded, the process exits non-zero and its
 * supervisor (make dev, make cluster, compose's `restart`) starts a fresh worker.
 *
 * A graceful stop (SIGTERM) is bounded the same way: it has the shutdown grace for activities and
 * this deadline in all.
 */

/** The states of `Worker.getState()` (@temporalio/worker) that mean it has not begun to stop. */
const RUNNING_STATES = new Set(['INITIALIZED', 'RUNNING']);

export interface StopDeadlineOptions {
  /** How long a worker may take to stop, from the moment it is first seen stopping. */
  deadlineMs: number;
  /** Called once when the deadline passes and the worker still has not stopped (the process should exit). */
  onOverrun: (stuckIn: string) => void;
  /** How often the worker's state is read. */
  checkEveryMs?: number;
  /** The clock (a test's controllable one). */
  now?: () => number;
}

/**
 * Watches `worker` until the returned function is called, which the caller does once run() has
 * returned or thrown. Its timer never keeps the process alive by itself.
 */
export function enforceStopDeadline(worker: { getState(): string }, { deadlineMs, onOverrun, checkEveryMs = 1_000, now = Date.now }: StopDeadlineOptions): () => void {
  let stoppingSince: number | undefined;
  let overrun = false;
  const check = (): void => {
    const state = worker.getState();
    // STOPPED and FAILED count too: run() has not returned until the caller disposes of this.
    if (RUNNING_STATES.has(state)) return;
    stoppingSince ??= now();
    if (!overrun && now() - stoppingSince >= deadlineMs) {
      overrun = true;
      onOverrun(state);
    }
  };
  const timer = setInterval(check, checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
