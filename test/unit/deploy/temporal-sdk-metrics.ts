/**
 * The metric families a real Caseworks worker's Temporal runtime (SDK 1.24.0, Prometheus exporter with
 * src/worker's options) exports under `temporal_`: what alert rules and dashboard panels may name
 * besides the catalog (src/observability/metric-catalog.ts).
 *
 * Obtained by scraping, not from docs: `npx ts-node --transpile-only
 * test/unit/deploy/scrape-temporal-sdk-metrics.ts /tmp/sdk-metrics.txt` starts a dev server and a
 * worker, runs a workflow with a retried activity and one whose workflow task fails, and writes
 * `name type` per family. A family appears once the runtime first records it, so failure counters
 * need the failures the script provokes. Re-run it after an SDK upgrade or exporter option change.
 */
export const TEMPORAL_SDK_METRICS = {
  temporal_activity_execution_failed: 'counter',
  temporal_activity_execution_latency: 'histogram',
  temporal_activity_schedule_to_start_latency: 'histogram',
  temporal_activity_succeed_endtoend_latency: 'histogram',
  temporal_activity_task_received: 'counter',
  temporal_long_request: 'counter',
  temporal_long_request_latency: 'histogram',
  temporal_num_pollers: 'gauge',
  temporal_request: 'counter',
  temporal_request_latency: 'histogram',
  temporal_sticky_cache_hit: 'counter',
  temporal_sticky_cache_size: 'gauge',
  temporal_sticky_cache_total_forced_eviction: 'counter',
  temporal_worker_start: 'counter',
  temporal_worker_task_slots_available: 'gauge',
  temporal_worker_task_slots_used: 'gauge',
  temporal_workflow_completed: 'counter',
  temporal_workflow_endtoend_latency: 'histogram',
  temporal_workflow_task_execution_failed: 'counter',
  temporal_workflow_task_execution_latency: 'histogram',
  temporal_workflow_task_queue_poll_succeed: 'counter',
  temporal_workflow_task_replay_latency: 'histogram',
  temporal_workflow_task_schedule_to_start_latency: 'histogram',
} as const;

/** The label names those families carry (same scrape); `le` is the histogram bucket bound. */
export const TEMPORAL_SDK_LABELS = ['activity_type', 'eager', 'failure_reason', 'namespace', 'operation', 'poller_type', 'service_name', 'task_queue', 'worker_type', 'workflow_type'] as const;
