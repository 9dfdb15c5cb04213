import { BinaryPayloadConverter, CompositePayloadConverter, JsonPayloadConverter, RawValue, UndefinedPayloadConverter } from '@temporalio/common';
import type { ConverterHint, Payload, SerializationContext } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { inWorkflowContext, workflowInfo } from '@temporalio/workflow';
import { CASE_ID_METADATA, CASE_KIND_METADATA, VERIFIED_CALLER, VERIFIED_CALLER_METADATA } from './payload-metadata';

/**
 * The default converters (undefined, binary, JSON) plus two Caseworks facts. Loaded through
 * `payloadConverterPath` by the worker, the workflow bundle and every client, so it runs inside the
 * workflow sandbox too: no Node imports here.
 *
 * - fromPayload: the caller the actor-binding codec verified (`caseworks-caller` metadata) is put
 *   on the decoded object under `Symbol.for('caseworks.caller')`, non-enumerable, so spreads,
 *   JSON (state, activity inputs, history) and the card-data redaction never carry it. The
 *   verified-actor interceptor reads it in update validators.
 * - toPayload inside a workflow: `caseworks-kind` (workflow type) and `caseworks-case` (workflow
 *   ID) metadata, which the codecs use (per-role decoding, per-case keys).
 */
class CaseworksPayloadConverter extends CompositePayloadConverter {
  constructor() {
    super(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new JsonPayloadConverter());
  }

  override toPayload<T>(value: T, context?: SerializationContext, hint?: ConverterHint<T>): Payload {
    const payload = super.toPayload(value, context, hint);
    // A RawValue's payload is passed through as given, like the SDK does.
    if (!inWorkflowContext() || value instanceof RawValue) return payload;
    const info = workflowInfo();
    return { ...payload, metadata: { ...payload.metadata, [CASE_KIND_METADATA]: encode(info.workflowType), [CASE_ID_METADATA]: encode(info.workflowId) } };
  }

  override fromPayload<T>(payload: Payload, context?: SerializationContext, hint?: ConverterHint<T>): T {
    const value = super.fromPayload<T>(payload, context, hint);
    const caller = payload.metadata?.[VERIFIED_CALLER_METADATA];
    if (caller && typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
      Object.defineProperty(value, VERIFIED_CALLER, { value: parseCaller(decode(caller)), enumerable: false, configurable: false, writable: false });
    }
    return value;
  }
}

/** The binding JSON the codec verified (it checked the shape; undefined if unreadable). */
function parseCaller(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

export const payloadConverter = new CaseworksPayloadConverter();
