import fc from 'fast-check';
import {
  BAD_HEADER_VALUES,
  BAD_PATH_SEGMENTS,
  deeplyNested,
  IMPOSSIBLE_DATES,
  IMPOSSIBLE_DATE_TIMES,
  IMPOSSIBLE_WEEKS,
  INJECTION_STRINGS,
  INVALID_UTF8,
  MALFORMED_JSON,
  NON_OBJECT_JSON,
  NUMBERISH_STRINGS,
  OPERATOR_OBJECTS,
  UNKNOWN_KEYS,
  UNKNOWN_VALUES,
  UNSAFE_NUMBER_TOKENS,
  UNSTORABLE_CHARS,
  UNSTORABLE_QUERY_BYTES,
} from './hostile-values';
import type { Operation, Parameter, Schema } from './openapi';
import { deleteAt, dotted, Field, fieldsOf, isMap, sampleOf, setAt, stringKind, typeOf } from './schema-walk';

/**
 * What the answer to a request may be:
 * - `refused`: malformed — 400, 413, 415 or 422 problem+json, naming `field` on a 400/422 when set;
 * - `valid-shaped`: well-formed by the document (injection text in a free-text field, the base
 *   body itself) — a 2xx, or a 400/422 for a rule the document does not show, or a 409 because the
 *   case's state forbids the action: 409 is accepted for valid-shaped requests only;
 * - `unknown-target`: a path parameter no case has — 400 or 404 (2xx too on an upsert path);
 * - `ignored-input`: input the operation does not declare (a stray query parameter) — anything but 5xx.
 */
export type Expectation = 'refused' | 'valid-shaped' | 'unknown-target' | 'ignored-input';

