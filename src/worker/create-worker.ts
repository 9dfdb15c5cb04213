import { existsSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { STICKY_QUEUE_TIMEOUT_MS, type AppConfig } from '../config/config.schema';
import type { Activities } from '../activities';
import { activityAttemptsInterceptor } from '../observability/metrics/activity-attempts';
import { tracingActivityInterceptors } from '../observability/tracing/temporal-tracing';
import { activeTracing } from '../observability/tracing/tracing';
import { workflowSpanSinks } from '../observability/tracing/workflow-span-sink';
import { workerDataConverterFor } from '../temporal/temporal-options';
import { tracedBundleOf, workflowBundleOptions } from './workflow-bundle';

export interface CaseworksWorkerOptions {
  config: AppConfig;
  connection: NativeConnection;
  activities: Activities;
  /** Overrides config.TEMPORAL_TASK_QUEUE (tests use one queue per test). */
  taskQueue?: string;
  /** A prebuilt bundle; falls back to config.WORKFLOW_BUNDLE_PATH, then to bundling src/workflows. */
  workflowBundlePath?: string;
}

export function createCaseworksWorker({ config, connection, activities, taskQueue, workflowBundlePath }: CaseworksWorkerOptions): Promise<Worker> {
  // With tracing on, the traced build of the bundle (workflow spans); off, the lean one.
  const tracing = activeTracing().enabled;
  const bundle = withTracing(workflowBundlePath ?? config.WORKFLOW_BUNDLE_PATH, tracing);
  const bundling = workflowBundleOptions({ tracing });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...(bundle
      ? { workflowBundle: { codePath: bundle } }
      : {
          workflowsPath: bundling.workflowsPath,
          bundlerOptions: { webpackConfigHook: bundling.webpackConfigHook, preloadModules: bundling.preloadModules },
        }),
    interceptors: {
      // A prebuilt bundle carries its own workflow interceptors; bundling at start takes them here.
      ...(bundle ? {} : { workflowModules: bundling.workflowInterceptorModules }),
      // Counted first (outermost), so an attempt is counted whatever tracing does.
      activity: [activityAttemptsInterceptor, ...tracingActivityInterceptors()],
    },
    // The workflow interceptors' spans leave the sandbox through this sink (dropped with tracing off).
    sinks: workflowSpanSinks(),
    activities,
    // Binds what its workflows send to workflows (children, continue-as-new, signals) to the worker identity.
    dataConverter: workerDataConverterFor(config),
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_MS,
    // Bounded: a cached case costs ~0.35 MiB of RSS, an evicted one nothing until it next wakes and
    // is replayed; the worker's memory follows this, not the open cases (make bench SCENARIO=growth).
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // The SDK's default, named: the API's query deadline is held below it (config.schema.ts).
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT_MS,
  });
}

/** The bundle to load: its traced build when tracing is on and one was built beside it (else spans stop at the activities). */
function withTracing(bundle: string | undefined, tracing: boolean): string | undefined {
  if (!bundle || !tracing) return bundle;
  const traced = tracedBundleOf(bundle);
  return existsSync(traced) ? traced : bundle;
}
