import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { WORKER_IDENTITY } from '../domain/verified-signal';
import { ACTOR_BINDING_MAC_METADATA, ACTOR_BINDING_METADATA, BINDING_SCOPE_METADATA, BoundCaller, VERIFIED_CALLER_METADATA } from './payload-metadata';

/** Who the service says is acting: the API's authenticated principal, or a named system route. */
export interface Caller {
  name: string;
  role: string;
}

/**
 * Where the encoding side learns who is acting. The API asks its request context (the payload is
 * not needed); the test harness reads the actor the payload claims (see test/support/trusted-signer.ts);
 * the worker looks at where the payload goes (`context`, see workerCallerSource).
 * Undefined: bind nothing.
 */
export type CallerSource = (payload: Payload, context?: SerializationContext) => Caller | undefined;

/**
 * The worker's own identity: what its workflows send to workflows (child workflow and
 * continue-as-new inputs, signals to other cases) and the schedules it creates. No API caller
 * can be it: the API binds authenticated principals and its named system routes only.
 */
export const WORKER_CALLER: Caller = WORKER_IDENTITY;

/**
 * The worker binds payloads that go to a workflow (the SDK's `workflow` serialization context:
 * child starts, continue-as-new, signals to other workflows, and also its own results, update
 * results and query answers, which it cannot tell apart from continue-as-new input here), never
 * activity inputs and results (`activity` context), which no workflow reads as an action.
 */
export const workerCallerSource: CallerSource = (_payload, context) => (context?.type === 'workflow' ? WORKER_CALLER : undefined);

export interface ActorBindingOptions {
  /** PAYLOAD_ENCRYPTION_KEY (base64). Without it nothing is bound and nothing verifies. */
  encryptionKey?: string;
  identity?: CallerSource;
  /** The clock that stamps bindings (tests move it). */
  now?: () => number;
  /** A fresh single-use nonce per bound payload (tests fix it). */
  nonce?: () => string;
}

