import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../config/config.schema';
import { ActorBindingCodec, CallerSource, workerCallerSource } from './actor-binding';
import type { ClientInterceptors } from '@temporalio/client';
import { CaseKeyCodec } from './case-key-codec';
import { SubjectHasher } from './case-subject';
import { CaseSubjectInterceptor } from './case-subject.interceptor';
import { caseKeyStoreFor } from './case-keys.store';
import { EncryptionCodec } from './encryption-codec';

/**
 * The data converter shared by api (client) and worker: both must seal and open alike.
 * `identity`: who the sender acts for (see actor-binding.ts); none binds nothing (a reader).
 */
export function dataConverterFor(config: CodecConfig, binding: { identity?: CallerSource } = {}): DataConverter {
  return { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: payloadCodecsFor(config, binding) };
}

/**
 * The worker's data converter, also for the client it creates the schedules with: binds what
 * goes to a workflow to the worker identity (`system:worker`), so child workflows,
 * continue-as-new, signals between cases and scheduled runs pass the verified-actor interceptor.
 */
export function workerDataConverterFor(config: CodecConfig): DataConverter {
  return dataConverterFor(config, { identity: workerCallerSource });
}

/** Caseworks' payload converter (verified caller on decoded values; case metadata from workflows). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

type CodecConfig = Pick<AppConfig, 'PAYLOAD_ENCRYPTION_KEY' | 'DATABASE_URL'> & Partial<Pick<AppConfig, 'DATABASE_CONNECT_TIMEOUT_MS' | 'DATABASE_QUERY_TIMEOUT_MS'>>;

/**
 * The codec chain (encode runs in this order, decode in reverse): each case's payloads sealed
 * under the case's own data key (erasure destroys it), then everything under the master key.
 * Also for the codec endpoint, which must open payloads exactly as the worker does.
 */
export function payloadCodecsFor(config: CodecConfig, binding: { identity?: CallerSource } = {}): PayloadCodec[] {
  // First, and also without a key: its decode removes any caller metadata a sender wrote itself.
  const actorBinding = new ActorBindingCodec({ encryptionKey: config.PAYLOAD_ENCRYPTION_KEY, identity: binding.identity });
  const caseKeys = caseKeyStoreFor(config);
  if (!config.PAYLOAD_ENCRYPTION_KEY || !caseKeys) return [actorBinding];
  return [actorBinding, new CaseKeyCodec(caseKeys), EncryptionCodec.fromBase64(config.PAYLOAD_ENCRYPTION_KEY)];
}

/** The API's client interceptors: record each case's subject before its workflow starts (erasure finds cases by it). */
export function caseClientInterceptorsFor(config: CodecConfig): ClientInterceptors {
  const caseKeys = caseKeyStoreFor(config);
  if (!config.PAYLOAD_ENCRYPTION_KEY || !caseKeys) return {};
  return { workflow: [new CaseSubjectInterceptor(caseKeys, SubjectHasher.fromBase64(config.PAYLOAD_ENCRYPTION_KEY))] };
}
