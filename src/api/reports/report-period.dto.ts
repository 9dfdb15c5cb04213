import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsRealDateTime } from '../input/is-real-date-time';

export class ReportPeriodQuery {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start (inclusive); default 30 days ago' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'End (exclusive); default now' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  to?: string;

  @ApiPropertyOptional({ example: 'uoozee' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;
}
