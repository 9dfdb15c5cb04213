import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { QueryInt } from '../input/query-int';

export class PolicyQuery {
  @ApiPropertyOptional({ example: 2027, description: "The year whose closed dates (holidays) to list; default this year and next" })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}