/** One generated request, before the live case's IDs are filled in. */
export interface RequestPlan {
  kind: string;
  expect: Expectation;
  /** The offending field as a problem names it: `plan.priceMinor`, `query:limit`, `header:Idempotency-Key`. */
  field?: string;
  /** Body bytes; undefined sends none. */
  body?: string | Buffer;
  contentType?: string;
  /** Raw `name=value` pairs, already percent-encoded; replaces the base query. */
  query?: string[];
  /** Raw (encoded) path segments replacing the live values. */
  pathOverride?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Raw JSON tokens inside an otherwise JSON.stringify-ed body (numbers JSON.stringify would change, deep nesting). */
function withRawTokens(value: unknown, tokens: Record<string, string>): string {
  let text = JSON.stringify(value);
  for (const [marker, token] of Object.entries(tokens)) text = text.replace(JSON.stringify(marker), token);
  return text;
}
const RAW = '@@raw-token@@';

const encodeQuery = (name: string, value: string) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;

function wrongTypeValues(schema: Schema, required: boolean): unknown[] {
  const type = typeOf(schema);
  const all: unknown[] = ['text', 12345, true, [], {}, ...OPERATOR_OBJECTS, ...(required ? [null] : [])];
  return all.filter((v) => {
    if (type === 'string') return typeof v !== 'string';
    if (type === 'integer' || type === 'number') return typeof v !== 'number';
    if (type === 'boolean') return typeof v !== 'boolean';
    if (type === 'array') return !Array.isArray(v);
    if (type === 'object') return v === null || typeof v !== 'object' || Array.isArray(v);
    return false;
  });
}

const impossibleFor = (schema: Schema): string[] | undefined => {
  const kind = stringKind(schema);
  return kind === 'date-time' ? IMPOSSIBLE_DATE_TIMES : kind === 'date' ? IMPOSSIBLE_DATES : kind === 'week' ? IMPOSSIBLE_WEEKS : undefined;
};

/** A base value to put a hostile character into: the field's sample, if it is a string. */
const textSample = (schema: Schema): string => {
  const s = sampleOf(schema);
  return typeof s === 'string' && s.length > 0 ? s : 'fuzz';
};

/** What a body offers to break: its fields by kind, and the plan for each hostile value at each. */
function bodyTargets(schema: Schema, base: unknown, oversizeBytes: number) {
  const fields = fieldsOf(schema);
  const json = (value: unknown) => JSON.stringify(value);
  const at = (f: Field) => dotted(f.path);
  const strings = fields.filter((f) => typeOf(f.schema) === 'string');
  const targets = {
    fields,
    strings,
    numbers: fields.filter((f) => ['integer', 'number'].includes(typeOf(f.schema) ?? '')),
    dates: strings.filter((f) => impossibleFor(f.schema)),
    typed: fields.filter((f) => wrongTypeValues(f.schema, f.required).length > 0),
    required: fields.filter((f) => f.required),
    objects: [...(typeOf(schema) === 'object' && !isMap(schema) ? [{ path: [], schema }] : []), ...fields.filter((f) => typeOf(f.schema) === 'object' && !isMap(f.schema))] as { path: (string | number)[]; schema: Schema }[],
    baseText: json(base),
  };
  const build = {
    valid: (): RequestPlan => ({ kind: 'valid', expect: 'valid-shaped', body: targets.baseText }),
    oversize: (size: number, f?: Field): RequestPlan => ({
      kind: 'oversize',
      expect: 'refused',
      body: json(f ? setAt(base, f.path, 'x'.repeat(size), schema) : { ...(base as object), pad: 'x'.repeat(size) }),
    }),
    deepNesting: (shape: 'object' | 'array', f?: Field): RequestPlan => ({
      kind: 'deep-nesting',
      expect: 'refused',
      body: withRawTokens(f ? setAt(base, f.path, RAW, schema) : { ...(base as object), nested: RAW }, { [RAW]: deeplyNested(5000, shape) }),
    }),
    wrongType: (f: Field, v: unknown): RequestPlan => ({ kind: 'wrong-type', expect: 'refused', field: at(f), body: json(setAt(base, f.path, v, schema)) }),
    missing: (f: Field): RequestPlan => ({ kind: 'missing-required', expect: 'refused', field: at(f), body: json(deleteAt(setAt(base, f.path, sampleOf(f.schema), schema), f.path)) }),
    unknown: (o: { path: (string | number)[] }, key: string, value: unknown): RequestPlan => ({
      kind: 'unknown-field',
      expect: 'refused',
      field: dotted([...o.path, key]),
      body: json(setAt(base, [...o.path, key], value, schema)),
    }),
    controlChar: (f: Field, ch: string, pos: number): RequestPlan => {
      const s = textSample(f.schema);
      const i = pos % (s.length + 1);
      return { kind: 'control-char', expect: 'refused', field: at(f), body: json(setAt(base, f.path, s.slice(0, i) + ch + s.slice(i), schema)) };
    },
    // Free text may hold any text: SQL in a reply is a reply. A field with a shape must refuse it.
    injection: (f: Field, text: string): RequestPlan => ({ kind: 'injection-string', expect: stringKind(f.schema) === 'text' ? 'valid-shaped' : 'refused', field: at(f), body: json(setAt(base, f.path, text, schema)) }),
    unsafeNumber: (f: Field, token: string): RequestPlan => ({ kind: 'unsafe-number', expect: 'refused', field: at(f), body: withRawTokens(setAt(base, f.path, RAW, schema), { [RAW]: token }) }),
    impossibleDate: (f: Field, d: string): RequestPlan => ({ kind: 'impossible-date', expect: 'refused', field: at(f), body: json(setAt(base, f.path, d, schema)) }),
    contentType: (contentType: string): RequestPlan => ({ kind: 'wrong-content-type', expect: 'refused', body: targets.baseText, contentType }),
  };
  return { targets, build, oversizes: [oversizeBytes + 1024, oversizeBytes * 4] };
}

/** Body cases for an operation whose request body the document describes, drawn at random. */
function bodyPlans(schema: Schema, base: unknown, oversizeBytes: number): fc.Arbitrary<RequestPlan>[] {
  const { targets: t, build, oversizes } = bodyTargets(schema, base, oversizeBytes);
  const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
  const orNone = <T>(xs: T[]) => (xs.length ? pick(xs) : fc.constant(undefined));
  const plans: fc.Arbitrary<RequestPlan>[] = [
    fc.oneof(
      pick(MALFORMED_JSON).map((text): RequestPlan => ({ kind: 'malformed-json', expect: 'refused', body: text })),
      fc.integer({ min: 1, max: Math.max(1, t.baseText.length - 1) }).map((cut): RequestPlan => ({ kind: 'truncated-json', expect: 'refused', body: t.baseText.slice(0, cut) })),
      fc.constant<RequestPlan>({ kind: 'invalid-utf8', expect: 'refused', body: INVALID_UTF8 }),
      pick(NON_OBJECT_JSON).map((text): RequestPlan => ({ kind: 'not-an-object', expect: 'refused', body: text })),
    ),
    fc.constant(build.valid()),
    fc.tuple(pick(oversizes), orNone(t.strings)).map(([size, f]) => build.oversize(size, f)),
    fc.tuple(pick(['object', 'array'] as const), orNone(t.fields)).map(([shape, f]) => build.deepNesting(shape, f)),
  ];
  if (t.typed.length) plans.push(pick(t.typed).chain((f) => pick(wrongTypeValues(f.schema, f.required)).map((v) => build.wrongType(f, v))));
  if (t.required.length) plans.push(pick(t.required).map(build.missing));
  if (t.objects.length) plans.push(fc.tuple(pick(t.objects), pick(UNKNOWN_KEYS), pick(UNKNOWN_VALUES)).map(([o, key, value]) => build.unknown(o, key, value)));
  if (t.strings.length) {
    plans.push(fc.tuple(pick(t.strings), pick(UNSTORABLE_CHARS), fc.nat()).map(([f, ch, pos]) => build.controlChar(f, ch, pos)));
    plans.push(fc.tuple(pick(t.strings), pick(INJECTION_STRINGS)).map(([f, text]) => build.injection(f, text)));
  }
  if (t.numbers.length) plans.push(fc.tuple(pick(t.numbers), pick(NUMBER_TOKENS)).map(([f, token]) => build.unsafeNumber(f, token)));
  if (t.dates.length) plans.push(pick(t.dates).chain((f) => pick(impossibleFor(f.schema)!).map((d) => build.impossibleDate(f, d))));
  if (t.required.length) plans.push(pick(WRONG_CONTENT_TYPES).map(build.contentType));
  return plans;
}

const NUMBER_TOKENS = [...UNSAFE_NUMBER_TOKENS, ...NUMBERISH_STRINGS.map((s) => JSON.stringify(s))];
const WRONG_CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded'];
/** The i-th of a list, cycling: the sweep spreads the hostile values over the fields. */
const nth = <T>(xs: T[], i: number): T => xs[i % xs.length];

/**
 * The sweep: every field of the body meets every kind of hostile value once (the value itself
 * varies by field), before the random runs. Random draws alone spread ~30 runs over dozens of
 * (field, kind) pairs and miss some on a given seed; this makes sure none is left out.
 */
function bodySweep(schema: Schema, base: unknown, oversizeBytes: number): RequestPlan[] {
  const { targets: t, build, oversizes } = bodyTargets(schema, base, oversizeBytes);
  return [
    build.valid(),
    { kind: 'malformed-json', expect: 'refused', body: t.baseText.slice(0, Math.max(1, t.baseText.length - 1)) },
    { kind: 'not-an-object', expect: 'refused', body: '[]' },
    build.oversize(oversizes[0], t.strings[0]),
    build.deepNesting('object', t.fields[0]),
    ...t.typed.map((f, i) => build.wrongType(f, nth(wrongTypeValues(f.schema, f.required), i))),
    ...t.required.map(build.missing),
    ...t.objects.map((o, i) => build.unknown(o, nth(UNKNOWN_KEYS, i), nth(UNKNOWN_VALUES, i))),
    ...t.strings.map((f, i) => build.controlChar(f, nth(UNSTORABLE_CHARS, i), i)),
    ...t.strings.filter((f) => stringKind(f.schema) !== 'text').map((f, i) => build.injection(f, nth(INJECTION_STRINGS, i))),
    ...t.numbers.flatMap((f) => [build.unsafeNumber(f, '1e308'), build.unsafeNumber(f, '9007199254740993'), build.unsafeNumber(f, '-1')]),
    ...t.dates.map((f) => build.impossibleDate(f, impossibleFor(f.schema)![0])),
  ];
}

/** Body cases for an operation that takes no body: the parser still reads one, and must refuse what it cannot. */
function strayBodyPlans(oversizeBytes: number): fc.Arbitrary<RequestPlan>[] {
  return [
    fc.constantFrom(...MALFORMED_JSON.slice(0, 6)).map((text) => ({ kind: 'malformed-json', expect: 'refused' as const, body: text })),
    fc.constant({ kind: 'oversize', expect: 'refused' as const, body: JSON.stringify({ pad: 'x'.repeat(oversizeBytes + 1024) }) }),
    fc.constantFrom('object', 'array' as const).map((shape) => ({ kind: 'deep-nesting', expect: 'refused' as const, body: deeplyNested(5000, shape as 'object' | 'array') })),
    fc.constantFrom(...UNSTORABLE_CHARS).map((ch) => ({ kind: 'control-char', expect: 'refused' as const, body: JSON.stringify({ note: `a${ch}b` }) })),
  ];
}

function queryValuesFor(schema: Schema): { values: string[]; expect: Expectation } {
  const type = typeOf(schema) ?? 'string';
  if (type === 'integer' || type === 'number') {
    const out = ['abc', '1.5', '1e308', '9007199254740993', '-1', 'NaN', 'Infinity', '0x10'];
    if (typeof schema.maximum === 'number') out.push(String(schema.maximum + 1));
    return { values: out, expect: 'refused' };
  }
  if (type === 'boolean') return { values: ['maybe', '2', 'TRUE', 'null'], expect: 'refused' };
  if (schema.enum) return { values: ['not-a-value', "' OR 1=1--", String(schema.enum[0]).toUpperCase() + 'X'], expect: 'refused' };
  const impossible = impossibleFor(schema);
  if (impossible) return { values: impossible, expect: 'refused' };
  return { values: INJECTION_STRINGS, expect: 'valid-shaped' };
}

/** A valid value for a query parameter (an untyped one, `{}` in the document, is a string). */
const querySample = (p: Parameter): string => String(sampleOf(p.schema.type || p.schema.enum || p.schema.example !== undefined ? p.schema : { type: 'string' }));

/** Query cases: lists, objects, control bytes and wrong values for each declared parameter. */
function queryPlans(params: Parameter[], baseQuery: string[]): fc.Arbitrary<RequestPlan>[] {
  if (params.length === 0) return [];
  const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
  const others = (name: string) => baseQuery.filter((q) => !q.startsWith(`${encodeURIComponent(name)}=`));
  const sample = querySample;
  const plans: fc.Arbitrary<RequestPlan>[] = [
    fc.tuple(pick(params), pick(['[]', '[0]', 'repeat'])).map(([p, form]) => ({
      kind: 'query-array',
      expect: 'refused' as const,
      field: `query:${p.name}`,
      query: [...others(p.name), ...(form === 'repeat' ? [encodeQuery(p.name, sample(p)), encodeQuery(p.name, sample(p))] : [`${encodeURIComponent(p.name)}${form}=${encodeURIComponent(sample(p))}`])],
    })),
    fc.tuple(pick(params), pick(['[$ne]=1', '[__proto__][polluted]=1', '[constructor][prototype][polluted]=1', '[a][b]=1'])).map(([p, suffix]) => ({
      kind: 'query-object',
      expect: 'refused' as const,
      field: `query:${p.name}`,
      query: [...others(p.name), `${encodeURIComponent(p.name)}${suffix.replace(/[[\]$]/g, (c) => encodeURIComponent(c))}`],
    })),
    fc.tuple(pick(params), pick(UNSTORABLE_QUERY_BYTES)).map(([p, bytes]) => ({
      kind: 'query-control-char',
      expect: 'refused' as const,
      field: `query:${p.name}`,
      query: [...others(p.name), `${encodeURIComponent(p.name)}=${encodeURIComponent(sample(p))}${bytes}`],
    })),
    pick(params).chain((p) => {
      const { values, expect } = queryValuesFor(p.schema);
      return pick(values).map((v) => ({ kind: 'query-wrong-value', expect, field: `query:${p.name}`, query: [...others(p.name), encodeQuery(p.name, v)] }));
    }),
  ];
  const required = params.filter((p) => p.required);
  if (required.length) plans.push(pick(required).map((p) => ({ kind: 'query-missing', expect: 'refused' as const, field: `query:${p.name}`, query: others(p.name) })));
  return plans;
}

/** The required query parameters, each with its sample value. */
export function baseQueryOf(op: Operation): string[] {
  return op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => encodeQuery(p.name, querySample(p)));
}

