import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseInstantWithOffset } from '../../domain/ticket-received-at';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `YYYY-MM-DD` names a day that exists (no 30 February, no month 13). */
export function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * Whether `text` is an ISO 8601 date-time with an offset (Z or ±HH:MM) whose every component
 * exists: Date.parse would read 2026-02-30 as 2 March, and a local time without offset as the
 * server's zone.
 */
export function isRealDateTime(text: string): boolean {
  return parseInstantWithOffset(text) !== null;
}

/**
 * A date-time field: ISO 8601 with an offset, on a day that exists. With `dateOnly: 'allow'` a
 * plain `YYYY-MM-DD` (a whole UTC day, as Date.parse reads it) is taken too.
 */
export function IsRealDateTime(options: { dateOnly?: 'allow' } & ValidationOptions = {}): PropertyDecorator {
  const { dateOnly, ...validationOptions } = options;
  const example = dateOnly ? '2026-11-27 or 2026-11-27T17:30:00-06:00' : '2026-11-27T17:30:00-06:00';
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRealDateTime',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: ({ property }) => `${property} must be an ISO 8601 date-time with an offset (Z or ±HH:MM) on a day that exists, e.g. ${example}`,
        ...validationOptions,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 40 && (isRealDateTime(value) || (dateOnly === 'allow' && isRealDate(value))),
      },
    });
}

/** A calendar day, `YYYY-MM-DD`, that exists. */
export function IsRealDate(validationOptions: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isRealDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be a day that exists, as YYYY-MM-DD`, ...validationOptions },
      validator: { validate: (value: unknown) => typeof value === 'string' && isRealDate(value) },
    });
}
