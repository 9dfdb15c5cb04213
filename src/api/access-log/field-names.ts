const MAX_DEPTH = 2;
const MAX_NAMES = 64;
const NAME = /^[A-Za-z_][\w-]{0,63}$/;

/**
 * The field names a JSON body carries, dotted to two levels (`notifier.email`), never a value.
 * Arrays are named once (`items`), not per element; keys that are not identifiers (a map keyed by
 * customer data, say) are left out rather than logged.
 */
export function bodyFieldNames(body: unknown): string[] {
  const names: string[] = [];
  const walk = (value: unknown, prefix: string, depth: number) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (names.length >= MAX_NAMES) return;
      if (!NAME.test(key)) continue;
      const name = prefix ? `${prefix}.${key}` : key;
      names.push(name);
      if (depth < MAX_DEPTH) walk((value as Record<string, unknown>)[key], name, depth + 1);
    }
  };
  walk(body, '', 1);
  return names;
}

/** The query parameter names of a read (`query.customerRef`): which filters were used, not their values. */
export function queryFieldNames(query: unknown): string[] {
  if (query === null || typeof query !== 'object') return [];
  return Object.keys(query)
    .filter((key) => NAME.test(key))
    .slice(0, MAX_NAMES)
    .map((key) => `query.${key}`);
}
