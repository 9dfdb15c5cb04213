import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { QueryInt } from './query-int';

/** `?limit=&cursor=`: one page shape for every keyset-paged list (a case's notes, the access log). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

/** A case's notes (src/api/input/seq-cursor.ts): one shape for every case kind. */
export class NotesPageQuery extends PageQuery {}
