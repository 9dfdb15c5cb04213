import type { Response } from 'express';

/**
 * How every create answers: the first request with its own status (201, or 202 for a notice
 * taken for review), a replay with 200 and `Idempotent-Replayed: true`, same case either way.
 */
export function answerCreate(res: Response, replayed: boolean, location?: string, firstStatus = 201): void {
  res.status(replayed ? 200 : firstStatus);
  if (location !== undefined) res.location(location);
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
}
