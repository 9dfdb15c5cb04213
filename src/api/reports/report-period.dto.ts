import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';

export class ReportPeriodQuery {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start (inclusive); default 30 days ago' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'End (exclusive); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ example: 'uoozee' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;
}
