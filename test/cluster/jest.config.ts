import type { Config } from 'jest';

/**
 * The cluster suite: `make cluster` (scripts/cluster.sh) started on free ports and used from the
 * outside — sign-in, authorization, the HTTP smoke path through the balancer, and a crash test
 * (kill -9 of a worker and a history process). Runs in `make test` after the main suite
 * (scripts/test.sh) and alone with `make test-cluster`; run it before any change to deploy/ lands.
 */
const config: Config = {
  rootDir: '../..',
  displayName: 'cluster',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/test/cluster/**/*.spec.ts'],
  testTimeout: 120_000,
};

export default config;
