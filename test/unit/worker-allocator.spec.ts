import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { allocatorFromMaps, allocatorWarning, LoadedAllocator } from '../../src/worker/allocator';

/**
 * The worker's malloc: scripts/worker-allocator.sh starts it (make dev, make cluster, the image,
 * the bench), and src/worker/allocator.ts tells which one it runs on. The launcher is run for real
 * here, with node behind it reading its own mappings.
 */
const LAUNCHER = resolve(__dirname, '..', '..', 'scripts', 'worker-allocator.sh');
const DEBIAN_JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const PRINT_MAPS = "process.stdout.write(require('node:fs').readFileSync('/proc/self/maps', 'utf8'))";

function launch(env: Record<string, string>, command: string[]) {
  return launchWith(['sh', LAUNCHER, ...command], env);
}

/** Runs `argv` with the launcher's settings cleared from the environment, then `env`'s. */
function launchWith(argv: string[], env: Record<string, string>) {
  const base = { ...process.env };
  delete base.WORKER_ALLOCATOR;
  delete base.WORKER_JEMALLOC_PATH;
  delete base.LD_PRELOAD;
  return spawnSync(argv[0], argv.slice(1), { env: { ...base, ...env }, encoding: 'utf8' });
}

function allocatorOfNodeLaunched(env: Record<string, string>): LoadedAllocator {
  const run = launch(env, [process.execPath, '-e', PRINT_MAPS]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return allocatorFromMaps(run.stdout);
}

describe('the worker allocator: which malloc a process runs on (src/worker/allocator.ts)', () => {
  const jemallocLine = `7f1c2a000000-7f1c2a01c000 r--p 00000000 08:01 131085                     ${DEBIAN_JEMALLOC}`;
  const nodeLines = ['00400000-00401000 r--p 00000000 08:01 2622                       /usr/bin/node', '7f1c29e00000-7f1c29e28000 r--p 00000000 08:01 131072                     /usr/lib/x86_64-linux-gnu/libc.so.6', '7ffd5a3c1000-7ffd5a3e2000 rw-p 00000000 00:00 0                          [stack]'];

  it('is jemalloc when its library is mapped, naming it; glibc when not', () => {
    expect(allocatorFromMaps([...nodeLines, jemallocLine].join('\n'))).toEqual({ allocator: 'jemalloc', library: DEBIAN_JEMALLOC });
    expect(allocatorFromMaps(nodeLines.join('\n'))).toEqual({ allocator: 'glibc', library: null });
    // A path with a space in it is read whole; a file that only mentions jemalloc in a folder name is not the library.
    expect(allocatorFromMaps('7f00-7f01 r-xp 00000000 08:01 1  /opt/my libs/libjemalloc.so.2').library).toBe('/opt/my libs/libjemalloc.so.2');
    expect(allocatorFromMaps('7f00-7f01 r-xp 00000000 08:01 1  /opt/libjemalloc-notes/libc.so.6').allocator).toBe('glibc');
  });

  it('warns when the worker does not run on the malloc asked for, and only then', () => {
    const jemalloc: LoadedAllocator = { allocator: 'jemalloc', library: DEBIAN_JEMALLOC };
    const glibc: LoadedAllocator = { allocator: 'glibc', library: null };
    expect(allocatorWarning('auto', jemalloc)).toBeNull();
    expect(allocatorWarning('jemalloc', jemalloc)).toBeNull();
    expect(allocatorWarning('glibc', glibc)).toBeNull();
    expect(allocatorWarning('auto', glibc)).toMatch(/WORKER_ALLOCATOR=auto, but the worker runs on glibc's malloc.*scripts\/worker-allocator\.sh/);
    expect(allocatorWarning('jemalloc', glibc)).toMatch(/WORKER_ALLOCATOR=jemalloc, but/);
    expect(allocatorWarning('glibc', jemalloc)).toContain(DEBIAN_JEMALLOC);
    expect(allocatorWarning('auto', { allocator: 'unknown', library: null })).toBeNull();
  });
});

describe('scripts/worker-allocator.sh: starts the worker on jemalloc (make install puts libjemalloc2 there)', () => {
  beforeAll(() => {
    // make test installs it (scripts/install-jemalloc.sh): without it the launcher's jemalloc path is untested.
    expect(existsSync(DEBIAN_JEMALLOC)).toBe(true);
  });

  it('auto (the default) and jemalloc: node runs on jemalloc', () => {
    expect(allocatorOfNodeLaunched({})).toEqual({ allocator: 'jemalloc', library: DEBIAN_JEMALLOC });
    expect(allocatorOfNodeLaunched({ WORKER_ALLOCATOR: 'jemalloc' }).allocator).toBe('jemalloc');
    expect(allocatorOfNodeLaunched({ WORKER_ALLOCATOR: 'jemalloc', WORKER_JEMALLOC_PATH: DEBIAN_JEMALLOC }).allocator).toBe('jemalloc');
  });

  it('glibc: node runs on glibc, LD_PRELOAD untouched', () => {
    expect(allocatorOfNodeLaunched({ WORKER_ALLOCATOR: 'glibc' })).toEqual({ allocator: 'glibc', library: null });
    expect(launch({ WORKER_ALLOCATOR: 'glibc' }, ['sh', '-c', 'printf %s "${LD_PRELOAD:-unset}"']).stdout).toBe('unset');
  });

  it('keeps a preload it finds: jemalloc is put first, and not twice when already there (a profiling run)', () => {
    expect(launch({ LD_PRELOAD: '/opt/other.so' }, ['sh', '-c', 'printf %s "$LD_PRELOAD"']).stdout).toBe(`${DEBIAN_JEMALLOC}:/opt/other.so`);
    expect(launch({ LD_PRELOAD: DEBIAN_JEMALLOC }, ['sh', '-c', 'printf %s "$LD_PRELOAD"']).stdout).toBe(DEBIAN_JEMALLOC);
  });

  it('becomes the command (exec): the PID its starter holds is the worker, so signals and /proc readings reach it', async () => {
    const child = spawn('sh', [LAUNCHER, process.execPath, '-e', 'process.stdout.write(String(process.pid))'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code).toBe(0);
    expect(Number(out)).toBe(child.pid);
  });

  // The library hidden from the launcher in a mount namespace of the run's own (a bind mount of
  // /dev/null over each place it looks, so none is a file there), the machine's left as it is. Needs
  // unshare(1) to be allowed to make one (root, as make test runs here); skipped where it is not.
  const canHide = spawnSync('unshare', ['--mount', 'true']).status === 0;
  (canHide ? it : it.skip)('auto without the library: node starts on glibc with a warning; jemalloc required: exit 2', () => {
    const script = readFileSync(LAUNCHER, 'utf8');
    const searched = [...new Set(script.match(/\/\S+\/libjemalloc\.so\.2/g) ?? [])];
    expect(searched).toContain(DEBIAN_JEMALLOC);
    const hidden = (env: Record<string, string>, command: string[]) => {
      const hide = searched.map((path) => `[ ! -e ${path} ] || mount --bind /dev/null ${path}`).join(' && ');
      return launchWith(['unshare', '--mount', 'sh', '-c', `${hide} && exec sh "$@"`, 'hide', LAUNCHER, ...command], env);
    };
    const auto = hidden({}, [process.execPath, '-e', PRINT_MAPS]);
    expect(auto.status).toBe(0);
    expect(auto.stderr).toContain("worker allocator: libjemalloc.so.2 not found, starting on glibc's malloc");
    expect(allocatorFromMaps(auto.stdout)).toEqual({ allocator: 'glibc', library: null });
    const required = hidden({ WORKER_ALLOCATOR: 'jemalloc' }, ['true']);
    expect(required.status).toBe(2);
    expect(required.stderr).toContain('WORKER_ALLOCATOR=jemalloc: libjemalloc.so.2 not found');
    // The machine's own library is still where it was (the mounts were the run's own).
    expect(allocatorOfNodeLaunched({}).allocator).toBe('jemalloc');
  });

  it('refuses a setting it does not know, a library that is not there when jemalloc is required, and no command', () => {
    const unknown = launch({ WORKER_ALLOCATOR: 'tcmalloc' }, ['true']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('WORKER_ALLOCATOR: "tcmalloc" is not one of auto, jemalloc, glibc');
    const missing = launch({ WORKER_ALLOCATOR: 'jemalloc', WORKER_JEMALLOC_PATH: '/nonexistent/libjemalloc.so.2' }, ['true']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('WORKER_JEMALLOC_PATH: /nonexistent/libjemalloc.so.2 is not a file');
    const none = launch({}, []);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage:');
  });
});
