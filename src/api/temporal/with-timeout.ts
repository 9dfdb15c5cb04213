import { HttpException } from '@nestjs/common';

/** The value, or undefined when it takes longer than `ms` (the promise itself is left to finish). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
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
