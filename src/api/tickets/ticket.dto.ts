import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { Channel, CHANNELS } from '../../domain/policy/policy.schema';
import { ENTITLEMENT_STATUSES, EntitlementStatus } from '../../domain/customer/entitlement';
import { TICKET_CATEGORIES, TICKET_STATUSES, TicketCategory, TicketStatus } from '../../domain/ticket';
import { MAX_HANDLE_SECONDS } from '../../domain/ticket/report-facts';
import { MAX_ROOT_CAUSE_TAGS } from '../../domain/ticket/root-causes';

/**
 * An agent's working time on one step, as helpdesks log it (the AHT the monthly report compares
 * with 000 "6–10 min technical" and 001 "4–6 minutes"). Optional: a step without it logs nothing.
 */
const HandleSeconds = (): PropertyDecorator => (target, key) => {
  ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_HANDLE_SECONDS,
    example: 300,
    description: "The agent's working time on this step in whole seconds (0–14400), summed into the ticket's handleSeconds (AHT). Agents only.",
  })(target, key);
  IsOptional()(target, key);
  IsInt()(target, key);
  Min(0)(target, key);
  Max(MAX_HANDLE_SECONDS)(target, key);
};
import { IsRealDateTime } from '../input/is-real-date-time';
import { NestedObject } from '../input/nested-object';
import { QueryInt } from '../input/query-int';

export class SocialPostDto {
  @ApiProperty({ example: 'https://social.example/someone/status/123' })
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @Length(1, 2000)
  url: string;

  @ApiProperty({ example: '@uoozee my stream keeps freezing, call me on 555 0199 0000', maxLength: 5000 })
  @IsString()
  @Length(1, 5000)
  text: string;
}

export class PlaybackContextDto {
  @ApiProperty({ example: 'usr_81723', description: "The viewer's account ID in the streaming platform." })
  @IsString()
  @Length(1, 128)
  userId: string;

  @ApiProperty({ example: 'ps_9f2c61', description: 'The playback session that failed.' })
  @IsString()
  @Length(1, 128)
  sessionId: string;

  @ApiProperty({ example: 'dev_lr_tv', description: 'The device it played on.' })
  @IsString()
  @Length(1, 128)
  deviceId: string;
}

export class CreateTicketDto {
  @ApiProperty({ example: 'uoozee', description: 'Brand whose SLA policy applies (see policies/).' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'brand must be a lower-case brand slug' })
  brand: string;

  @ApiProperty({ enum: CHANNELS, example: 'email' })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({ example: 'P2', description: "One of the brand's priorities (P1–P4 for uoozee, S1–S3 for vivtone)." })
  @IsString()
  @Length(1, 16)
  priority: string;

