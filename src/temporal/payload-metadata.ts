/**
 * Names of the payload metadata Caseworks adds, in one place: the actor-binding codec, the payload
 * converter (also inside the workflow sandbox: this module has no imports) and the codec endpoint
 * read the same constants.
 */

/**
 * Canonical JSON `{name, role, at, nonce, case?, schedule?}`: who the service says sent this
 * payload (set by the API for its caller, by the worker for what its workflows send to workflows).
 */
export const ACTOR_BINDING_METADATA = 'caseworks-binding';
/** HMAC-SHA256 over the binding and the payload it travels with. */
export const ACTOR_BINDING_MAC_METADATA = 'caseworks-binding-mac';
/**
 * The verified binding, set only by the actor-binding codec's decode once the MAC checks out; any
 * incoming copy is deleted first, so a caller cannot claim one.
 */
export const VERIFIED_CALLER_METADATA = 'caseworks-caller';
/**
 * A hint from the sender to the actor-binding codec's encode, never sent on: `schedule` = these
 * are a schedule action's arguments, whose runs get the workflow ID plus `-<nominal time>`, so the
 * binding is made for that ID prefix (src/worker/schedules.ts).
 */
export const BINDING_SCOPE_METADATA = 'caseworks-binding-scope';

/** Workflow type of the workflow that produced the payload (set by the payload converter inside workflows). */
export const CASE_KIND_METADATA = 'caseworks-kind';
/** Workflow ID of the workflow that produced the payload (set by the payload converter inside workflows). */
export const CASE_ID_METADATA = 'caseworks-case';

/** Where the payload converter puts the verified caller on a decoded object (never serialised). */
export const VERIFIED_CALLER = Symbol.for('caseworks.caller');

/** The identity a payload is bound to. `case`: the workflow ID the sender addressed, when known. */
export interface BoundCaller {
  name: string;
  role: string;
  /** Milliseconds since the epoch when the service bound it. */
  at: number;
  /**
   * Random, one per bound payload: a case applies an update or signal with a given nonce once
   * (src/workflows/verified-actor.interceptor.ts). Absent in bindings made before nonces existed.
   */
  nonce?: string;
  case?: string;
  /** `case` is a schedule's workflow ID: the binding holds for each run it starts (`case-<time>`). */
  schedule?: true;
}
