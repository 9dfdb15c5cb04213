/**
 * Erlang C (M/M/N queue): how many agents a stream of contacts needs so that a share of them is
 * answered within a target time. Pure; the forecast endpoint and its tests share it.
 *
 * References: A. K. Erlang (1917); the textbook statements used here are those of Koole, "Call
 * Center Mathematics" (2013), ch. 5: with offered load A = λ·AHT Erlangs and N > A agents,
 *   P(wait) = C(N, A) = N·B / (N − A·(1 − B)),  B = Erlang B, by the recursion
 *   B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))  (no factorials: stable for hundreds of agents);
 *   service level SL(T) = 1 − C · e^(−(N − A)·T / AHT);
 *   average speed of answer ASA = C · AHT / (N − A).
 */

export interface ServiceLevelTarget {
  /** Share of contacts to answer within `withinSeconds` (0.8 for "80 %"). */
  target: number;
  withinSeconds: number;
}

export interface StaffingInput {
  /** Contacts arriving in the interval. */
  arrivals: number;
  intervalSeconds: number;
  /** Average handle time per contact (talk + wrap-up), seconds. */
  ahtSeconds: number;
  serviceLevel: ServiceLevelTarget;
}

export interface StaffingResult {
  /** Offered load A in Erlangs (agents' worth of work). */
  trafficErlangs: number;
  /** Fewest agents on the phones that meet the service level (before shrinkage). */
  agents: number;
  /** The service level those agents reach; 1 when nothing arrives. */
  serviceLevel: number;
  probabilityOfWaiting: number;
  averageSpeedOfAnswerSeconds: number;
  /** A / agents; 0 when nothing arrives. */
  occupancy: number;
}

/** More agents than this is not a staffing question but a bad input (and would loop for long). */
const MAX_AGENTS = 100_000;

/** Offered load in Erlangs: arrivals per second × seconds per contact. */
export function trafficIntensity(arrivals: number, intervalSeconds: number, ahtSeconds: number): number {
  if (!(intervalSeconds > 0)) throw new RangeError('intervalSeconds must be positive');
  if (!(arrivals >= 0) || !(ahtSeconds >= 0)) throw new RangeError('arrivals and ahtSeconds must not be negative');
  return (arrivals / intervalSeconds) * ahtSeconds;
}

/** Erlang B (blocking probability) by the stable recursion. */
export function erlangB(traffic: number, agents: number): number {
  assertAgents(agents);
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Probability that a contact waits at all; 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(traffic: number, agents: number): number {
  assertAgents(agents);
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  const b = erlangB(traffic, agents);
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Share of contacts answered within `withinSeconds`; 0 when the queue grows without bound. */
export function serviceLevel(traffic: number, agents: number, ahtSeconds: number, withinSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(traffic, agents) * Math.exp((-(agents - traffic) * withinSeconds) / ahtSeconds);
}

/** Mean wait before an agent answers (seconds); Infinity when N ≤ A. */
export function averageSpeedOfAnswer(traffic: number, agents: number, ahtSeconds: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return Infinity;
  return (erlangC(traffic, agents) * ahtSeconds) / (agents - traffic);
}

/** The fewest agents whose service level reaches the target, with the figures at that staffing. */
export function requiredAgents(input: StaffingInput): StaffingResult {
  const { target, withinSeconds } = input.serviceLevel;
  if (!(target > 0 && target < 1)) throw new RangeError('serviceLevel.target must be between 0 and 1 (exclusive)');
  if (!(withinSeconds >= 0)) throw new RangeError('serviceLevel.withinSeconds must not be negative');
  const traffic = trafficIntensity(input.arrivals, input.intervalSeconds, input.ahtSeconds);
  if (traffic === 0) return { trafficErlangs: 0, agents: 0, serviceLevel: 1, probabilityOfWaiting: 0, averageSpeedOfAnswerSeconds: 0, occupancy: 0 };
  // Start at the first N that keeps up (N > A): below it the queue grows without bound.
  let agents = Math.floor(traffic) + 1;
  while (serviceLevel(traffic, agents, input.ahtSeconds, withinSeconds) < target) {
    agents++;
    if (agents > MAX_AGENTS) throw new RangeError(`more than ${MAX_AGENTS} agents needed: check the inputs`);
  }
  return {
    trafficErlangs: traffic,
    agents,
    serviceLevel: serviceLevel(traffic, agents, input.ahtSeconds, withinSeconds),
    probabilityOfWaiting: erlangC(traffic, agents),
    averageSpeedOfAnswerSeconds: averageSpeedOfAnswer(traffic, agents, input.ahtSeconds),
    occupancy: traffic / agents,
  };
}

/**
 * Agents to schedule so that `agents` are on the phones while a share `shrinkage` of paid time
 * goes to breaks, training and admin: agents / (1 − shrinkage), rounded up. The tolerance keeps
 * a quotient that is whole in decimal (14 / 0.7 = 20.000000000000004 in binary) from becoming 21.
 */
export function withShrinkage(agents: number, shrinkage: number): number {
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new RangeError('shrinkage must be in [0, 1)');
  assertAgents(agents);
  if (agents === 0) return 0; // not ceil(−1e-9), which is −0
  return Math.ceil(agents / (1 - shrinkage) - 1e-9);
}

function assertAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError('agents must be a whole number ≥ 0');
}
