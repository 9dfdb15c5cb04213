import { NativeConnection, Worker } from '@temporalio/worker';
import type { AppConfig } from '../config/config.schema';
import type { Activities } from '../activities';
import { activityAttemptsInterceptor } from '../observability/metrics/activity-attempts';
import { tracingActivityInterceptors } from '../observability/tracing/temporal-tracing';
import { workflowSpanSinks } from '../observability/tracing/workflow-span-sink';
import { workerDataConverterFor } from '../temporal/temporal-options';
import { workflowBundleOptions } from './workflow-bundle';

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
  const bundle = workflowBundlePath ?? config.WORKFLOW_BUNDLE_PATH;
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...(bundle
      ? { workflowBundle: { codePath: bundle } }
      : {
          workflowsPath: workflowBundleOptions().workflowsPath,
          bundlerOptions: { webpackConfigHook: workflowBundleOptions().webpackConfigHook },
        }),
    interceptors: {
      // A prebuilt bundle carries its own workflow interceptors; bundling at start takes them here.
      ...(bundle ? {} : { workflowModules: workflowBundleOptions().workflowInterceptorModules }),
      // Counted first (outermost), so an attempt is counted whatever tracing does.
      activity: [activityAttemptsInterceptor, ...tracingActivityInterceptors()],
    },
    // The workflow interceptors' spans leave the sandbox through this sink (dropped with tracing off).
    sinks: workflowSpanSinks(),
    activities,
    // Binds what its workflows send to workflows (children, continue-as-new, signals) to the worker identity.
    dataConverter: workerDataConverterFor(config),
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_MS,
    // Bounded: an open ticket costs memory while cached (measured: make bench SCENARIO=growth).
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
}
