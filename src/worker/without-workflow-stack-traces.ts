import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';

/**
 * A preload that turns off the Temporal SDK's capture of a stack trace for every promise a
 * workflow creates, for a worker short of CPU or memory rather than of insight:
 *
 *   node --require ./dist/src/worker/without-workflow-stack-traces.js dist/src/worker/main.js
 *
 * Why: the SDK (1.24.0) installs a V8 promise hook in each workflow thread. For every promise a
 * workflow makes it builds an Error, maps its frames through the bundle's source map and keeps the
 * result, so the Temporal UI's "Stack Trace" tab can show where each run waits. It has no option
 * to leave this out (sdk-typescript issue #1587). Without it, replaying the replay fixtures' ticket
 * histories (bench/micro/replay-cpu.ts) costs ~30 % less CPU; live, in `make bench`'s sla-lag, the
 * worker's CPU per breaching ticket fell 4.5–15 %, and a cached ticket's workflow heap 114 → 92 KiB
 * (the hook keeps a stack for every promise a workflow still waits on; docs/scaling.md, "The SDK's
 * per-promise stack traces"). So it is an option, not the default.
 *
 * What is lost: that tab only. The UI's stack-trace query answers "Workflow stack traces are not
 * enabled on this worker". Errors keep their stack traces, mapped to the source as before: that
 * is the SDK's prepareStackTrace, which this leaves alone.
 *
 * How: a module given to `--require` runs in every thread of the process before its own code
 * (worker threads inherit the process's execArgv), so it runs in each workflow thread before the
 * SDK installs its hooks there. It replaces the SDK's internal step that installs the promise
 * hook with one that does nothing; the SDK then tells each workflow that stack traces are off.
 * The step is internal to the SDK: test/workflows/workflow-stack-traces.spec.ts fails if an SDK
 * upgrade moves it, and the process says so on stderr.
 */
const handlers = globalHandlers as unknown as { setPromiseHook?: unknown };
if (typeof handlers.setPromiseHook === 'function') {
  handlers.setPromiseHook = () => undefined;
} else {
  process.stderr.write('without-workflow-stack-traces: this Temporal SDK has no GlobalHandlers.setPromiseHook; workflow stack traces stay on\n');
}
