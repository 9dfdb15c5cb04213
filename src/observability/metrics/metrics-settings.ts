import type { AppConfig } from '../../config/config.schema';

/** Where the endpoints listen in development when nothing is set (`make dev`). */
export const DEV_WORKER_METRICS_ADDRESS = '127.0.0.1:9464';
export const DEV_API_METRICS_PORT = 9465;

/**
 * The worker's metrics address, or null for none. On by default in development only: tests and
 * deployments start several workers on one host, and a second bind to one port would fail.
 */
export function workerMetricsAddress(config: Pick<AppConfig, 'WORKER_METRICS_ADDRESS' | 'NODE_ENV'>): string | null {
  const set = config.WORKER_METRICS_ADDRESS;
  if (set === 'off') return null;
  return set ?? (config.NODE_ENV === 'development' ? DEV_WORKER_METRICS_ADDRESS : null);
}

/** The API's metrics port, or null for none (same defaults as the worker's). */
export function apiMetricsPort(config: Pick<AppConfig, 'API_METRICS_PORT' | 'NODE_ENV'>): number | null {
  const set = config.API_METRICS_PORT;
  if (set === 'off') return null;
  return set ?? (config.NODE_ENV === 'development' ? DEV_API_METRICS_PORT : null);
}
