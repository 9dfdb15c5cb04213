/**
 * The parts of the API's own OpenAPI document (`/docs-json`) the fuzz suite reads: every operation,
 * its parameters and its request-body schema with `$ref`s resolved.
 */
export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  $ref?: string;
  nullable?: boolean;
  additionalProperties?: boolean | Schema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `POST /v1/tickets/{id}/reply`: how failures and the allow-list name it. */
  key: string;
  method: string;
  /** The OpenAPI path template, `/v1/tickets/{id}/reply`. */
  path: string;
  operationId: string;
  parameters: Parameter[];
  /** The JSON request body's schema, resolved; undefined when the operation takes none. */
  body?: Schema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** Resolves `$ref` and flattens `allOf`, so generators see plain schemas (cycles cut at depth 12). */
export function resolveSchema(schema: Schema | undefined, doc: OpenApiDocument, depth = 0): Schema | undefined {
  if (!schema || depth > 12) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`OpenAPI: unresolvable ${schema.$ref}`);
    const { $ref: _ref, ...rest } = schema;
    return resolveSchema({ ...target, ...rest }, doc, depth + 1);
  }
  let out: Schema = { ...schema };
  if (out.allOf) {
    const parts = out.allOf.map((s) => resolveSchema(s, doc, depth + 1) ?? {});
    delete out.allOf;
    out = parts.reduce<Schema>((acc, p) => ({ ...p, ...acc, properties: { ...p.properties, ...acc.properties }, required: [...(p.required ?? []), ...(acc.required ?? [])] }), out);
  }
  if (out.items) out.items = resolveSchema(out.items, doc, depth + 1);
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, resolveSchema(v, doc, depth + 1) ?? {}]));
  }
  return out;
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const json = op.requestBody?.content?.['application/json'];
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operationId: op.operationId ?? `${method} ${path}`,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, required: Boolean(p.required), schema: resolveSchema(p.schema, doc) ?? {} })),
        body: op.requestBody ? (resolveSchema(json?.schema, doc) ?? {}) : undefined,
      });
    }
  }
  return ops;
}

export type { OpenApiDocument };
