import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JsonPayload, JsonPayloads } from './codec-payloads';

/** A Temporal Payload in proto3 JSON: base64 data and a map of base64 metadata. */
export class PayloadResponse implements JsonPayload {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', format: 'byte' }, example: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' } })
  metadata?: Record<string, string>;
  @ApiPropertyOptional({ format: 'byte' }) data?: string;
}

/** The remote codec protocol's body, both ways. */
export class PayloadsResponse implements JsonPayloads {
  @ApiProperty({ type: [PayloadResponse] }) payloads: PayloadResponse[];
}
