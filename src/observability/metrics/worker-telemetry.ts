import type { TelemetryOptions } from '@temporalio/worker';
import { workerHistogramBuckets } from './worker-metrics';

/**
 * The Temporal runtime's telemetry with its Prometheus exporter on `bindAddress` (GET /metrics):
 * the SDK's `temporal_*` metrics and ours on one endpoint. None when the address is null.
 * Counters keep the names they are given (no `_total` added: ours carry it, the SDK's have none),
 * histograms have no unit suffix, and the SDK's durations stay in milliseconds (`*_latency`).
 */
export function workerTelemetry(bindAddress: string | null): TelemetryOptions | undefined {
  if (bindAddress === null) return undefined;
  return { metrics: { prometheus: { bindAddress, histogramBucketOverrides: workerHistogramBuckets } } };
}
