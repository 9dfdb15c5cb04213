import type { Config } from 'jest';

/**
 * The long suite (issue 20): thousands of actions on one case of each kind, on the real Temporal
 * dev server and PostgreSQL. Not part of `make test` (the root config does not match test/long);
 * run it with `make test-long` (LONG_ACTIONS=300 for a quick pass while developing; default 10,000).
 */
const config: Config = {
  rootDir: '../..',
  displayName: 'long',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/long/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Each test sets its own timeout from the action count; this covers setup and teardown.
  testTimeout: 120_000,
};

export default config;