const HKDF_INFO = 'caseworks actor binding';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Binds payloads the service sends to the identity it vouches for, and tells the workflows which
 * payloads carry such a binding. Anyone who can reach the Temporal frontend (the Web UI's "Send an
 * Update", the CLI, an SDK) can write any `actor` into an update; only the API and the worker hold
 * the binding key (derived from PAYLOAD_ENCRYPTION_KEY), so only the API can make a binding.
 *
 * Encode (first codec, before encryption, so the binding travels sealed): when `identity` names a
 * caller, adds `caseworks-binding` = canonical JSON `{name, role, at, nonce, case?, schedule?}` and
 * `caseworks-binding-mac` = HMAC-SHA256(key, keyId | binding | sha256(encoding) | sha256(data)).
 * `case` is the workflow ID the client addressed (the SDK's serialization context), so a binding
 * copied onto another case does not verify. A schedule's action (hint `caseworks-binding-scope`
 * = `schedule`) is bound with `schedule: true`: it verifies on the runs the schedule starts, whose
 * IDs are the action's workflow ID plus `-<nominal time>`. `nonce` makes each bound payload
 * single-use within a run (the workflow interceptor remembers the nonces it applied).
 *
 * Decode (last codec, after decryption): always removes `caseworks-caller`, `caseworks-binding`
 * and `caseworks-binding-mac` from what it returns; sets `caseworks-caller` = the binding only
 * when the MAC verifies and the binding is for this case. The workflow interceptor
 * (src/workflows/verified-actor.interceptor.ts) refuses updates without it, with an actor that
 * differs from it, or with a binding too old in workflow time (a replayed payload).
 */
export class ActorBindingCodec implements PayloadCodec {
  // An ECMAScript private field: never enumerable, so the SDK's debug log of the worker's options
  // (which prints its data converter) cannot print the binding key.
  readonly #key?: Buffer;
  private readonly keyId?: string;
  private readonly identity?: CallerSource;
  private readonly now: () => number;
  private readonly nonce: () => string;

  constructor(options: ActorBindingOptions) {
    if (options.encryptionKey) {
      this.#key = deriveBindingKey(options.encryptionKey);
      this.keyId = createHash('sha256').update(this.#key).digest('hex').slice(0, 12);
    }
    this.identity = options.identity;
    this.now = options.now ?? Date.now;
    this.nonce = options.nonce ?? (() => randomBytes(12).toString('base64url'));
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const key = this.#key;
    const identity = this.identity;
    if (!key || !identity) return payloads;
    const target = workflowIdOf(context);
    return payloads.map((payload) => {
      const caller = identity(payload, context);
      if (!caller) return payload;
      // Only the service's own identities (role `system`: the worker, which creates the schedules;
      // no key or IdP token carries that role) may scope a binding to a schedule's runs: a hint on a
      // person's payload (handed to /codec/encode with made-up metadata) must not widen their
      // binding to every `<case>-…` workflow ID.
      const scheduled = target !== undefined && caller.role === 'system' && decoder.decode(payload.metadata?.[BINDING_SCOPE_METADATA] ?? new Uint8Array()) === 'schedule';
      const binding = canonicalBinding({
        name: caller.name,
        role: caller.role,
        at: this.now(),
        nonce: this.nonce(),
        ...(target !== undefined ? { case: target } : {}),
        ...(scheduled ? { schedule: true as const } : {}),
      });
      return {
        ...payload,
        metadata: {
          ...withoutBindingMetadata(payload.metadata),
          [ACTOR_BINDING_METADATA]: encoder.encode(binding),
          [ACTOR_BINDING_MAC_METADATA]: this.mac(key, binding, payload),
        },
      };
    });
  }

  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const target = workflowIdOf(context);
    return payloads.map((payload) => {
      const metadata = payload.metadata;
      if (!metadata) return payload;
      const verified = this.verifiedBinding(payload, target);
      const stripped = withoutBindingMetadata(metadata);
      // The untouched payload when nothing was removed: most payloads (the worker's own) carry none.
      if (verified === undefined && Object.keys(stripped).length === Object.keys(metadata).length) return payload;
      return { ...payload, metadata: verified === undefined ? stripped : { ...stripped, [VERIFIED_CALLER_METADATA]: encoder.encode(verified) } };
    });
  }

  /** The binding JSON when this payload's MAC verifies under our key and it is for `target`. */
  private verifiedBinding(payload: Payload, target: string | undefined): string | undefined {
    const raw = payload.metadata?.[ACTOR_BINDING_METADATA];
    const mac = payload.metadata?.[ACTOR_BINDING_MAC_METADATA];
    if (!this.#key || !raw || !mac) return undefined;
    const binding = decoder.decode(raw);
    const expected = this.mac(this.#key, binding, payload);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    const parsed = parseBoundCaller(binding);
    if (!parsed) return undefined;
    // A binding made for another case: somebody copied a payload across cases.
    if (parsed.case !== undefined && target !== undefined && !bindingCovers(parsed, target)) return undefined;
    return binding;
  }

  private mac(key: Buffer, binding: string, payload: Payload): Buffer {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array();
    const data = payload.data ?? new Uint8Array();
    // Newline-separated: the binding is JSON (no raw newlines), the rest hex or the key ID.
    return createHmac('sha256', key)
      .update(`${this.keyId}\n${binding}\n${sha256Hex(encoding)}\n${sha256Hex(data)}`)
      .digest();
  }
}

/** HKDF-SHA256 from the payload encryption key: a separate key, so the MAC never reuses the AES key. */
export function deriveBindingKey(encryptionKeyBase64: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(encryptionKeyBase64, 'base64'), new Uint8Array(), HKDF_INFO, 32));
}

/** Fixed key order, so the same binding always has the same bytes. */
export function canonicalBinding(b: BoundCaller): string {
  return JSON.stringify({
    name: b.name,
    role: b.role,
    at: b.at,
    ...(b.nonce !== undefined ? { nonce: b.nonce } : {}),
    ...(b.case !== undefined ? { case: b.case } : {}),
    ...(b.schedule === true ? { schedule: true } : {}),
  });
}

/** The binding's case is the target, or a schedule's workflow ID of which the target is a run (`<id>-<time>`). */
function bindingCovers(b: BoundCaller, target: string): boolean {
  if (b.case === target) return true;
  return b.schedule === true && b.case !== undefined && target.startsWith(`${b.case}-`);
}

/** The binding's fields when it has the shape this codec writes. */
export function parseBoundCaller(json: string): BoundCaller | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.name !== 'string' || typeof v.role !== 'string' || typeof v.at !== 'number' || !Number.isFinite(v.at)) return undefined;
  if (v.case !== undefined && typeof v.case !== 'string') return undefined;
  if (v.nonce !== undefined && (typeof v.nonce !== 'string' || v.nonce.length === 0)) return undefined;
  if (v.schedule !== undefined && v.schedule !== true) return undefined;
  return {
    name: v.name,
    role: v.role,
    at: v.at,
    ...(typeof v.nonce === 'string' ? { nonce: v.nonce } : {}),
    ...(typeof v.case === 'string' ? { case: v.case } : {}),
    ...(v.schedule === true ? { schedule: true as const } : {}),
  };
}

/** Payload metadata without anything only this codec may write (a forger's copies included). */
export function withoutBindingMetadata(metadata: Payload['metadata']): Record<string, Uint8Array> {
  const rest: Record<string, Uint8Array> = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (name !== ACTOR_BINDING_METADATA && name !== ACTOR_BINDING_MAC_METADATA && name !== VERIFIED_CALLER_METADATA && name !== BINDING_SCOPE_METADATA) rest[name] = value;
  }
  return rest;
}

function workflowIdOf(context: SerializationContext | undefined): string | undefined {
  return context?.type === 'workflow' ? context.workflowId : undefined;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
