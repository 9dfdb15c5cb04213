import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { prebuiltWorkflowBundle, tracedBundleOf, workflowBundleOptions } from '../../src/worker/workflow-bundle';

const root = resolve(__dirname, '..', '..');

describe('the production start uses the prebuilt workflow bundle', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'caseworks-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('picks dist/workflow-bundle.js when the build left one', () => {
    writeFileSync(join(dist, 'workflow-bundle.js'), '// bundle');
    expect(prebuiltWorkflowBundle({}, dist)).toBe(join(dist, 'workflow-bundle.js'));
  });

  it('bundles at start (undefined) when there is none, and WORKFLOW_BUNDLE_PATH always wins', () => {
    expect(prebuiltWorkflowBundle({}, dist)).toBeUndefined();
    writeFileSync(join(dist, 'workflow-bundle.js'), '// bundle');
    expect(prebuiltWorkflowBundle({ WORKFLOW_BUNDLE_PATH: '/app/other-bundle.js' }, dist)).toBe('/app/other-bundle.js');
  });

  it('`npm run start:worker` runs the start script the build compiles, which applies that rule', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:worker']).toBe('node dist/scripts/start-worker.js');
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect(build.include).toContain('scripts');
    expect(existsSync(join(root, 'scripts', 'start-worker.ts'))).toBe(true);
  });

  it('the compiled start script, run from dist/, hands the worker the bundle the build left there (WORKFLOW_BUNDLE_PATH wins)', () => {
    // dist/ as the build lays it out, the start script and the bundle rule compiled from source;
    // the worker's entry point replaced by one that reports the bundle it was given.
    compileInto(dist, 'scripts/start-worker.ts');
    compileInto(dist, 'src/worker/workflow-bundle.ts');
    writeFileSync(join(dist, 'src', 'worker', 'main.js'), 'process.stdout.write(String(process.env.WORKFLOW_BUNDLE_PATH));\n');
    const start = (env: NodeJS.ProcessEnv) => execFileSync(process.execPath, [join(dist, 'scripts', 'start-worker.js')], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });

    expect(start({})).toBe('undefined');
    writeFileSync(join(dist, 'workflow-bundle.js'), '// bundle');
    expect(start({})).toBe(join(dist, 'workflow-bundle.js'));
    expect(start({ WORKFLOW_BUNDLE_PATH: '/app/other-bundle.js' })).toBe('/app/other-bundle.js');
  });
});


describe('the traced build', () => {
  it('is named beside its bundle, and only it carries the tracing interceptors (the lean one costs no OpenTelemetry)', () => {
    expect(tracedBundleOf('/app/dist/workflow-bundle.js')).toBe('/app/dist/workflow-bundle.traced.js');
    const modules = (tracing: boolean) => (workflowBundleOptions({ tracing }).workflowInterceptorModules ?? []).map((m) => m.replace(/.*\/src\//, 'src/'));
    expect(modules(false).some((m) => m.includes('tracing.interceptor'))).toBe(false);
    expect(modules(true)[0]).toMatch(/src\/workflows\/tracing\.interceptor/);
    expect(modules(true).slice(1)).toEqual(modules(false));
  });

  it('npm run build leaves both, and the lean one holds no OpenTelemetry SDK', () => {
    const lean = readFileSync(join(root, 'dist', 'workflow-bundle.js'), 'utf8');
    const traced = readFileSync(join(root, 'dist', 'workflow-bundle.traced.js'), 'utf8');
    expect(lean).not.toContain('BasicTracerProvider');
    expect(traced).toContain('BasicTracerProvider');
  });
});

/** Compiles one source file to where tsconfig.build.json puts it under `dist` (CommonJS, like the build). */
function compileInto(dist: string, source: string): void {
  const { outputText } = ts.transpileModule(readFileSync(join(root, source), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const out = join(dist, source.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, outputText);
}

describe('each workflow type is loaded on first use (src/workflows/index.ts)', () => {
  const index = readFileSync(join(root, 'src', 'workflows', 'index.ts'), 'utf8');
  const declared = [...index.matchAll(/export const (\w+) = onFirstUse\('(\w+)', \(\) => require\('([^']+)'\)/g)].map(([, exported, name, path]) => ({ exported, name, path }));

  it('exports every workflow type under its own name, and a client names the type by that name', async () => {
    const workflows = (await import('../../src/workflows')) as unknown as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.keys(workflows).sort()).toEqual(declared.map((d) => d.exported).sort());
    expect(declared.length).toBe(17);
    for (const d of declared) {
      expect(d.name).toBe(d.exported);
      expect(typeof workflows[d.exported]).toBe('function');
      expect(workflows[d.exported].name).toBe(d.name);
    }
  });

  it('loads a module that exports the workflow of that name', () => {
    for (const d of declared) {
      const loaded = require(join(root, 'src', 'workflows', d.path)) as Record<string, unknown>;
      expect({ [d.name]: typeof loaded[d.name] }).toEqual({ [d.name]: 'function' });
    }
  });
});
