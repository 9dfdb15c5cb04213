import { DataSource } from 'typeorm';
import { accessFor, describeAccess, isOperationId, mayCall, ROLE_TABLE } from '../../src/api/auth/role-table';
import { OPERATION_EXTENSION } from '../../src/api/auth/roles.decorator';
import { ROLES, Role } from '../../src/persistence/entities/api-key.entity';
import { createKey, openDataSource, RunningApi, startApi, testConfig } from '../support/harness';
import { httpClient } from '../support/http';
import { registeredRoutes, Route } from '../support/routes';

/** A concrete URL for a route: every parameter gets a value no case has. */
const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => `role-probe-${name}`);

describe('the role table: every operation × every role', () => {
  // Enough requests per key for one probe of every route, whatever RATE_LIMIT_PER_MINUTE is set to locally.
  const config = testConfig({ RATE_LIMIT_PER_MINUTE: '10000' });
  let ds: DataSource;
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let routes: Route[];
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    ds = await openDataSource(config);
    api = await startApi(config);
    http = httpClient(api.baseUrl);
    for (const role of ROLES) keys[role] = await createKey(ds, role, `role-table-${role}`);
    routes = registeredRoutes(api.app);
  });
  afterAll(async () => {
    await api?.stop();
    await ds?.destroy();
  });

  it('covers every route, and every row is some route’s (a route missing from the table fails here)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(80);
    const untabled = routes.filter((r) => r.operation === undefined || !isOperationId(r.operation)).map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(untabled).toEqual([]);
    const byOperation = new Map<string, Route[]>();
    for (const r of routes) byOperation.set(r.operation!, [...(byOperation.get(r.operation!) ?? []), r]);
    // One row, one operation: two routes sharing a row would share their roles by accident.
    expect([...byOperation].filter(([, rs]) => rs.length > 1).map(([op]) => op)).toEqual([]);
    const unused = Object.keys(ROLE_TABLE).filter((op) => !byOperation.has(op));
    expect(unused).toEqual([]);
  });

  it('answers each role as the table says: 403 for a role not in the row, never 401/403 for one in it; 401 without a key', async () => {
    const mismatches: string[] = [];
    const probes: (() => Promise<void>)[] = [];
    for (const route of routes) {
      const operation = route.operation;
      if (!operation || !isOperationId(operation)) continue; // reported by the test above
      const url = concrete(route.path);
      // A body no DTO accepts: a request that passes the role check stops at validation (400/422), before any effect.
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? { roleTableProbe: true } : undefined;
      for (const role of ROLES) {
        probes.push(async () => {
          const res = await http(route.method, url, { key: keys[role], body });
          const allowed = mayCall(role, operation) || accessFor(operation) === 'public';
          const refused = res.status === 403 && res.body?.type?.endsWith('forbidden');
          if (allowed ? res.status === 401 || res.status === 403 : !refused) {
            mismatches.push(`${role} ${route.method} ${route.path} [${operation}] → ${res.status} ${res.body?.type ?? ''} (${allowed ? 'allowed' : 'not allowed'})`);
          }
        });
      }
      probes.push(async () => {
        const res = await http(route.method, url, { body });
        const open = accessFor(operation) === 'public' || accessFor(operation) === 'public-or-any-key';
        if (open ? res.status === 401 || res.status === 403 : res.status !== 401) {
          mismatches.push(`anonymous ${route.method} ${route.path} [${operation}] → ${res.status} (${open ? 'public' : 'keyed'})`);
        }
      });
    }
    // A few at a time: the API, PostgreSQL and Temporal share the machine with other test runs.
    for (let i = 0; i < probes.length; i += 8) await Promise.all(probes.slice(i, i + 8).map((probe) => probe()));
    expect(probes.length).toBe(routes.length * (ROLES.length + 1));
    expect(mismatches).toEqual([]);
  });

  it('grants what issue 12 asks: no implicit admin, legal data for legal only, on-call for SRE only', async () => {
    const status = async (role: Role, path: string) => (await http('GET', path, { key: keys[role] })).status;
    for (const path of ['/v1/takedowns', '/v1/takedowns/takedown-x/history', '/v1/takedowns/takedown-x/preservations', '/v1/reports/transparency?year=2026']) {
      expect(await status('admin', path)).toBe(403);
      expect(await status('legal', path)).not.toBe(403);
    }
    for (const path of ['/v1/oncall/rotations', '/v1/escalation-policies']) {
      expect(await status('agent', path)).toBe(403);
      expect(await status('admin', path)).toBe(403);
      expect(await status('sre', path)).toBe(200);
    }
    expect(await status('admin', '/v1/billing/sla-credits')).toBe(200);
    expect(await status('admin', '/v1/reports/kpis')).not.toBe(403);
    expect(await status('admin', '/v1/tickets')).toBe(403);
  });

  it('prints each operation’s roles in /docs-json from the same table', async () => {
    const doc = await http('GET', '/docs-json');
    expect(doc.status).toBe(200);
    let described = 0;
    for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, { description?: string } & Record<string, unknown>>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const id = operation[OPERATION_EXTENSION];
        expect(`${method} ${path}: ${typeof id}`).toBe(`${method} ${path}: string`);
        if (typeof id !== 'string' || !isOperationId(id)) continue;
        expect(operation.description).toContain(describeAccess(id));
        described++;
      }
    }
    expect(described).toBeGreaterThanOrEqual(75);
    expect(doc.body.paths['/v1/tickets/{id}'].get.description).toContain('Roles: agent, client');
  });
});
