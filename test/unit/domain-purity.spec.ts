import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { domainModules, workflowBundleOptions } from '../../src/worker/workflow-bundle';

/**
 * src/domain is loaded once into the worker's shared V8 context and used by every cached workflow
 * (src/worker/workflow-bundle.ts, domainModules). That is safe only while the domain stays pure:
 * it imports nothing but itself and the schema builder, and keeps no state between calls except
 * memo caches of pure functions, listed here with why each cannot change an answer.
 */
const root = resolve(__dirname, '..', '..');
const domain = resolve(root, 'src', 'domain');

/** Module-level collections that are memo caches of pure functions: whichever case filled them, the answer is the same. */
const PURE_MEMOS: Record<string, string> = {
  'sla/calendar.ts:formatters': 'one Intl.DateTimeFormat per time zone; formatting is a pure function of zone and instant',
  'sla/calendar.ts:wallCache': 'local wall time → instant per zone; pure, and cleared past 100,000 entries',
  'calendar/holiday-rules.ts:memo': 'holidays per rules object and year; keyed weakly by the object, so it lives no longer than the policy that holds it',
  'ui-details.ts:formatters': 'one Intl.DateTimeFormat per time zone, as in the calendar',
};

interface ModuleFacts {
  imports: string[];
  mutableBindings: string[];
  /** Module-level collections the module writes to (a Set or Map it only reads is a constant table). */
  collections: string[];
}

function factsOf(path: string): ModuleFacts {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const written = (name: string) => new RegExp(`\\b${name}\\.(add|set|delete|clear)\\(`).test(text);
  const facts: ModuleFacts = { imports: [], mutableBindings: [], collections: [] };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) {
      const from = statement.moduleSpecifier;
      if (from && ts.isStringLiteral(from) && !(ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly)) facts.imports.push(from.text);
      continue;
    }
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const name = d.name.getText(source);
      if (!isConst) facts.mutableBindings.push(name);
      else if (d.initializer && ts.isNewExpression(d.initializer) && /^(Map|Set|WeakMap|WeakSet)$/.test(d.initializer.expression.getText(source)) && written(name)) facts.collections.push(name);
    }
  }
  return facts;
}

describe('the domain is pure, so the worker may share one copy of it among all cached workflows', () => {
  const modules = domainModules(domain).map((path) => ({ path, name: relative(domain, path), facts: factsOf(path) }));

  it('finds every module of src/domain, and the workflow bundle preloads exactly those', () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(modules.map((m) => m.name)).toContain('sla/calendar.ts');
    expect(modules.some((m) => m.name.endsWith('.d.ts'))).toBe(false);
    expect(workflowBundleOptions().preloadModules).toEqual(domainModules(domain));
  });

  it('imports only itself and the schema builder: no workflow API, no Node.js, no I/O', () => {
    const outside = modules.flatMap((m) => m.facts.imports.filter((i) => !i.startsWith('.') && i !== 'zod').map((i) => `${m.name} imports ${i}`));
    expect(outside).toEqual([]);
  });

  it('keeps no module-level state: no let or var at the top of a module', () => {
    expect(modules.flatMap((m) => m.facts.mutableBindings.map((b) => `${m.name}: ${b}`))).toEqual([]);
  });

  it('keeps no module-level collection but the memo caches of pure functions listed here', () => {
    const found = modules.flatMap((m) => m.facts.collections.map((c) => `${m.name}:${c}`));
    expect(found.sort()).toEqual(Object.keys(PURE_MEMOS).sort());
  });

  it('the check sees what it forbids', () => {
    const probe = resolve(__dirname, '..', 'fixtures', 'impure-domain-module.ts');
    const facts = factsOf(probe);
    expect(facts.imports).toContain('@temporalio/workflow');
    expect(facts.mutableBindings).toEqual(['counter']);
    expect(facts.collections).toEqual(['seen']);
  });
});
