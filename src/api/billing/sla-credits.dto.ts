import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length } from 'class-validator';
import { IsRealDateTime } from '../input/is-real-date-time';

export class SettleSlaCreditsDto {
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Settle credits for breaches before this instant (default: now)' })
  @IsOptional()
  @IsRealDateTime()
  breachedBefore?: string;

  @ApiPropertyOptional({ type: [String], description: 'Only these credits (their keys, from GET /v1/billing/sla-credits)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  keys?: string[];
}
