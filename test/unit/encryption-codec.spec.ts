import { createHash, randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, Payload } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 12);

/** A payload as plain data, for comparing what went in with what came out. */
function plain(p: Payload) {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('hex')])),
    data: Buffer.from(p.data ?? []).toString('hex'),
  };
}

const SECRET = 'Playback stops after 10 minutes — customer cust_4711 on the living-room TV';

describe('EncryptionCodec', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec(key);

  it('round-trips: decode(encode(p)) gives back the identical payload, metadata and data', async () => {
    const originals = [
      defaultPayloadConverter.toPayload({ subject: SECRET, n: 42, tags: ['a', 'b'] }),
      defaultPayloadConverter.toPayload('just a string'),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
    ];
    const decoded = await codec.decode(await codec.encode(originals));
    expect(decoded).toHaveLength(originals.length);
    decoded.forEach((p, i) => expect(plain(p)).toEqual(plain(originals[i])));
    expect(defaultPayloadConverter.fromPayload(decoded[0])).toEqual({ subject: SECRET, n: 42, tags: ['a', 'b'] });
  });

  it('marks encoded payloads as binary/encrypted with its key ID', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    expect(text(encoded.metadata?.[METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    expect(text(encoded.metadata?.['encryption-key-id'])).toBe(keyIdOf(key));
  });

  it('the encoded bytes do not contain the plaintext or its original encoding name', async () => {
    const original = defaultPayloadConverter.toPayload({ subject: SECRET });
    const [encoded] = await codec.encode([original]);
    const everything = Buffer.concat([
      Buffer.from(encoded.data ?? []),
      ...Object.values(encoded.metadata ?? {}).map((v) => Buffer.from(v ?? [])),
    ]);
    expect(everything.includes(Buffer.from('cust_4711'))).toBe(false);
    expect(everything.includes(Buffer.from('Playback stops'))).toBe(false);
    expect(everything.includes(Buffer.from('json/plain'))).toBe(false);
    // sanity: the original really does contain the text we look for
    expect(Buffer.from(original.data ?? []).includes(Buffer.from('cust_4711'))).toBe(true);
  });

  it('encrypts the same payload differently each time (random IV)', async () => {
    const p = defaultPayloadConverter.toPayload(SECRET);
    const [a, b] = await codec.encode([p, p]);
    expect(Buffer.from(a.data ?? []).equals(Buffer.from(b.data ?? []))).toBe(false);
  });

  it('a payload sealed with one key does not open with another; the error names both key IDs', async () => {
    const otherKey = randomBytes(32);
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const other = new EncryptionCodec(otherKey);
    await expect(other.decode([encoded])).rejects.toThrow(keyIdOf(key));
    await expect(other.decode([encoded])).rejects.toThrow(keyIdOf(otherKey));
  });

  it('another key fails even without the key-ID hint (GCM authentication)', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const { 'encryption-key-id': _dropped, ...metadata } = encoded.metadata ?? {};
    void _dropped;
    await expect(new EncryptionCodec(randomBytes(32)).decode([{ ...encoded, metadata }])).rejects.toThrow();
    // …while the right key still opens it without the hint.
    const [opened] = await codec.decode([{ ...encoded, metadata }]);
    expect(defaultPayloadConverter.fromPayload(opened)).toBe(SECRET);
  });

  it.each([
    ['the IV', 0],
    ['the auth tag', 12],
    ['the first ciphertext byte', 28],
    ['the last ciphertext byte', -1],
  ])('a payload with a tampered byte in %s fails to decode', async (_where, offset) => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const data = Buffer.from(encoded.data ?? []);
    const at = offset < 0 ? data.length + offset : offset;
    data[at] ^= 0x01;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow();
    // untampered, it still decodes
    const [ok] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(ok)).toBe(SECRET);
  });

  it('passes payloads that are not encrypted through decode unchanged', async () => {
    const json = defaultPayloadConverter.toPayload({ hello: 'world' });
    const binary = defaultPayloadConverter.toPayload(new Uint8Array([9, 8, 7]));
    const noMetadata: Payload = { data: new Uint8Array([1, 2, 3]) };
    const out = await codec.decode([json, binary, noMetadata]);
    expect(out[0]).toBe(json);
    expect(out[1]).toBe(binary);
    expect(out[2]).toBe(noMetadata);
  });

  it.each([0, 16, 31, 33, 64])('refuses a key of %d bytes', (length) => {
    expect(() => new EncryptionCodec(randomBytes(length))).toThrow('encryption key must be 32 bytes');
  });

  it('fromBase64 builds a codec that interoperates with the Buffer-built one', async () => {
    const fromB64 = EncryptionCodec.fromBase64(key.toString('base64'));
    const [encoded] = await fromB64.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toBe(SECRET);
    expect(() => EncryptionCodec.fromBase64(randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
