import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { containsCardNumber } from '../../domain/billing/card-redaction';
import { applyCardDataPolicy, cardDataFieldsOf, CardDataFields } from '../../domain/card-data-policy';
import { Problem } from '../problem/problem';

/** The problem type of a card number in a field that must not hold one (422, `errors[].field` names it). */
export const CARD_DATA_REFUSED_SLUG = 'card-data-refused';

export function cardDataRefused(fields: string[]): Problem {
  return new Problem(422, CARD_DATA_REFUSED_SLUG, 'Card data refused', `a card number is not accepted in: ${fields.join(', ')}`, {
    errors: fields.map((field) => ({ field, message: 'must not contain a card number (give the last four digits at most)' })),
  });
}

/**
 * The card-data guard of every request body, registered once after the validation pipe: a body
 * with a policy (src/domain/card-data-policy.ts) has its prose redacted to the last four digits,
 * or is refused when a reference holds a card. A body class the policy forgot is refused whenever
 * any of its strings holds a card (fail closed). Bodies that are not DTOs — the codec's payloads,
 * an alert, the webhook's raw bytes, the takedown notice (guarded by its service) — are left alone.
 */
@Injectable()
export class CardDataPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !isDtoClass(metadata.metatype) || typeof value !== 'object' || value === null) return value;
    const fields = cardDataFieldsOf(metadata.metatype.name) ?? everyStringRefused(value);
    return guardCardData(fields, value);
  }
}

/** Redacts or refuses (throws the 422 Problem) by the given fields; the takedown notice's service uses it too. */
export function guardCardData<T>(fields: CardDataFields, value: T): T {
  const outcome = applyCardDataPolicy(fields, value, { refuse: true });
  if (outcome.refused.length > 0) throw cardDataRefused(outcome.refused);
  return outcome.value;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function isDtoClass(metatype: unknown): metatype is Function {
  return typeof metatype === 'function' && ![Object, String, Number, Boolean, Array].includes(metatype as never);
}

/** Every string of an unknown DTO, as refuse-fields. */
function everyStringRefused(value: object): CardDataFields {
  const fields: Record<string, 'refuse'> = {};
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === 'string') {
      if (containsCardNumber(v)) fields[path.join('.')] = 'refuse';
    } else if (Array.isArray(v)) {
      v.forEach((item) => walk(item, [...path.slice(0, -1), `${path[path.length - 1]}[]`]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
    }
  };
  walk(value, []);
  return fields;
}
