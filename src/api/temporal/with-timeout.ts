import { HttpException } from '@nestjs/common';

/**
 * The value, or undefined when it takes longer than `ms` (the promise itself is left to finish:
 * fine for waiting on a workflow's result; a query takes withDeadline).
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const answer = await withDeadline(() => promise, ms);
  return answer === TIMED_OUT ? undefined : answer;
}

/** What withDeadline answers when the call did not answer in time. */
export const TIMED_OUT = Symbol('timed out');

/**
 * The call's answer, or TIMED_OUT when it takes longer than `ms`; then the call is aborted, not
 * left to finish. For a Temporal query that matters beyond this process: a query left waiting on
 * the sticky queue of a worker that died is handed on to another worker after the sticky timeout
 * (10 s), and that worker, answering it, can apply history the case's pending workflow task has
 * not yet taken; an update in that task is then recorded after the workflow's commands and the
 * history no longer replays (docs/known-problems.md). Aborted, the server drops the query, so
 * the window is this deadline, not the sticky timeout. `call` gets the signal to run under
 * (Client.withAbortSignal).
 */
export async function withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const pending = call(abort.signal);
  try {
    const answer = await Promise.race([pending, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
    if (answer === TIMED_OUT) abort.abort();
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads a case just started: its first workflow task (which records it) may not have run yet, so
 * a 404 is retried for up to ~5 s instead of being answered to the client that just opened it.
 */
export async function readOnceStarted<T>(read: () => Promise<T>, tries = 20, intervalMs = 250): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= tries || !(err instanceof HttpException) || err.getStatus() !== 404) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
