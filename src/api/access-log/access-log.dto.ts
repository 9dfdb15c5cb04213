import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsRealDateTime } from '../input/is-real-date-time';
import { PageQuery } from '../input/notes-page-query';

/** Filters of the access log; `limit` and `cursor` as every keyset-paged list. */
export class AccessLogQuery extends PageQuery {
  @ApiPropertyOptional({ name: 'case', description: 'Entries about this case ID', example: 'ticket-6f1c…' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  case?: string;

  @ApiPropertyOptional({ description: "Entries by this principal: its name or id (API key id, OIDC subject)", example: 'desk-ann' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  actor?: string;

  @ApiPropertyOptional({ description: 'Entries of this operation, e.g. tickets.read', example: 'tickets.read' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  operation?: string;

  @ApiPropertyOptional({ description: 'From this instant, inclusive (ISO 8601 with offset, or a UTC day)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  from?: string;

  @ApiPropertyOptional({ description: 'Until this instant, exclusive', example: '2026-12-02T00:00:00Z' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  to?: string;
}

export class AccessLogEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) occurredAt: string;
  @ApiProperty({ description: 'Principal name' }) actor: string;
  @ApiProperty({ nullable: true, type: String, description: 'API key id or OIDC subject' }) actorId: string | null;
  @ApiProperty() role: string;
  @ApiProperty({ enum: ['api-key', 'oidc', 'system'] }) via: string;
  @ApiProperty({ nullable: true, type: String }) caseId: string | null;
  @ApiProperty({ nullable: true, type: String }) caseKind: string | null;
  @ApiProperty({ example: 'tickets.read' }) operation: string;
  @ApiProperty({ nullable: true, type: [String], description: 'Field names written (body) or filters used (query.<name>); never values' }) fields: string[] | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'HTTP status answered' }) status: number | null;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items: AccessLogEntryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
