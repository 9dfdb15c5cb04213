import { apiMetricsPort, workerMetricsAddress } from '../../../src/observability/metrics/metrics-settings';
import { loadConfig } from '../../../src/config/load-config';

describe('metrics settings', () => {
  it('are on in development by default, off in test and production unless set, and off when set to off', () => {
    expect(workerMetricsAddress({ NODE_ENV: 'development', WORKER_METRICS_ADDRESS: undefined })).toBe('127.0.0.1:9464');
    expect(apiMetricsPort({ NODE_ENV: 'development', API_METRICS_PORT: undefined })).toBe(9465);
    expect(workerMetricsAddress({ NODE_ENV: 'production', WORKER_METRICS_ADDRESS: undefined })).toBeNull();
    expect(apiMetricsPort({ NODE_ENV: 'test', API_METRICS_PORT: undefined })).toBeNull();
    expect(workerMetricsAddress({ NODE_ENV: 'development', WORKER_METRICS_ADDRESS: 'off' })).toBeNull();
    expect(apiMetricsPort({ NODE_ENV: 'development', API_METRICS_PORT: 'off' })).toBeNull();
    expect(workerMetricsAddress({ NODE_ENV: 'production', WORKER_METRICS_ADDRESS: '0.0.0.0:9464' })).toBe('0.0.0.0:9464');
  });

  it('are read from the environment through the one schema', () => {
    const config = loadConfig({ NODE_ENV: 'production', WORKER_METRICS_ADDRESS: '0.0.0.0:9464', API_METRICS_PORT: '9465', SCHEDULE_METRICS_INTERVAL_MS: '5000', PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') });
    expect([config.WORKER_METRICS_ADDRESS, config.API_METRICS_PORT, config.SCHEDULE_METRICS_INTERVAL_MS]).toEqual(['0.0.0.0:9464', 9465, 5000]);
    expect(() => loadConfig({ WORKER_METRICS_ADDRESS: 'nine', PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') })).toThrow(/WORKER_METRICS_ADDRESS/);
  });
});
