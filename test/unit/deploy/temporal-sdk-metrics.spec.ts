import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEMPORAL_SDK_METRICS } from './temporal-sdk-metrics';

/**
 * The SDK metric list the rule and dashboard checks trust is what a real worker exports: the scrape
 * script runs a dev server and a worker in a child process (the Temporal runtime installs once per
 * process) and this compares. An SDK upgrade that renames a metric fails here, not silently in an alert.
 */
describe('the Temporal SDK metric list (temporal-sdk-metrics.ts)', () => {
  it('matches what a real worker exports, name and type', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseworks-sdk-metrics-'));
    try {
      const out = join(dir, 'metrics.txt');
      execFileSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), resolve(__dirname, 'scrape-temporal-sdk-metrics.ts'), out], {
        cwd: resolve(__dirname, '..', '..', '..'),
        stdio: 'pipe',
        timeout: 120_000,
      });
      const scraped = Object.fromEntries(
        readFileSync(out, 'utf8')
          .split('\n')
          .filter((line) => line.startsWith('temporal_'))
          .map((line) => line.split(' ') as [string, string]),
      );
      // Every listed family is exported with its type; others may appear (recorded only on some paths).
      expect(scraped).toEqual(expect.objectContaining(TEMPORAL_SDK_METRICS));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
