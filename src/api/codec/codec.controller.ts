import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import { AppConfig } from '../../config/app-config';
import { EncryptionCodec } from '../../temporal/encryption-codec';
import { PublicWhen, Roles } from '../auth/roles.decorator';
import { Problem } from '../problem/problem';

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
    if (!this.codec) return body; // nothing is encrypted when no key is configured
    try {
      const out = await run(this.codec, body.payloads.map(fromJson));
      return { payloads: out.map(toJson) };
    } catch (err) {
      throw Problem.validation([{ field: 'payloads', message: err instanceof Error ? err.message : 'cannot decode' }], 422);
    }
  }
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
