import type { Channel, PolicyPack, SlaClockKind, SlaMetric } from './policy.schema';
import { parseDuration } from '../sla/duration';

export class UnknownPriorityError extends Error {
  constructor(readonly brand: string, readonly priority: string, readonly allowed: string[]) {
    super(`priority "${priority}" is not defined for brand "${brand}" (allowed: ${allowed.join(', ')})`);
    this.name = 'UnknownPriorityError';
  }
}

/** A resolved target: its window and the clock it runs on. */
export interface ResolvedTarget {
  ms: number;
  clock: SlaClockKind;
}

/**
 * Combining rule, per metric: when both the priority and the channel set a target, the stricter
 * (shorter) one applies; when only one does, that one applies. A P1 that arrives by email is still
 * answered within the P1 window, and a P4 that arrives by chat is still answered like a chat.
 * Equal windows on different clocks: the calendar-time one, which never ends later (elapsed time
 * is never less than the business time inside it).
 */
export function resolveTarget(pack: PolicyPack, priority: string, channel: Channel, metric: SlaMetric): ResolvedTarget | undefined {
  // Own properties only: "constructor" or "__proto__" is no priority.
  const byPriority = Object.hasOwn(pack.priorities, priority) ? pack.priorities[priority] : undefined;
  if (!byPriority) throw new UnknownPriorityError(pack.brand, priority, Object.keys(pack.priorities));
  const byChannel = pack.channels[channel];
  const candidates: ResolvedTarget[] = [];
  for (const source of [byPriority, byChannel]) {
    const d = source?.[metric];
    if (d !== undefined) candidates.push({ ms: parseDuration(d), clock: source?.clocks?.[metric] ?? 'business' });
  }
  if (!candidates.length) return undefined;
  return candidates.reduce((best, c) => (c.ms < best.ms || (c.ms === best.ms && c.clock === 'calendar') ? c : best));
}

export function resolveTargetMs(pack: PolicyPack, priority: string, channel: Channel, metric: SlaMetric): number | undefined {
  return resolveTarget(pack, priority, channel, metric)?.ms;
}
