/**
 * One jest run, two projects: `unit` needs nothing running; `integration` (workflows, HTTP, replay)
 * shares one Temporal dev server and one fresh database per run (test/support/global-setup.ts).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  testTimeout: 60_000,
  // The tests run one file at a time in one child process (`--maxWorkers=1`, not `--runInBand`),
  // which jest replaces once its heap, idle after a file, is over this. In one process the heap
  // only grew, file after file (modules each file loads again, held by what outlives it), to
  // ~4 GiB by the end of `make test`: V8's default limit here (4,144 MiB), and CI's run died of
  // it without a report. A fresh child costs ~2 s; the limit bounds the run whatever leaks.
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
