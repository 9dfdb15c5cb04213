import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NotesPageQuery } from '../input/notes-page-query';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Equals, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DECISION_OUTCOMES, DecisionOutcome, TAKEDOWN_STATES, TakedownState } from '../../domain/takedown/case';
import { REGIMES, Regime } from '../../domain/takedown/regime';
import { IsRealDateTime } from '../input/is-real-date-time';
import { NestedObject } from '../input/nested-object';
import { QueryInt } from '../input/query-int';

/**
 * Legal staff's requests. The notice itself is not a DTO: its zod schema (domain/takedown/notice.ts)
 * names every bad field, and the same schema is what intake judges completeness from.
 */
export class AssignReviewerDto {
  @ApiProperty({ example: 'legal-ines', description: 'Who reviews the notice; assigning again hands it over.' })
  @IsString()
  @Length(1, 200)
  reviewer: string;
}

export class RequestInformationDto {
  @ApiProperty({ example: ['statements.goodFaith', 'statements.signature'], description: 'Notice fields the notifier must supply.' })
  @IsArray()
  @ArrayMinSize(1, { message: 'missing names at least one field' })
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  missing: string[];

  @ApiPropertyOptional({ example: 'Please confirm you are authorised to act for the rights holder.' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  message?: string;
}

export class InformationReceivedDto {
  @ApiPropertyOptional({ example: 'Signed statement received by email on 2026-11-27.' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  note?: string;
}

class DecisionGroundDto {
  @ApiProperty({ enum: ['legal', 'contractual'], description: 'Illegal content (the law relied on) or incompatible with our terms (the clause).' })
  @IsIn(['legal', 'contractual'])
  kind: 'legal' | 'contractual';

  @ApiProperty({ example: '17 U.S.C. §106(3)' })
  @IsString()
  @Length(1, 500)
  reference: string;

  @ApiProperty({ example: 'Unlicensed distribution of the full episode.' })
  @IsString()
  @Length(1, 10000)
  explanation: string;
}

export class DecideTakedownDto {
  @ApiProperty({ enum: DECISION_OUTCOMES })
  @IsIn(DECISION_OUTCOMES)
  outcome: DecisionOutcome;

  @ApiPropertyOptional({
    example: ['DE', 'FR'],
    description: 'Territorial scope: the countries where access is disabled (required for restrict; escalate_safety without it removes worldwide).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(250)
  @Matches(/^[A-Za-z]{2}$/, { each: true, message: 'territorialScope must hold ISO 3166-1 alpha-2 country codes' })
  territorialScope?: string[];

  @ApiPropertyOptional({ type: DecisionGroundDto, description: 'Required unless the outcome is no_action.' })
  @NestedObject(() => DecisionGroundDto, { optional: true })
  ground?: DecisionGroundDto;

  @ApiProperty({ example: 'The upload matches the notified episode frame for frame.', description: 'Facts and circumstances relied on (DSA Art. 17(3)(b)).' })
  @IsString()
  @Length(1, 10000)
  explanation: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  automatedDetection?: boolean;

  @ApiPropertyOptional({ enum: ['fully', 'partially', 'not_automated'], default: 'not_automated' })
  @IsOptional()
  @IsIn(['fully', 'partially', 'not_automated'])
  automatedDecision?: 'fully' | 'partially' | 'not_automated';

  @ApiPropertyOptional({ example: '2027-06-01T00:00:00Z', description: 'When a temporary restriction ends; absent = indefinite.' })
  @IsOptional()
  @IsRealDateTime()
  endsAt?: string;
}

export class ApplyDecisionDto {
  @ApiPropertyOptional({ example: 'Polizei Berlin, LKA 7', description: 'escalate_safety: the authority informed of the threat (DSA Art. 18).' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  authorityInformed?: string;
}

class SubscriberDto {
  @ApiProperty({ example: 'Sam Uploader' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '1 Main St, Springfield, IL 62701, US' })
  @IsString()
  @Length(1, 1000)
  address: string;

  @ApiProperty({ example: '+1 217 555 0100' })
  @IsString()
  @Length(3, 50)
  phone: string;
}

/** §512(g)(3)(A)–(D): every element is required; a counter-notice lacking one does not restore anything. */
export class CounterNoticeDto {
  @ApiProperty({ example: '/Sam Uploader/', description: '§512(g)(3)(A): physical or electronic signature.' })
  @IsString()
  @Length(1, 200)
  signature: string;

  @ApiProperty({ example: 'vid_123 at https://uoozee.example/watch/vid_123', description: '§512(g)(3)(B): the material removed and where it appeared.' })
  @IsString()
  @Length(1, 5000)
  materialIdentification: string;

  @ApiProperty({ example: true, description: '§512(g)(3)(C): good-faith belief of mistake or misidentification, under penalty of perjury.' })
  @Equals(true, { message: 'goodFaithUnderPenaltyOfPerjury must be true (§512(g)(3)(C))' })
  goodFaithUnderPenaltyOfPerjury: true;

  @ApiProperty({ example: true, description: '§512(g)(3)(D): consent to the federal district court’s jurisdiction and to accept service.' })
  @Equals(true, { message: 'consentToJurisdiction must be true (§512(g)(3)(D))' })
  consentToJurisdiction: true;

  @ApiProperty({ type: SubscriberDto, description: '§512(g)(3)(D): name, address and telephone number.' })
  @NestedObject(() => SubscriberDto)
  subscriber: SubscriberDto;
}

export class SuitFiledDto {
  @ApiPropertyOptional({ example: 'US District Court, C.D. Cal., No. 2:26-cv-01234' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  court?: string;
}

export class ComplaintDto {
  @ApiProperty({ enum: ['notifier', 'uploader'], description: 'Who complains (DSA Art. 20(1): both may).' })
  @IsIn(['notifier', 'uploader'])
  by: 'notifier' | 'uploader';

  @ApiProperty({ example: 'The clip is a parody and falls under the quotation exception.' })
  @IsString()
  @Length(1, 10000)
  grounds: string;
}

export class ComplaintDecisionDto {
  @ApiProperty({ example: 'Parody exception applies: the clip is 12 s of a 40 min episode, commented on throughout.' })
  @IsString()
  @Length(1, 10000)
  reasons: string;
}

export class TakedownNoteDto {
  @ApiProperty({ example: 'Court ruled for the notifier on 2027-02-03.' })
  @IsString()
  @Length(1, 10000)
  text: string;
}

class PreservationItemDto {
  @ApiPropertyOptional({ example: 'vid_123' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contentId?: string;

  @ApiPropertyOptional({ example: 'https://uoozee.example/watch/vid_123' })
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'url must be an http(s) URL' })
  @Length(1, 2000)
  url?: string;
}

/** An authority's preservation (retention) request: keep these items, and what we hold about them, until the hold expires. */
export class RecordPreservationDto {
  @ApiProperty({ example: 'Polizei Berlin, LKA 7', description: 'The requesting authority (an organisation, not a person).' })
  @IsString()
  @Length(1, 500)
  authority: string;

  @ApiProperty({ example: 'LKA7-2026-0412', description: 'The authority’s file reference; the same authority and reference again is the same request.' })
  @IsString()
  @Length(1, 200)
  reference: string;

  @ApiProperty({ type: [PreservationItemDto], description: 'What to preserve: content IDs and/or URLs (at least one each).' })
  @IsArray()
  @ArrayMinSize(1, { message: 'items names at least one item' })
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PreservationItemDto)
  items: PreservationItemDto[];
}

export class ExtendPreservationDto {
  @ApiPropertyOptional({ example: 'LKA7-2026-0412/2', description: 'The renewed request’s reference, when it has its own.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
}

export class ListTakedownsQuery {
  @ApiPropertyOptional({ enum: TAKEDOWN_STATES })
  @IsOptional()
  @IsIn(TAKEDOWN_STATES)
  status?: TakedownState;

  @ApiPropertyOptional({ example: 'legal-ines' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  assignee?: string;

  @ApiPropertyOptional({ enum: REGIMES })
  @IsOptional()
  @IsIn(REGIMES)
  regime?: Regime;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Only cases whose decision is due before this instant.' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  dueBefore?: string;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** `GET /v1/takedowns/:id/notes?limit=&cursor=`: a page of the case's notes, oldest first. */
export class ListTakedownNotesQuery extends NotesPageQuery {}

export class TransparencyQuery {
  @ApiProperty({ example: 2026 })
  @QueryInt()
  @IsInt({ message: 'year must be a whole year, e.g. 2026' })
  @Min(2000)
  @Max(2100)
  year: number;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({
    enum: ['snapshot', 'live'],
    description: 'Absent: the snapshot the yearly schedule stored when there is one, else computed now. live: always computed now; snapshot: the stored one or 404.',
  })
  @IsOptional()
  @IsIn(['snapshot', 'live'])
  source?: 'snapshot' | 'live';
}