  @ApiPropertyOptional({
    example: 'enterprise',
    description:
      "The plan the customer says they have, for brands that sell plans (vivtone: basic, pro, enterprise). The CRM's plan for customerRef wins: " +
      'a claim it contradicts is corrected (entitlement.status "corrected"); needed only for a customer the CRM does not know.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  plan?: string;

  @ApiProperty({ example: 'Playback stops after 10 minutes', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  subject: string;

  @ApiProperty({ example: 'On the living-room TV app, since yesterday.', maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  description: string;

  @ApiProperty({ example: 'cust_4711', description: "The customer's ID in the CRM (no e-mail addresses or names)." })
  @IsString()
  @Length(1, 200)
  customerRef: string;

  @ApiPropertyOptional({
    example: 'acme',
    description: "The customer account (organisation) the ticket is for; its client keys then see it. Agents only: a client key's tickets are its own account's.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'account must be an account ID (lower-case slug)' })
  account?: string;

  @ApiPropertyOptional({
    type: SocialPostDto,
    description: 'Required for channel "social": the public post. The ticket is private; the post is kept with personal data redacted.',
  })
  @NestedObject(() => SocialPostDto, { optional: true })
  socialPost?: SocialPostDto;

  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, default: 'general', description: 'Playback tickets of a streaming brand run the troubleshooting checklist.' })
  @IsOptional()
  @IsIn(TICKET_CATEGORIES)
  category?: TicketCategory;

  @ApiPropertyOptional({ type: PlaybackContextDto, description: 'Required for category "playback" on brands with a checklist: what the checks look up.' })
  @NestedObject(() => PlaybackContextDto, { optional: true })
  playback?: PlaybackContextDto;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2026-11-27T17:30:00-06:00',
    description:
      "When the customer's message was received (an e-mail's Date, a chat's first message): the SLA clocks start from it. " +
      'ISO 8601 with an offset (Z or ±HH:MM); at most 5 minutes ahead of the server clock and at most 30 days ago. ' +
      'Default: now. A deadline already past breaches at once. Part of the request an Idempotency-Key stands for.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  @IsRealDateTime()
  receivedAt?: string;
}

export class AssignDto {
  @ApiProperty({ example: 'ann' })
  @IsString()
  @Length(1, 64)
  assignee: string;

  @ApiPropertyOptional({
    example: 'lead-0007',
    description: 'A certified agent of the brand mentoring the assignee: required when the assignee is a registered agent still in onboarding or mentored (GET /v1/agents/{id})',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  mentor?: string;
}

export class ReplyDto {
  @ApiProperty({ example: 'Thanks — we are looking into it.', maxLength: 20000 })
  @IsString()
  @Length(1, 20000)
  message: string;

  @HandleSeconds()
  handleSeconds?: number;
}

export class PendingDto {
  @ApiProperty({ enum: ['customer', 'vendor'], description: 'Who the ticket waits on; the resolution clock pauses.' })
  @IsIn(['customer', 'vendor'])
  reason: 'customer' | 'vendor';

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @Length(1, 20000)
  message?: string;

  @HandleSeconds()
  handleSeconds?: number;
}

export class PriorityDto {
  @ApiProperty({ example: 'P1' })
  @IsString()
  @Length(1, 16)
  priority: string;

  @ApiProperty({ example: 'Affects all EU users' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class ResolveDto {
  @ApiProperty({ example: 'Cleared the device registration; playback works again.', maxLength: 5000 })
  @IsString()
  @Length(1, 5000)
  resolution: string;

  @HandleSeconds()
  handleSeconds?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ROOT_CAUSE_TAGS,
    example: ['known-issue'],
    description: 'Root causes known at resolution, as POST /v1/tickets/{id}/root-cause takes them (replaces earlier tags). Absent: the tags stay as they are.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ROOT_CAUSE_TAGS)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  rootCauseTags?: string[];
}

export class ReopenDto {
  @ApiProperty({ example: 'Still happening on the phone app' })
  @IsString()
  @Length(1, 5000)
  reason: string;
}

export class CsatDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  @IsInt()
  @Min(1)
  @Max(5)
  score: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  comment?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10,
    example: 9,
    description: 'How likely the customer is to recommend us (0–10), asked in the same survey as CSAT: promoters 9–10, detractors 0–6 (NPS).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  nps?: number;
}

export class RootCauseDto {
  @ApiProperty({
    type: [String],
    maxItems: MAX_ROOT_CAUSE_TAGS,
    example: ['known-issue'],
    description: "Root-cause ids from the brand's pack (rootCauses, pinned when the ticket opened); replaces the tags set before, [] clears them.",
  })
  @IsArray()
  @ArrayMaxSize(MAX_ROOT_CAUSE_TAGS)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  tags: string[];
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

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

  @ApiPropertyOptional({ example: 'ann' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  assignee?: string;

  @ApiPropertyOptional({ example: 'lead-0007', description: 'Tickets a mentor follows: every ticket assigned with this mentor named (mentored mode)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  mentor?: string;

  @ApiPropertyOptional({ enum: ENTITLEMENT_STATUSES, description: 'How the plan was established: `unverified` lists tickets still waiting for the CRM' })
  @IsOptional()
  @IsIn(ENTITLEMENT_STATUSES)
  entitlement?: EntitlementStatus;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  breached?: boolean;

  @ApiPropertyOptional({ type: Boolean, name: 'at_risk' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  at_risk?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}
