import type { DataConverter } from '@temporalio/common';
import type { AppConfig } from '../config/config.schema';
import { EncryptionCodec } from './encryption-codec';

/** The data converter shared by api (client) and worker: both must seal and open alike. */
export function dataConverterFor(config: Pick<AppConfig, 'PAYLOAD_ENCRYPTION_KEY'>): DataConverter {
  return config.PAYLOAD_ENCRYPTION_KEY
    ? { payloadCodecs: [EncryptionCodec.fromBase64(config.PAYLOAD_ENCRYPTION_KEY)] }
    : {};
}
