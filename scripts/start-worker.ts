/**
 * `npm run start:worker`, the production start: the worker on the prebuilt workflow bundle
 * (dist/workflow-bundle.js, from `npm run build`) when there is one and WORKFLOW_BUNDLE_PATH does
 * not name another; otherwise it bundles src/workflows at start, as in development.
 * Runs compiled, as dist/scripts/start-worker.js.
 */
import { resolve } from 'node:path';
import { prebuiltWorkflowBundle } from '../src/worker/workflow-bundle';

const bundle = prebuiltWorkflowBundle(process.env, resolve(__dirname, '..'));
if (bundle) process.env.WORKFLOW_BUNDLE_PATH = bundle;
// Loaded only now, so the worker's configuration sees the bundle.
void import('../src/worker/main');
