import { Transform } from 'class-transformer';

/**
 * A whole number from a query string, in plain decimal digits. `@Type(() => Number)` takes what
 * Number() takes — "0x10", "1e1", " 5", "5.0" — so a malformed value passed; anything but digits
 * stays a string here, and the IsInt that follows names the parameter.
 */
export const QueryInt = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value));
