import { bundleWorkflowCode } from '@temporalio/worker';
import { assertLeanWorkflowBundle, tracedBundleOf, workflowBundleOptions } from '../src/worker/workflow-bundle';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Builds the production workflow bundles the worker loads: dist/workflow-bundle.js, and beside it
 * its traced build (workflow-bundle.traced.js), loaded when tracing is on.
 */
async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  mkdirSync(dirname(out), { recursive: true });
  for (const [path, tracing] of [[out, false], [tracedBundleOf(out), true]] as const) {
    const { code } = await bundleWorkflowCode({ ...workflowBundleOptions({ tracing }), logger: quietLogger });
    assertLeanWorkflowBundle(code);
    writeFileSync(path, code);
    process.stdout.write(`workflow bundle: ${path} (${(code.length / 1024).toFixed(0)} KiB)\n`);
  }
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => process.stderr.write(`${m}\n`) };

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
