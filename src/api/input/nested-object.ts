import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateIf, ValidateNested } from 'class-validator';

/**
 * A nested object field. ValidateNested alone lets a missing, null or non-object value through
 * (and the service then dereferences it: a 500); this refuses each with a 400 naming the field.
 * Optional means absent only: `null` is refused too, since no handler treats it as "not given".
 */
export function NestedObject(type: () => new () => object, { optional = false }: { optional?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    ...(optional ? [ValidateIf((_: object, value: unknown) => value !== undefined)] : [IsDefined()]),
    IsObject(),
    ValidateNested(),
    Type(type),
  );
}
