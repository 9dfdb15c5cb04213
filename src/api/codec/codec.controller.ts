import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import { AppConfig } from '../../config/app-config';
import { EncryptionCodec } from '../../temporal/encryption-codec';
import { PublicWhen, Roles } from '../auth/roles.decorator';
import { FieldError, Problem } from '../problem/problem';

/** Proto3 JSON of temporal.api.common.v1.Payloads: bytes as base64. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
interface JsonPayloads {
  payloads: JsonPayload[];
}

/**
 * Temporal's remote codec protocol, so people with a key (and the Temporal UI pointed here) can
 * read encrypted payloads — summaries, details, inputs — without the key leaving this service.
 */
@ApiTags('codec')
@ApiBearerAuth()
@Controller('codec')
@Roles('agent', 'sre', 'legal')
@PublicWhen((config) => config.CODEC_ALLOW_ANONYMOUS)
export class CodecController {
  private readonly codec?: EncryptionCodec;

  constructor(config: AppConfig) {
    if (config.PAYLOAD_ENCRYPTION_KEY) this.codec = EncryptionCodec.fromBase64(config.PAYLOAD_ENCRYPTION_KEY);
  }

  @Post('decode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decode payloads (Temporal remote codec protocol)' })
  decode(@Body() body: JsonPayloads): Promise<JsonPayloads> {
    return this.transform(body, (codec, p) => codec.decode(p));
  }

  @Post('encode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Encode payloads (Temporal remote codec protocol)' })
  encode(@Body() body: JsonPayloads): Promise<JsonPayloads> {
    return this.transform(body, (codec, p) => codec.encode(p));
  }

  private async transform(
    body: JsonPayloads,
    run: (codec: EncryptionCodec, p: Payload[]) => Promise<Payload[]>,
  ): Promise<JsonPayloads> {
    if (!body || !Array.isArray(body.payloads)) {
      throw Problem.validation([{ field: 'payloads', message: 'payloads must be an array of Payload (proto3 JSON)' }]);
    }
    const malformed = payloadsProblems(body);
    if (malformed.length > 0) throw Problem.validation(malformed);
    if (!this.codec) return body; // nothing is encrypted when no key is configured
    try {
      const out = await run(this.codec, body.payloads.map(fromJson));
      return { payloads: out.map(toJson) };
    } catch (err) {
      throw Problem.validation([{ field: 'payloads', message: err instanceof Error ? err.message : 'cannot decode' }], 422);
    }
  }
}

/**
 * The body has no DTO (the protocol's shape is an interface), so it is checked here: a Payload is
 * an object with base64 `data` and a `metadata` map of base64 strings, and nothing else — a
 * `true` in place of a Payload must not be encoded as an empty one.
 */
function payloadsProblems(body: JsonPayloads): FieldError[] {
  const errors: FieldError[] = Object.keys(body)
    .filter((k) => k !== 'payloads')
    .map((k) => ({ field: k, message: 'is not a field of Payloads' }));
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  body.payloads.forEach((p: unknown, i) => {
    if (!isObject(p)) return errors.push({ field: `payloads.${i}`, message: 'must be a Payload object' });
    for (const k of Object.keys(p).filter((k) => k !== 'metadata' && k !== 'data')) errors.push({ field: `payloads.${i}.${k}`, message: 'is not a field of Payload' });
    if (p.data !== undefined && typeof p.data !== 'string') errors.push({ field: `payloads.${i}.data`, message: 'must be a base64 string' });
    if (p.metadata !== undefined && !(isObject(p.metadata) && Object.values(p.metadata).every((v) => typeof v === 'string'))) {
      errors.push({ field: `payloads.${i}.metadata`, message: 'must be a map of base64 strings' });
    }
  });
  return errors;
}

function fromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}
