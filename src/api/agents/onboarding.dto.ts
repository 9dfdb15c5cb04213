import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IsRealDateTime } from '../input/is-real-date-time';
import { AGENT_ID } from './agent.dto';

const SLUG = /^[a-z][a-z0-9-]{0,40}$/;

export class StartOnboardingDto {
  @ApiPropertyOptional({ example: '2026-12-07', description: "The hire's first day (default: today), within 90 days before and 365 days after today; the plan's deadlines count from its first training day." })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  startsOn?: string;
}

export class OnboardingSessionDto {
  @ApiProperty({ example: 'product', description: "A classroom module of the brand's curriculum; once certified, a refresher's id." })
  @IsString()
  @Matches(SLUG, { message: 'a module id: lower-case letters, digits and dashes (product)' })
  module: string;

  @ApiProperty({ example: 3.5, description: 'Hours held, in quarter hours (0.25–12).' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'hours is a number' })
  hours: number;

  @ApiPropertyOptional({ example: '2026-03-04', description: 'When the session was held (default: when recorded).' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  heldOn?: string;
}

export class StartMentoredDto {
  @ApiProperty({ example: 'lead-0007', description: "The mentor: a certified agent of the brand, who sees every reply of the agent's tickets." })
  @IsString()
  @Matches(AGENT_ID, { message: 'an agent ID is 1–64 lower-case letters, digits, . _ or -' })
  mentor: string;
}

export class QaScoreDto {
  @ApiProperty({ example: 'qa-2026-w10-1', description: 'The review: both reviewers (and a calibrator, if they disagree) score it under the same ID.' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'a review ID is 1–64 lower-case letters, digits, . _ or -' })
  reviewId: string;

  @ApiProperty({ example: 'ticket-01JQ7X3V9K2M4N6P8R0S2T4V6W', description: "The agent's ticket the review is of." })
  @IsString()
  @Length(1, 200)
  ticketId: string;

  @ApiProperty({ example: { greeting: 1, verification: 1, understanding: 1 }, description: "Points per criterion of the brand's rubric (every criterion, whole numbers)." })
  @IsObject({ message: 'criteria maps each rubric criterion to its points' })
  criteria: Record<string, number>;
}

export class DecideOnboardingDto {
  @ApiProperty({ enum: ['certify', 'extend', 'stop'], example: 'certify', description: 'certify (gates passed), extend the mentored period once, or stop the onboarding' })
  @IsIn(['certify', 'extend', 'stop'], { message: 'one of certify, extend, stop' })
  outcome: 'certify' | 'extend' | 'stop';

  @ApiProperty({ example: 'Gates passed: AHT 5m12s over 24 tickets, CSAT 86 %', description: 'Why: kept with who decided.' })
  @IsString()
  @Length(1, 1000)
  note: string;
}
