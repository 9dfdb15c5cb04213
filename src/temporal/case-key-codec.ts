import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CaseKeySource } from './case-keys.store';
// The payload converter tags what a workflow writes with its workflow ID: the fallback when the SDK gives no context.
import { CASE_ID_METADATA } from './payload-metadata';

export const CASE_SEALED_ENCODING = 'binary/case-sealed';
/** Outer metadata: whose key sealed the payload (a workflow ID; the master-key codec wraps it again). */
export const CASE_KEY_METADATA = 'caseworks-case-key';
/** On a tombstone: the case whose key was destroyed. */
export const ERASED_METADATA = 'caseworks-erased';
export const ERASED_VALUE = '[erased]';

const ALGORITHM = 'aes-256-gcm';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A payload of an erased case was about to be written (the case's key is destroyed; no new key is made). */
export class CaseErasedError extends Error {
  constructor(readonly caseId: string) {
    super(`case ${caseId} was erased: its data key is destroyed`);
    this.name = 'CaseErasedError';
  }
}

/**
 * Seals each payload that belongs to a case (the SDK's serialization context names the workflow
 * — for activity payloads the workflow that scheduled them) under that case's own data key, so
 * destroying one key makes one case's payloads unreadable everywhere they were copied. Runs
 * before the master-key EncryptionCodec, which wraps everything (IDs in this layer's metadata
 * included). A payload of an erased case decodes to a tombstone, the JSON string "[erased]"
 * marked with `caseworks-erased`, never an exception: describe(), the codec endpoint and the
 * Temporal UI keep working and show that the data is gone.
 */
export class CaseKeyCodec implements PayloadCodec {
  constructor(private readonly keys: CaseKeySource) {}

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const caseId = context?.workflowId ?? metadataText(payload, CASE_ID_METADATA);
        if (!caseId || !isCase(caseId) || metadataText(payload, METADATA_ENCODING_KEY) === CASE_SEALED_ENCODING) return payload;
        const key = await this.keys.keyForWriting(caseId);
        if (key.state !== 'live') throw new CaseErasedError(caseId);
        const iv = randomBytes(12);
        const cipher = createCipheriv(ALGORITHM, key.key, iv);
        cipher.setAAD(encoder.encode(caseId));
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const body = Buffer.concat([cipher.update(plain), cipher.final()]);
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: encoder.encode(CASE_SEALED_ENCODING),
            [CASE_KEY_METADATA]: encoder.encode(caseId),
          },
          data: Buffer.concat([iv, cipher.getAuthTag(), body]),
        };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        if (metadataText(payload, METADATA_ENCODING_KEY) !== CASE_SEALED_ENCODING) return payload;
        const caseId = metadataText(payload, CASE_KEY_METADATA);
        if (!caseId) throw new Error('case-sealed payload names no case');
        const key = await this.keys.keyForReading(caseId);
        if (key.state !== 'live') return tombstone(caseId);
        const data = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv(ALGORITHM, key.key, data.subarray(0, 12));
        decipher.setAAD(encoder.encode(caseId));
        decipher.setAuthTag(data.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/**
 * The scheduled operations runs (src/worker/schedules.ts: one workflow ID per run) are about no
 * one and would add a key row every minute: the master key alone seals them. Everything else is
 * sealed per workflow — a new case kind is covered without being listed.
 */
const OPERATIONS_RUNS = /^(ended-cases-sweep|retention-purge|transparency-report|sla-credit-sweep)(-|$)/;

function isCase(workflowId: string): boolean {
  return !OPERATIONS_RUNS.test(workflowId);
}

function tombstone(caseId: string): Payload {
  return {
    metadata: { [METADATA_ENCODING_KEY]: encoder.encode('json/plain'), [ERASED_METADATA]: encoder.encode(caseId) },
    data: encoder.encode(JSON.stringify(ERASED_VALUE)),
  };
}

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? decoder.decode(value) : undefined;
}