export interface PlanOptions {
  /** The JSON body limit: oversize bodies go past it. */
  bodyLimitBytes: number;
  /** The valid body to start from (a live case's needs, or the document's sample). */
  baseBody?: unknown;
}

/** Every kind of hostile request for one operation, weighted evenly by kind. */
export function requestPlans(op: Operation, options: PlanOptions): fc.Arbitrary<RequestPlan> {
  const plans: fc.Arbitrary<RequestPlan>[] = [];
  const takesBody = ['POST', 'PUT', 'PATCH'].includes(op.method);
  const base = op.body ? (options.baseBody ?? sampleOf(op.body)) : undefined;
  if (op.body) plans.push(...bodyPlans(op.body, base, options.bodyLimitBytes));
  else if (takesBody) plans.push(...strayBodyPlans(options.bodyLimitBytes));
  const bodyCases = plans.length;

  const query = op.parameters.filter((p) => p.in === 'query');
  plans.push(...queryPlans(query, baseQueryOf(op)));

  const path = op.parameters.filter((p) => p.in === 'path');
  if (path.length) {
    plans.push(
      fc.tuple(fc.constantFrom(...path), fc.constantFrom(...BAD_PATH_SEGMENTS)).map(([p, segment]) => ({
        kind: 'bad-path-param',
        expect: 'unknown-target' as const,
        field: `path:${p.name}`,
        pathOverride: { [p.name]: segment },
      })),
    );
  }
  const headers = op.parameters.filter((p) => p.in === 'header');
  if (headers.length) {
    plans.push(
      fc.tuple(fc.constantFrom(...headers), fc.constantFrom(...BAD_HEADER_VALUES)).map(([h, value]) => ({
        kind: 'bad-header',
        expect: 'refused' as const,
        field: `header:${h.name}`,
        headers: { [h.name]: value },
      })),
    );
  }
  if (query.length === 0) {
    // Parameters the operation does not take: ignoring them is fine, failing on them is not.
    plans.push(
      fc.constantFrom('x%5B%24ne%5D=1', 'x=%00', 'x=a&x=b', '__proto__%5Bpolluted%5D=1', 'x=' + 'y'.repeat(4000)).map((q) => ({ kind: 'stray-query', expect: 'ignored-input' as const, query: [q] })),
    );
  }
  // Query, path and header cases carry the valid body, so the one thing wrong is theirs.
  const withBase = plans.map((p, i) => (i < bodyCases || base === undefined ? p : p.map((plan) => ({ ...plan, body: JSON.stringify(base) }))));
  return fc.oneof(...withBase);
}

