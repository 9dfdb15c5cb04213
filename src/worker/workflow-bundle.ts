import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/**
 * How every workflow bundle is built (the production build, the worker bundling at start, the
 * test run): `zod` is replaced by an inert builder, see inert-zod.ts for why; the verified-actor,
 * card-data and handler-refusal interceptors and the Caseworks payload converter are in every
 * bundle. The tracing interceptors only in the traced one: OpenTelemetry inside the sandbox costs
 * every cached workflow about 1.3 MB and the worker ~14 % of its intake even when nothing is
 * exported (measured: README "Traces"), so a worker with tracing off loads the bundle without it.
 * Switching between the two is replay-safe: the spans add no commands and draw no random numbers.
 */
export function workflowBundleOptions({ tracing = false }: { tracing?: boolean } = {}): Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook' | 'workflowInterceptorModules' | 'payloadConverterPath' | 'preloadModules'> {
  return {
    workflowsPath: require.resolve('../workflows'),
    preloadModules: domainModules(),
    // Tracing first (outermost), so a refused update is traced too; then every update must come
    // from a caller the service vouches for, and every workflow applies the card-data policy to
    // its start input and update arguments. Innermost, next to the handler: a transition a
    // handler meets but may not make refuses the update rather than failing the task.
    workflowInterceptorModules: [
      ...(tracing ? [require.resolve('../workflows/tracing.interceptor')] : []),
      require.resolve('../workflows/verified-actor.interceptor'),
      require.resolve('../workflows/card-data.interceptor'),
      require.resolve('../workflows/handler-refusal.interceptor'),
    ],
    // The same converter as the worker's and the clients' data converter (the verified caller).
    payloadConverterPath: require.resolve('../temporal/payload-converter'),
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string> | undefined), zod$: resolve(__dirname, 'inert-zod') } },
    }),
  };
}

/**
 * Every module of src/domain, loaded once into the worker's shared V8 context instead of once
 * per cached workflow. With reuseV8Context the SDK gives each workflow its own instance of every
 * module it imports, so each cached case held its own copy of the domain's functions, constant
 * tables and memo caches (the calendar's 100,000-entry one among them), and every new or replayed
 * case paid to evaluate them. The domain may be shared because it is pure by rule: no workflow
 * APIs, no state kept between calls but memo caches of pure functions, whose answers are the same
 * whichever case filled them (test/unit/domain-purity.spec.ts holds it to that). The SDK freezes
 * what these modules export, so a workflow that mutated a shared constant would fail loudly.
 */
export function domainModules(root = resolve(__dirname, '..', 'domain')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) found.push(...domainModules(path));
    else if (/\.(ts|js)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

/** A bundle that still carries the zod library would rebuild it per workflow: refuse it. */
export function assertLeanWorkflowBundle(code: string): void {
  if (code.includes('node_modules/zod')) throw new Error('the workflow bundle contains zod; build it with workflowBundleOptions()');
}

/**
 * The production start's workflow bundle: WORKFLOW_BUNDLE_PATH when set, else the bundle
 * `npm run build` left in `distDir` (dist/workflow-bundle.js) when there is one. Undefined means
 * the worker bundles src/workflows at start (development).
 */
export function prebuiltWorkflowBundle(env: NodeJS.ProcessEnv, distDir: string): string | undefined {
  if (env.WORKFLOW_BUNDLE_PATH) return env.WORKFLOW_BUNDLE_PATH;
  const built = resolve(distDir, 'workflow-bundle.js');
  return existsSync(built) ? built : undefined;
}

/** The traced build of a bundle: `workflow-bundle.js` comes with `workflow-bundle.traced.js` (scripts/bundle-workflows.ts). */
export function tracedBundleOf(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
}
