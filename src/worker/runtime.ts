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
 * The Temporal runtime of a worker process. With `taskFailures` (STUCK_CASE_REPAIR other than
 * `off`), the core's logs are forwarded to `logger` (one JSON line each, at the SDK's default
 * levels) and each workflow task the core fails is announced there; without, the core writes its
 * own lines to stderr, as the SDK does by default. The runtime owns SIGINT/SIGTERM: it shuts
 * every worker down gracefully. With a metrics address, its Prometheus exporter serves the SDK's
 * metrics and ours.
 */
export function installWorkerRuntime(logger: Logger, metricsAddress: string | null, taskFailures: TaskFailureFeed | null): void {
  const telemetry = workerTelemetry(metricsAddress);
  Runtime.install({
    logger: taskFailures ? watchingTaskFailures(temporalLoggerFrom(logger), taskFailures.notice) : temporalLoggerFrom(logger),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: taskFailures ? { ...telemetry, logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } } : telemetry,
  });
}
