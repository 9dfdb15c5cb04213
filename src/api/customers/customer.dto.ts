import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { QueryInt } from '../input/query-int';
import { Problem } from '../problem/problem';

/** `?limit=&cursor=` of the customer view's cases and of their timeline (keyset-paged, newest first). */
export class CustomerPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
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

/**
 * The `{customerRef}` of a customer route: a CRM reference as tickets and refunds take it (1–200
 * characters, no control characters). It is matched, never interpreted.
 */
export function checkCustomerRef(ref: string): string {
  // eslint-disable-next-line no-control-regex
  if (ref.length === 0 || ref.length > 200 || /[\u0000-\u001f\u007f]/.test(ref)) {
    throw Problem.validation([{ field: 'path:customerRef', message: 'a customer reference of 1 to 200 characters, without control characters' }]);
  }
  return ref;
}
