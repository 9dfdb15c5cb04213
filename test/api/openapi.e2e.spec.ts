import { accessFor, describeAccess, isOperationId } from '../../src/api/auth/role-table';
import { OPERATION_EXTENSION } from '../../src/api/auth/roles.decorator';
import { RunningApi, startApi, testConfig } from '../support/harness';
import { httpClient } from '../support/http';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
}
interface MediaType {
  schema?: Schema;
}
interface OperationObject {
  summary?: string;
  description?: string;
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
  [extension: string]: unknown;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/**
 * The served OpenAPI document (/docs-json) describes every operation completely: what it does,
 * who may call it, what a success looks like (a schema, not a bare "200") and how it fails
 * (problem+json). It is what clients generate code from, so a gap here is a gap in the API.
 */
describe('the OpenAPI document', () => {
  let api: RunningApi;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    api = await startApi(testConfig());
    const res = await httpClient(api.baseUrl)<OpenApiDocument>('GET', '/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => {
    await api?.stop();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
    );

  /** A schema that says something: a component with fields, a typed array or a typed value — not `{}`. */
  const describesABody = (schema: Schema | undefined, depth = 0): boolean => {
    if (!schema || depth > 8) return false;
    if (schema.$ref) return describesABody(doc.components.schemas[schema.$ref.split('/').pop()!], depth + 1);
    if (schema.allOf?.length) return schema.allOf.some((s) => describesABody(s, depth + 1));
    if (schema.oneOf?.length) return schema.oneOf.every((s) => describesABody(s, depth + 1));
    if (schema.type === 'array') return describesABody(schema.items, depth + 1);
    if (schema.type === 'object') return Object.keys(schema.properties ?? {}).length > 0 || typeof schema.additionalProperties === 'object';
    return typeof schema.type === 'string';
  };

  const successSchemas = (operation: OperationObject) =>
    Object.entries(operation.responses ?? {})
      .filter(([status]) => /^2\d\d$/.test(status))
      .flatMap(([, response]) => Object.values(response.content ?? {}).map((media) => media.schema));

  it('gives every operation a summary, its roles, a typed success and its problem+json 4xx answers', () => {
    const all = operations();
    const gaps: string[] = [];
    for (const { key, operation } of all) {
      if (!operation.summary?.trim()) gaps.push(`${key}: no summary`);
      const id = operation[OPERATION_EXTENSION];
      if (typeof id !== 'string' || !isOperationId(id)) gaps.push(`${key}: no role-table row`);
      else if (!operation.description?.includes(describeAccess(id))) gaps.push(`${key}: roles not described`);
      if (!Array.isArray(operation['x-caseworks-roles'])) gaps.push(`${key}: no x-caseworks-roles`);
      const successes = successSchemas(operation);
      if (successes.length === 0) gaps.push(`${key}: no 2xx response with a body schema`);
      else if (!successes.every((schema) => describesABody(schema))) gaps.push(`${key}: a 2xx schema that describes nothing`);
      const failures = Object.entries(operation.responses ?? {}).filter(([status]) => /^4\d\d$/.test(status));
      if (failures.length === 0) gaps.push(`${key}: no 4xx response`);
      for (const [status, response] of failures) {
        if (!describesABody(response.content?.['application/problem+json']?.schema)) gaps.push(`${key}: ${status} is not problem+json`);
      }
    }
    expect(gaps).toEqual([]);
    expect(all.length).toBeGreaterThanOrEqual(75);
  });

  it('documents a 404 on every operation that names a resource in its path (a PUT creates it instead)', () => {
    const without = operations()
      .filter(({ key }) => /\{\w+\}/.test(key) && !key.startsWith('PUT '))
      .filter(({ operation }) => !Object.hasOwn(operation.responses ?? {}, '404'))
      .map(({ key }) => key);
    expect(without).toEqual([]);
  });

  it('documents the problem+json body once, with the fields the filter writes', () => {
    const problem = doc.components.schemas.ProblemResponse;
    expect(Object.keys(problem?.properties ?? {})).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance']));
  });

  it('documents 401 and 403 where the role table asks for a key, 401 for an unknown key on public-or-any-key, neither on public', () => {
    const wrong: string[] = [];
    for (const { key, operation } of operations()) {
      const id = operation[OPERATION_EXTENSION];
      if (typeof id !== 'string' || !isOperationId(id)) continue; // reported above
      const has = (status: string) => Object.hasOwn(operation.responses ?? {}, status);
      const access = accessFor(id);
      const expected = access === 'public' ? [] : access === 'public-or-any-key' ? ['401'] : ['401', '403'];
      const documented = ['401', '403'].filter(has);
      if (documented.join() !== expected.join()) wrong.push(`${key} (${String(access)}): documents [${documented.join()}], expected [${expected.join()}]`);
    }
    expect(wrong).toEqual([]);
  });
});
