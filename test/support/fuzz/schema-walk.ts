import type { Schema } from './openapi';

/** A field of a request body, at any depth: `plan.priceMinor`, `items.0.url`. */
export interface Field {
  path: (string | number)[];
  schema: Schema;
  /** Required by its parent object (so leaving it out must be refused). */
  required: boolean;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const ISO_WEEK = /^\d{4}-W\d{2}$/;

export const dotted = (path: (string | number)[]): string => path.join('.');

/** What a string field holds, judged from the document: a date, an ISO week, an enum, or free text. */
export function stringKind(schema: Schema): 'date-time' | 'date' | 'week' | 'enum' | 'text' {
  if (schema.enum) return 'enum';
  if (schema.format === 'date-time') return 'date-time';
  if (schema.format === 'date') return 'date';
  const ex = typeof schema.example === 'string' ? schema.example : typeof schema.default === 'string' ? schema.default : undefined;
  if (ex !== undefined && ISO_DATE.test(ex)) return ex.includes('T') ? 'date-time' : 'date';
  if (ex !== undefined && ISO_WEEK.test(ex)) return 'week';
  return 'text';
}

/** The JSON type a schema stands for (a schema with only an example is typed by it). */
export function typeOf(schema: Schema): string | undefined {
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (schema.enum) return typeof schema.enum[0];
  const ex = schema.example ?? schema.default;
  if (ex === undefined || ex === null) return undefined;
  if (Array.isArray(ex)) return 'array';
  return typeof ex === 'number' ? 'number' : typeof ex;
}

/** A schema for a value the document gives only as an example (free-form bodies validated in code). */
export function schemaOfExample(value: unknown): Schema {
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOfExample(value[0]) : {}, example: value };
  if (value !== null && typeof value === 'object') {
    return { type: 'object', properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaOfExample(v)])) };
  }
  return { type: typeof value === 'number' ? 'number' : typeof value, example: value };
}

/**
 * A valid value for a schema: its example, else its first enum value or default, else one made up
 * from its type. Objects get their required properties (all of them when the document names none
 * required, as for example-only schemas).
 */
export function sampleOf(schema: Schema): unknown {
  if (schema.example !== undefined && !schema.properties) return structuredClone(schema.example);
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return structuredClone(schema.default);
  switch (typeOf(schema)) {
    case 'object': {
      const props = schema.properties ?? {};
      const wanted = schema.required ?? Object.keys(props);
      return Object.fromEntries(wanted.filter((k) => props[k]).map((k) => [k, sampleOf(props[k])]));
    }
    case 'array':
      return [sampleOf(schema.items ?? { type: 'string' })];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default: {
      const kind = stringKind(schema);
      if (kind === 'date-time') return new Date().toISOString();
      return 'fuzz';
    }
  }
}

/** Every field of a body schema, depth first; arrays are entered through their first element. */
export function fieldsOf(schema: Schema, path: (string | number)[] = []): Field[] {
  const out: Field[] = [];
  if (typeOf(schema) === 'object' && schema.properties) {
    const required = new Set(schema.required ?? []);
    for (const [name, child] of Object.entries(schema.properties)) {
      const childPath = [...path, name];
      out.push({ path: childPath, schema: child, required: required.has(name) });
      out.push(...fieldsOf(child, childPath));
    }
  } else if (typeOf(schema) === 'array' && schema.items) {
    out.push({ path: [...path, 0], schema: schema.items, required: false }, ...fieldsOf(schema.items, [...path, 0]));
  }
  return out;
}

/** Objects that are maps (free keys): adding a key to them is not an unknown field. */
export const isMap = (schema: Schema): boolean => typeOf(schema) === 'object' && !schema.properties;

/**
 * Sets `value` at `path` inside `root` (a clone), creating the parents the base body left out
 * (an optional nested object) from their schema.
 */
export function setAt(root: unknown, path: (string | number)[], value: unknown, schema: Schema): unknown {
  const out = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = out;
  let nodeSchema: Schema | undefined = schema;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    nodeSchema = typeof key === 'number' ? nodeSchema?.items : nodeSchema?.properties?.[key];
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = nodeSchema ? sampleOf(nodeSchema) : typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last === '__proto__' || last === 'constructor' || last === 'prototype') {
    // An own, enumerable key, as JSON.parse makes it on the server: assignment would set the prototype.
    Object.defineProperty(node, last, { value, enumerable: true, configurable: true, writable: true });
  } else {
    node[last] = value;
  }
  return out;
}

/** Removes the field at `path` (array elements are removed from their array). */
export function deleteAt(root: unknown, path: (string | number)[]): unknown {
  const out = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> | undefined = out;
  for (let i = 0; i < path.length - 1 && node; i++) node = node[path[i]] as Record<string | number, unknown> | undefined;
  if (node && typeof node === 'object') {
    const last = path[path.length - 1];
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  }
  return out;
}
