import type { Channel, PolicyPack, SlaMetric } from './policy.schema';
import { parseDuration } from '../sla/duration';

export class UnknownPriorityError extends Error {
  constructor(readonly brand: string, readonly priority: string, readonly allowed: string[]) {
    super(`priority "${priority}" is not defined for brand "${brand}" (allowed: ${allowed.join(', ')})`);
    this.name = 'UnknownPriorityError';
  }
}

/**
 * Combining rule, per metric: when both the priority and the channel set a target, the stricter
 * (shorter) one applies; when only one does, that one applies. A P1 that arrives by email is still
 * answered within the P1 window, and a P4 that arrives by chat is still answered like a chat.
 */
export function resolveTargetMs(pack: PolicyPack, priority: string, channel: Channel, metric: SlaMetric): number | undefined {
  // Own properties only: "constructor" or "__proto__" is no priority.
  const byPriority = Object.hasOwn(pack.priorities, priority) ? pack.priorities[priority] : undefined;
  if (!byPriority) throw new UnknownPriorityError(pack.brand, priority, Object.keys(pack.priorities));
  const candidates = [byPriority[metric], pack.channels[channel]?.[metric]]
    .filter((d): d is string => d !== undefined)
    .map(parseDuration);
  return candidates.length ? Math.min(...candidates) : undefined;
}
