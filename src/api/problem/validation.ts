import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, Problem } from './problem';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const QUERY = 'query:';

/**
 * Names a query DTO's errors as every other query check does, `query:<name>`: a body field and a
 * query parameter may share a name (`priority`). The exceptionFactory sees only the errors, not
 * where the argument came from, so the prefix is added here, where the metadata is known.
 */
class CaseworksValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      const errors = err instanceof Problem ? (err.extensions.errors as FieldError[] | undefined) : undefined;
      if (metadata.type !== 'query' || !(err instanceof Problem) || !errors) throw err;
      throw Problem.validation(
        errors.map((e) => (e.field.startsWith(QUERY) ? e : { ...e, field: QUERY + e.field })),
        err.getStatus(),
      );
    }
  }
}

/** Global validation: unknown fields are rejected, and each message names its field. */
export function createValidationPipe(): ValidationPipe {
  return new CaseworksValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => Problem.validation(flatten(errors)),
  });
}