/**
 * The operation's sweep (see bodySweep): each body field, query parameter, path parameter and
 * header with each kind of hostile value once. fast-check runs these first, as examples.
 */
export function sweepPlans(op: Operation, options: PlanOptions): RequestPlan[] {
  const base = op.body ? (options.baseBody ?? sampleOf(op.body)) : undefined;
  const withBody = (plan: RequestPlan): RequestPlan => (base === undefined ? plan : { ...plan, body: JSON.stringify(base) });
  const plans: RequestPlan[] = [];
  if (op.body) plans.push(...bodySweep(op.body, base, options.bodyLimitBytes));
  else if (['POST', 'PUT', 'PATCH'].includes(op.method)) {
    plans.push(
      { kind: 'malformed-json', expect: 'refused', body: '{"a":' },
      { kind: 'oversize', expect: 'refused', body: JSON.stringify({ pad: 'x'.repeat(options.bodyLimitBytes + 1024) }) },
      { kind: 'deep-nesting', expect: 'refused', body: deeplyNested(5000, 'array') },
    );
  }
  const baseQuery = baseQueryOf(op);
  for (const p of op.parameters.filter((q) => q.in === 'query')) {
    const others = baseQuery.filter((q) => !q.startsWith(`${encodeURIComponent(p.name)}=`));
    const name = encodeURIComponent(p.name);
    const sample = encodeURIComponent(querySample(p));
    const field = `query:${p.name}`;
    plans.push(
      withBody({ kind: 'query-array', expect: 'refused', field, query: [...others, `${name}=${sample}`, `${name}=${sample}`] }),
      withBody({ kind: 'query-object', expect: 'refused', field, query: [...others, `${name}%5B%24ne%5D=1`] }),
      withBody({ kind: 'query-control-char', expect: 'refused', field, query: [...others, `${name}=${sample}%00`] }),
    );
    const { values, expect } = queryValuesFor(p.schema);
    if (expect === 'refused') plans.push(withBody({ kind: 'query-wrong-value', expect, field, query: [...others, encodeQuery(p.name, values[0])] }));
    if (p.required) plans.push(withBody({ kind: 'query-missing', expect: 'refused', field, query: others }));
  }
  for (const p of op.parameters.filter((q) => q.in === 'path')) {
    for (const segment of ['%00', 'x'.repeat(300)]) plans.push(withBody({ kind: 'bad-path-param', expect: 'unknown-target', field: `path:${p.name}`, pathOverride: { [p.name]: segment } }));
  }
  for (const h of op.parameters.filter((q) => q.in === 'header')) {
    plans.push(withBody({ kind: 'bad-header', expect: 'refused', field: `header:${h.name}`, headers: { [h.name]: 'has space' } }));
  }
  return plans;
}
