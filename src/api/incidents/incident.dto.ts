import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NotesPageQuery } from '../input/notes-page-query';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { INCIDENT_STATUSES, IncidentStatus, ROOT_CAUSE_CATEGORIES } from '../../domain/incident/incident';
import { IsRealDate, IsRealDateTime } from '../input/is-real-date-time';
import { NestedObject } from '../input/nested-object';
import { QueryInt } from '../input/query-int';
import { IsCount, IsMoneyMinor, MAX_COUNT, MAX_MINUTES, MAX_MONEY_MINOR } from '../input/safe-numbers';

export class CreateIncidentDto {
  @ApiProperty({ example: 'uoozee' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'brand must be a lower-case brand slug' })
  brand: string;

  @ApiProperty({ example: 'P1', description: "One of the brand's priorities." })
  @IsString()
  @Length(1, 16)
  priority: string;

  @ApiProperty({ example: 'Playback fails in EU-West' })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ example: 'About 30 % of EU sessions cannot start playback' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  impact?: string;

  @ApiProperty({ example: ['playback-api', 'cdn'], type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  services: string[];

  @ApiPropertyOptional({
    example: true,
    default: false,
    description:
      "The incident affects an enterprise customer (001: \"24×7 for enterprise customers\"): its clocks run on the pack's enterprise coverage and enterprise-only engagements (VIVtone: Level 3 engineering within 4 hours) apply.",
  })
  @IsOptional()
  @IsBoolean()
  enterprise?: boolean;
}

export class ActorNoteDto {
  @ApiProperty({ example: 'Rolled back release 2026.11.25-3' })
  @IsString()
  @Length(1, 10000)
  text: string;
}

export class SummaryDto {
  @ApiProperty({ example: 'Traffic drained from lhr-3' })
  @IsString()
  @Length(1, 10000)
  summary: string;
}

export class IncidentPriorityDto {
  @ApiProperty({ example: 'P1' })
  @IsString()
  @Length(1, 16)
  priority: string;

  @ApiProperty({ example: 'all EU regions affected' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

/** POST /v1/incidents/{id}/enterprise: the incident turned out to affect an enterprise customer. */
export class MarkEnterpriseDto {
  @ApiProperty({ example: 'Acme Corp (enterprise) cannot sync since 01:30' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class LinkTicketDto {
  @ApiProperty({ example: 'ticket-abcdefghijklmnopqrstuvwxyz' })
  @IsString()
  @Matches(/^ticket-[a-z0-9]{26}$/, { message: 'ticketId must be a ticket ID (ticket-…)' })
  ticketId: string;
}

class CorrectiveActionDto {
  @ApiProperty({ example: 'Canary every playback-api deploy' })
  @IsString()
  @Length(1, 2000)
  action: string;

  @ApiProperty({ example: 'team-playback' })
  @IsString()
  @Length(1, 200)
  owner: string;

  @ApiProperty({ example: '2026-12-15', format: 'date' })
  @IsRealDate()
  due: string;
}

class MoneyDto {
  @ApiProperty({ example: 125000, minimum: 0, maximum: MAX_MONEY_MINOR, description: 'Minor units' })
  @IsMoneyMinor()
  amountMinor: number;

  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency: string;
}

class ImpactDto {
  @ApiProperty({ example: 42, minimum: 0, maximum: MAX_MINUTES, description: 'Minutes customers were affected' })
  @IsCount(MAX_MINUTES)
  minutes: number;

  @ApiProperty({ example: 18000, minimum: 0, maximum: MAX_COUNT })
  @IsCount()
  affectedUsers: number;
}

/** Post-incident review: "documented corrective actions and estimated cost impact". */
export class ReviewDto {
  @ApiProperty({ example: 'A config push disabled the origin shield' })
  @IsString()
  @Length(1, 10000)
  summary: string;

  @ApiProperty({ enum: ROOT_CAUSE_CATEGORIES })
  @IsIn(ROOT_CAUSE_CATEGORIES)
  rootCauseCategory: (typeof ROOT_CAUSE_CATEGORIES)[number];

  @ApiProperty({ type: ImpactDto })
  @NestedObject(() => ImpactDto)
  impact: ImpactDto;

  @ApiProperty({ type: [CorrectiveActionDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'correctiveActions needs at least one corrective action' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CorrectiveActionDto)
  correctiveActions: CorrectiveActionDto[];

  @ApiProperty({ type: MoneyDto })
  @NestedObject(() => MoneyDto)
  costImpact: MoneyDto;
}

export class ListIncidentsQuery {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ example: 'P1' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  priority?: string;

  @ApiPropertyOptional({ example: 'uoozee' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class RotationDto {
  @ApiProperty({ example: ['ana', 'ben', 'chloe'], description: 'In hand-over order; the first takes the first shift.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  participants: string[];

  @ApiProperty({ example: '2026-11-23T09:00:00Z', description: 'When the first shift begins.' })
  @IsString()
  @IsRealDateTime()
  startsAt: string;

  @ApiProperty({ example: '1w', description: 'Shift length as a duration (12h, 1d, 1w).' })
  @IsString()
  @Matches(/^\d+[smhdw]$/, { message: 'shift must be a duration like 12h, 1d or 1w' })
  shift: string;
}

class EscalationLevelDto {
  @ApiProperty({ example: ['rotation:sre-primary'], description: '"rotation:<name>" or "user:<name>"' })
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @Matches(/^(rotation|user):[A-Za-z0-9._-]{1,100}$/, { each: true, message: 'each target must be rotation:<name> or user:<name>' })
  targets: string[];

  @ApiProperty({ example: '5m', description: 'Time to acknowledge before the next level is paged (1m–1d).' })
  @IsString()
  @Matches(/^\d+[mhd]$/, { message: 'ackTimeout must be a duration like 5m or 1h' })
  ackTimeout: string;
}

export class EscalationPolicyDto {
  @ApiProperty({ example: 'uoozee' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'brand must be a lower-case brand slug' })
  brand: string;

  @ApiProperty({ example: ['P1', 'P2'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  priorities: string[];

  @ApiProperty({ type: [EscalationLevelDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EscalationLevelDto)
  levels: EscalationLevelDto[];

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 10, description: 'Passes through all levels.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  loops?: number;
}

/** `GET /v1/incidents/:id/notes?limit=&cursor=`: a page of the incident's notes, oldest first. */
export class ListIncidentNotesQuery extends NotesPageQuery {}
