/**
 * Whether an update's actor is the caller the service vouched for (the actor-binding codec's
 * verified binding). Pure: the verified-actor workflow interceptor asks it in every update
 * validator, with workflow time as `now`.
 */

/** The ApplicationFailure type of a refused update (the API answers 403 `unverified-actor`). */
export const UNVERIFIED_ACTOR_FAILURE = 'UnverifiedActor';

/** A binding older than this (workflow time) is a replayed payload, not a fresh action. */
export const BINDING_MAX_AGE_MS = 5 * 60_000;

export interface VerifiedCaller {
  name: string;
  role: string;
  at: number;
  /** Single use: a case applies a given nonce once (see src/workflows/verified-actor.interceptor.ts). */
  nonce?: string;
}

/** Whether this run already applied the action bound with `nonce` (the interceptor's memory). */
export type AppliedNonces = (nonce: string) => boolean;

/**
 * Undefined when the action may proceed; otherwise why not (for the refusal message: it names no
 * value, since a forged actor may be anything, personal data included).
 *
 * - The argument must be a JSON object carrying a verified caller.
 * - The binding must be at most BINDING_MAX_AGE_MS old (and not as far in the future).
 * - The binding's nonce must be one this run has not applied yet (the same bound payload sent
 *   twice is one action; a binding without a nonce predates them and cannot be told apart).
 * - `actor` absent: a system action, the verified caller is enough. A string must be the
 *   caller's name; an object must be exactly `{id, role}` with the caller's name and role.
 *   Anything else (null, numbers, arrays, other objects) is refused.
 */
export function unverifiedActorReason(arg: unknown, caller: unknown, now: number, applied: AppliedNonces = () => false): string | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return 'the action must be a JSON object sent through the Caseworks API';
  if (!isVerifiedCaller(caller)) return 'the action was not sent through the Caseworks API: it carries no caller the service vouches for';
  if (Math.abs(now - caller.at) > BINDING_MAX_AGE_MS) return 'the action was vouched for more than 5 minutes ago: send it again through the Caseworks API';
  const nonceRefusal = singleUseReason(caller, applied);
  if (nonceRefusal !== undefined) return nonceRefusal;
  if (!Object.prototype.hasOwnProperty.call(arg, 'actor')) return undefined;
  const actor = (arg as { actor: unknown }).actor;
  if (typeof actor === 'string') return actor === caller.name ? undefined : 'actor is not the caller the service vouches for';
  if (isActorRef(actor)) return actor.id === caller.name && actor.role === caller.role ? undefined : 'actor is not the caller the service vouches for';
  return 'actor must be the caller: a name, or {id, role}';
}

/** Why a verified caller's nonce may not be applied (none, or applied already); undefined when it may. */
export function singleUseReason(caller: VerifiedCaller, applied: AppliedNonces): string | undefined {
  if (caller.nonce === undefined) return 'the action carries no single-use nonce: send it again through the Caseworks API';
  if (applied(caller.nonce)) return 'this exact action was already applied to the case: send a new one through the Caseworks API';
  return undefined;
}

export function isVerifiedCaller(v: unknown): v is VerifiedCaller {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return (
    typeof c.name === 'string' &&
    typeof c.role === 'string' &&
    typeof c.at === 'number' &&
    Number.isFinite(c.at) &&
    (c.nonce === undefined || (typeof c.nonce === 'string' && c.nonce.length > 0))
  );
}

/** Exactly `{id, role}`, both strings: the shape the API sends for takedowns. */
function isActorRef(v: unknown): v is { id: string; role: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const ref = v as Record<string, unknown>;
  return keys.length === 2 && typeof ref.id === 'string' && typeof ref.role === 'string';
}
