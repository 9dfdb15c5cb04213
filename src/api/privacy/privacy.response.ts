import { ApiProperty } from '@nestjs/swagger';
import type { ErasureReceipt } from './erasure.service';

/** An erasure's receipt: counts and IDs, no personal data. */
export class ErasureReceiptResponse implements ErasureReceipt {
  @ApiProperty() erasureId: string;
  @ApiProperty({ description: "The subject's pseudonym (HMAC), the only name erasure keeps" }) subjectHash: string;
  @ApiProperty() erasedAt: string;
  @ApiProperty() erasedBy: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Cases erased per kind' }) cases: Record<string, number>;
  @ApiProperty({ type: [String] }) caseIds: string[];
  @ApiProperty({ description: 'Per-case data keys destroyed' }) keysDestroyed: number;
  @ApiProperty() casesTerminated: number;
  @ApiProperty() historiesDeleted: number;
  @ApiProperty() rowsScrubbed: number;
}

const ROWS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

/** The subject access export (one JSON document, streamed): what it covers, then each kind of case with what hangs off it. */
export class SubjectExportResponse {
  @ApiProperty({ description: 'The customer reference or e-mail address asked about' }) subject: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'What each section covers, in words' }) covers: Record<string, string>;
  @ApiProperty({ ...ROWS, description: 'Tickets, each with its events, playback checks and notifications' }) tickets: unknown[];
  @ApiProperty({ ...ROWS, description: 'Refunds, failed renewals and chargebacks, each with its events and CRM updates' }) billingCases: unknown[];
  @ApiProperty({ ...ROWS, description: 'Takedown notices the subject filed, each with its events and messages sent' }) takedowns: unknown[];
  @ApiProperty({ ...ROWS, description: 'SLA credits owed to the subject' }) slaCredits: unknown[];
}
