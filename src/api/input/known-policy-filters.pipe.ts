import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { PolicyRegistry } from '../../config/policy-registry';
import { FieldError, Problem } from '../problem/problem';

/**
 * List and report filters that name policy data — `brand`, `priority` — must name a brand or
 * priority the loaded policy packs know: a typo is a 400 listing the allowed values, not a 200
 * with an empty page. Used on a whole query object (`@Query(KnownPolicyFilters)`) or on one
 * parameter (`@Query('brand', KnownPolicyFilters)`).
 */
@Injectable()
export class KnownPolicyFilters implements PipeTransform {
  constructor(private readonly policies: PolicyRegistry) {}

  transform<T>(value: T, metadata: ArgumentMetadata): T {
    if (metadata.type !== 'query') return value;
    const filters: { brand?: unknown; priority?: unknown } =
      metadata.data === undefined ? ((value ?? {}) as { brand?: unknown; priority?: unknown }) : { [metadata.data]: value };
    const errors: FieldError[] = [];
    const brands = this.policies.brands();
    const brand = typeof filters.brand === 'string' ? filters.brand : undefined;
    if (brand !== undefined && !brands.includes(brand)) errors.push({ field: 'query:brand', message: `unknown brand; one of: ${brands.join(', ')}` });
    if (typeof filters.priority === 'string') {
      const packs = brand !== undefined && brands.includes(brand) ? [brand] : brands;
      const priorities = [...new Set(packs.flatMap((b) => Object.keys(this.policies.find(b)?.priorities ?? {})))];
      if (!priorities.includes(filters.priority)) {
        errors.push({ field: 'query:priority', message: `unknown priority${packs.length === 1 ? ` for ${packs[0]}` : ''}; one of: ${priorities.join(', ')}` });
      }
    }
    if (errors.length > 0) throw Problem.validation(errors);
    return value;
  }
}
