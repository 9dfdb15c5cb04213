import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { STAFFING_INTERVALS } from '../../domain/staffing/intervals';
import { IsRealDateTime } from '../input/is-real-date-time';
import { QueryInt } from '../input/query-int';

/** GET /v1/forecast: the brand, the range, the interval; optional counts for the seeds' ratio rules. */
export class ForecastQuery {
  @ApiProperty({ example: 'uoozee' })
  @IsString()
  @Length(1, 64)
  brand: string;

  @ApiProperty({ example: '2026-11-30T00:00:00Z', description: 'Start (inclusive); the first interval starts here' })
  @IsRealDateTime({ dateOnly: 'allow' })
  from: string;

  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'End (exclusive); at most 31 days after from' })
  @IsRealDateTime({ dateOnly: 'allow' })
  to: string;

  @ApiPropertyOptional({
    example: 'America/Chicago',
    description:
      "IANA zone the intervals are labelled and grouped by local day in, and the weekly profile aligns to (same local time of day). Absent: the pack's staffing.timeZone, else its business calendar's zone. A date-only from/to is local midnight in it.",
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timeZone?: string;

  @ApiPropertyOptional({ enum: Object.keys(STAFFING_INTERVALS), default: '30m' })
  @IsOptional()
  @IsIn(Object.keys(STAFFING_INTERVALS), { message: `interval must be one of: ${Object.keys(STAFFING_INTERVALS).join(', ')}` })
  interval?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 12,
    description:
      'Forecast from history: each interval gets the mean arrivals of the same weekday and time in the N weeks before it. Absent: the actual arrivals in [from, to).',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(12)
  weeks?: number;

  @ApiPropertyOptional({ description: 'Monthly active users, for the "agents per MAU" ratio (uoozee)' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  mau?: number;

  @ApiPropertyOptional({ description: 'Users, for the "Level 1 agent per 500 users" ratio (vivtone)' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  users?: number;

  @ApiPropertyOptional({ description: 'Mid-market accounts, for the CSM 1:50 ratio (vivtone)' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  midMarketAccounts?: number;

  @ApiPropertyOptional({ description: 'Enterprise accounts, for the CSM 1:10 ratio (vivtone)' })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  enterpriseAccounts?: number;
}
