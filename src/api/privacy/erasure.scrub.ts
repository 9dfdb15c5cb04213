import { mapPersonalStrings } from '../../persistence/personal-data';

/**
 * What erasure leaves of a case's read-model JSON: structure, numbers, booleans, timestamps and
 * the enumerations reports count by stay; every personal string (src/persistence/personal-data.ts)
 * becomes "[erased]" — sealed ones included, whose key erasure destroys anyway.
 */
export const ERASED = '[erased]';

export function scrubJson(value: unknown): unknown {
  return mapPersonalStrings(value, () => ERASED);
}
