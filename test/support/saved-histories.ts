import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import type { SavedHistoryFile } from '../replay/fixture-format';
import { testConfig } from './harness';

type History = temporal.api.history.v1.History;

export interface SavedHistory {
  workflowId: string;
  /** What the history shows (test/replay/history-features.ts), as the recorder found it. */
  features: string[];
  history: History;
}

export interface SavedHistories {
  histories: SavedHistory[];
  /**
   * Replays one history on the bundle; throws on a nondeterminism error. `keyOf`: the fixture's
   * history whose payload key it has (for a changed copy of one).
   */
  replay(history: History, workflowId: string, keyOf?: History): Promise<void>;
  /** Replays them all on one replay worker; throws the first failure, naming its workflow. */
  replayAll(histories?: readonly { workflowId: string; history: History }[]): Promise<void>;
}

/**
 * A history fixture (a path, or a file name in test/replay/fixtures): histories recorded by
 * older code, with the test payload key they were encrypted under, and how to replay them on a
 * workflow bundle (the test run's unless one is given).
 */
export function savedHistories(file: string, options: { bundlePath?: string } = {}): SavedHistories {
  const path = isAbsolute(file) ? file : resolve(__dirname, '..', 'replay', 'fixtures', file);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedHistoryFile;
  const codePath = options.bundlePath ?? process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE!;
  const replayOptions = (key: string) => ({ workflowBundle: { codePath }, dataConverter: dataConverterFor(testConfig({ PAYLOAD_ENCRYPTION_KEY: key })) });
  const keyOf = new Map<History, string>();
  const histories = saved.histories.map(({ workflowId, features, history, key }) => {
    const decoded = temporal.api.history.v1.History.decode(Buffer.from(history, 'base64'));
    keyOf.set(decoded, key ?? saved.key);
    return { workflowId, features: features ?? [], history: decoded };
  });
  const keyFor = (history: History) => keyOf.get(history) ?? saved.key;
  return {
    histories,
    replay: (history, workflowId, keyOf = history) => Worker.runReplayHistory(replayOptions(keyFor(keyOf)), history, workflowId),
    async replayAll(some = histories) {
      // One replay worker per payload key (a fixture may join recordings made under different keys).
      for (const key of new Set(some.map((h) => keyFor(h.history)))) {
        for await (const result of Worker.runReplayHistories(replayOptions(key), some.filter((h) => keyFor(h.history) === key))) {
          if (result.error) {
            result.error.message = `${result.workflowId} (run ${result.runId}): ${result.error.message}`;
            throw result.error;
          }
        }
      }
    },
  };
}

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The bundle production runs (`npm run build` writes dist/workflow-bundle.js), or the one
 * CASEWORKS_REPLAY_BUNDLE names. A bundle older than the source it is built from would replay
 * yesterday's code and pass for the wrong reason: that is an error, not a pass.
 */
export function productionWorkflowBundle(): string {
  const named = process.env.CASEWORKS_REPLAY_BUNDLE;
  const path = resolve(named ?? join(REPO_ROOT, 'dist', 'workflow-bundle.js'));
  if (!existsSync(path)) throw new Error(`no workflow bundle at ${path}: run \`npm run build\` (make test does) or set CASEWORKS_REPLAY_BUNDLE`);
  if (!named) {
    const built = statSync(path).mtimeMs;
    const newer = newestSource(join(REPO_ROOT, 'src'));
    if (newer && newer.mtimeMs > built) throw new Error(`${path} is older than ${newer.path}: run \`npm run build\` first`);
  }
  return path;
}

function newestSource(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? { path, mtimeMs: statSync(path).mtimeMs } : undefined;
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}
