import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { accessLogRetentionMonths, accessLogRetentionProblem, longestCaseRetentionMonths } from '../../../src/domain/retention/access-log-retention';
import type { RetentionPolicy } from '../../../src/domain/retention/retention';

const FIXTURE_PACKS = resolve(__dirname, '..', '..', 'fixtures', 'policies'); // longest: VIVtone enterprise, 36 months
const uoozee: RetentionPolicy = { defaultMonths: 12, plans: {} };
const vivtone: RetentionPolicy = { defaultMonths: 12, plans: { enterprise: 36, pro: 24 } };

describe('access log retention', () => {
  it('defaults to the longest case retention any brand or contract sets (never under the 12-month floor)', () => {
    expect(longestCaseRetentionMonths([uoozee, vivtone])).toBe(36);
    expect(longestCaseRetentionMonths([{ defaultMonths: 18, plans: {} }])).toBe(18);
    expect(longestCaseRetentionMonths([{ defaultMonths: 6, plans: {} }])).toBe(12);
    expect(longestCaseRetentionMonths([])).toBe(12);
    expect(accessLogRetentionMonths([uoozee, vivtone], undefined)).toBe(36);
  });

  it('a setting may lengthen it, never shorten it', () => {
    expect(accessLogRetentionProblem([uoozee, vivtone], undefined)).toBeNull();
    expect(accessLogRetentionProblem([uoozee, vivtone], 36)).toBeNull();
    expect(accessLogRetentionProblem([uoozee, vivtone], 60)).toBeNull();
    expect(accessLogRetentionProblem([uoozee, vivtone], 35)).toMatch(/35 months is shorter than the longest case retention .*\(36 months\)/);
    expect(accessLogRetentionMonths([uoozee, vivtone], 60)).toBe(60);
    // A pack lengthened after start: the purge keeps the longer period, never deletes early.
    expect(accessLogRetentionMonths([uoozee, vivtone], 24)).toBe(36);
  });

  it('ACCESS_LOG_RETENTION_MONTHS shorter than the packs’ longest case retention is a config error naming it', () => {
    const env = { POLICY_DIR: FIXTURE_PACKS };
    expect(loadConfig(env).ACCESS_LOG_RETENTION_MONTHS).toBeUndefined();
    expect(loadConfig({ ...env, ACCESS_LOG_RETENTION_MONTHS: '48' }).ACCESS_LOG_RETENTION_MONTHS).toBe(48);
    for (const [value, message] of [
      ['24', /ACCESS_LOG_RETENTION_MONTHS: 24 months is shorter than the longest case retention in the policy packs \(36 months\)/],
      ['6', /ACCESS_LOG_RETENTION_MONTHS: .*12/],
      ['two years', /ACCESS_LOG_RETENTION_MONTHS/],
    ] as const) {
      let thrown: unknown;
      try {
        loadConfig({ ...env, ACCESS_LOG_RETENTION_MONTHS: value });
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).variables).toEqual(['ACCESS_LOG_RETENTION_MONTHS']);
      expect((thrown as ConfigError).message).toMatch(message);
    }
  });
});
