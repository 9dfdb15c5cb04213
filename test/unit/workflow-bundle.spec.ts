import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { prebuiltWorkflowBundle } from '../../src/worker/workflow-bundle';

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
    const script = readFileSync(join(root, 'scripts', 'start-worker.ts'), 'utf8');
    expect(script).toContain("prebuiltWorkflowBundle(process.env, resolve(__dirname, '..'))");
  });
});
