import { workerOnlyEnv } from '../../../bench/harness/stack';

describe("bench: BENCH_WORKER_ENV, the worker's own environment", () => {
  it('reads space-separated NAME=value pairs; a value may contain = and /', () => {
    expect(workerOnlyEnv('LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2  MALLOC_CONF=dirty_decay_ms:0,narenas:2')).toEqual({
      LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
      MALLOC_CONF: 'dirty_decay_ms:0,narenas:2',
    });
    expect(workerOnlyEnv('A==b')).toEqual({ A: '=b' });
  });

  it('is empty when unset or blank', () => {
    expect(workerOnlyEnv(undefined)).toEqual({});
    expect(workerOnlyEnv('   ')).toEqual({});
  });

  it('refuses a word that is not NAME=value, naming it (a typo must not measure the default unnoticed)', () => {
    expect(() => workerOnlyEnv('LD_PRELOAD=/x.so MALLOC_ARENA_MAX')).toThrow('BENCH_WORKER_ENV: "MALLOC_ARENA_MAX" is not NAME=value');
    expect(() => workerOnlyEnv('1X=2')).toThrow('"1X=2"');
  });
});
