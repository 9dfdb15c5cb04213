import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const ALGORITHM = 'aes-256-gcm';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * AES-256-GCM over whole payloads. History then holds ciphertext, never ticket text or customer
 * references. The key ID travels with each payload so keys can be rotated (old payloads name the
 * key that sealed them).
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keyId: string;
  // An ECMAScript private field: not enumerable, so the SDK's debug log of the worker's options
  // (dataConverter included) does not print the key.
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
    this.#key = key;
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  static fromBase64(b64: string): EncryptionCodec {
    return new EncryptionCodec(Buffer.from(b64, 'base64'));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv(ALGORITHM, this.#key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCODING),
          'encryption-key-id': encoder.encode(this.keyId),
        },
        data: Buffer.concat([iv, cipher.getAuthTag(), body]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) return payload;
      const keyId = payload.metadata?.['encryption-key-id'];
      if (keyId && decoder.decode(keyId) !== this.keyId) {
        throw new Error(`payload sealed with key ${decoder.decode(keyId)}, this process has ${this.keyId}`);
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv(ALGORITHM, this.#key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
