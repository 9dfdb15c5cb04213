import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsRealDateTime } from '../input/is-real-date-time';
import { Problem } from '../problem/problem';

const DAY = 86_400_000;

/** A period `[from, to)`: reports and a customer's own SLA read the same two parameters. */
export class PeriodQuery {
  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Start (inclusive); default 30 days before to' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'End (exclusive); default now' })
  @IsOptional()
  @IsRealDateTime({ dateOnly: 'allow' })
  to?: string;
}

export class ReportPeriodQuery extends PeriodQuery {
  @ApiPropertyOptional({ example: 'uoozee' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;
}

/** The period a query names: by default the 30 days up to now; at most 366 days (400 naming the field otherwise). */
export function periodBounds(q: PeriodQuery, now: number): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date(now);
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY);
  if (from >= to) throw Problem.validation([{ field: 'query:from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > 366 * DAY) throw Problem.validation([{ field: 'query:to', message: 'a period spans at most 366 days' }]);
  return { from, to };
}
