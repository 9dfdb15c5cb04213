/**
 * One jest run, two projects: `unit` needs nothing running; `integration` (workflows, HTTP, replay)
 * shares one Temporal dev server and one fresh database per run (test/support/global-setup.ts).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  testTimeout: 60_000,
  // The tests run one file at a time in one child process (`--maxWorkers=1`, not `--runInBand`),
  // which jest replaces once its heap, idle after a file, is over this. In one process memory
  // only grew, file after file, to 4.1-4.3 GiB RSS by the end of `make test`, against V8's
  // default heap limit here (4,144 MiB), and a CI run died near its end without a report. The
  // limit bounds the run whatever a file leaves behind.
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/workflows/**/*.spec.ts', '<rootDir>/test/api/**/*.spec.ts', '<rootDir>/test/replay/**/*.spec.ts', '<rootDir>/test/browser/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
