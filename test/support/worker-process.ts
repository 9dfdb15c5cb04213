import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for';

/**
 * A real entry point (src/worker/main.ts, src/api/main.ts) as a separate OS process, so a test
 * can SIGKILL it like a crashed pod, or SIGTERM it like a rolling deploy.
 */
export interface AppProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export type WorkerProcess = AppProcess;

/** `nodeArgs`: more of node's options before the entry, e.g. another `--require`d module. */
export async function spawnAppProcess(entry: string, env: Record<string, string>, ready: (output: string) => boolean | Promise<boolean>, nodeArgs: string[] = []): Promise<AppProcess> {
  const root = resolve(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', ...nodeArgs, entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      gone = true;
      done({ code, signal });
    }),
  );
  // Ready, or exited first (a refused start): then fail at once with what it printed.
  await Promise.race([
    waitFor(() => gone || ready(out), { timeoutMs: 60_000, what: `${entry} to start` }),
    exited.then(({ code, signal }) => {
      throw new Error(`${entry} exited (code ${code}, signal ${signal}) before it was ready:\n${out}`);
    }),
  ]);
  return { child, output: () => out, exited };
}

export function spawnWorkerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<WorkerProcess> {
  return spawnAppProcess(
    'src/worker/main.ts',
    { WORKFLOW_BUNDLE_PATH: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE ?? '', ...env },
    (out) => out.includes('"worker started"'),
    nodeArgs,
  );
}
