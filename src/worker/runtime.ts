import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { workerTelemetry } from '../observability/metrics/worker-telemetry';
import { temporalLoggerFrom, watchingTaskFailures } from './temporal-logger';

/**
 * Where the worker's failed workflow tasks are announced: the runtime is installed before the
 * worker has a client to look at cases with (WorkerRunner), so the watch listens here once it has.
 * A failure before that is not lost: a stuck case's task fails again on its next attempt.
 */
export class TaskFailureFeed {
  private listener: ((runId: string) => void) | undefined;

  readonly notice = (runId: string): void => this.listener?.(runId);

  /** Returns the function that stops listening. */
  listen(fn: (runId: string) => void): () => void {
    this.listener = fn;
    return () => {
      if (this.listener === fn) this.listener = undefined;
    };
  }
}

/**
 * The Temporal runtime of a worker process: its logs and the core's (forwarded, so each is one
 * JSON line of `logger`, as the SDK's own; the levels are the SDK's defaults) and each workflow
 * task the core fails, announced on `taskFailures`. The runtime owns SIGINT/SIGTERM: it shuts
 * every worker down gracefully. With a metrics address, its Prometheus exporter serves the SDK's
 * metrics and ours.
 */
export function installWorkerRuntime(logger: Logger, metricsAddress: string | null, taskFailures: TaskFailureFeed): void {
  Runtime.install({
    logger: watchingTaskFailures(temporalLoggerFrom(logger), taskFailures.notice),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      ...workerTelemetry(metricsAddress),
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
    },
  });
}
