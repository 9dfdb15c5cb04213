import { AuthFailureLimiter } from '../../src/api/auth/auth-failure-limiter';
import { loadConfig } from '../../src/config/load-config';

describe('AuthFailureLimiter', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('allows `limit` failures per address and window, then blocks that address only, until the window ends', () => {
    const limiter = new AuthFailureLimiter(3, 60_000, 100, clock);
    expect([1, 2, 3].map(() => limiter.recordFailure('a').remaining)).toEqual([2, 1, 0]);
    expect(limiter.retryAfterSeconds('a')).toBe(60);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    now += 59_500;
    expect(limiter.retryAfterSeconds('a')).toBe(1);
    now += 500;
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    expect(limiter.recordFailure('a')).toEqual({ limit: 3, remaining: 2, resetSeconds: 60 });
  });

  it('keeps at most maxAddresses windows, dropping the oldest first', () => {
    const limiter = new AuthFailureLimiter(1, 60_000, 2, clock);
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    expect(['a', 'b', 'c'].map((x) => limiter.retryAfterSeconds(x) > 0)).toEqual([false, true, true]);
  });
});

describe('auth limit configuration', () => {
  it('defaults to 20 failures a minute and no trusted proxy', () => {
    const config = loadConfig({});
    expect([config.AUTH_FAILURE_LIMIT_PER_MINUTE, config.TRUSTED_PROXIES]).toEqual([20, []]);
  });

  it('takes trusted proxies as addresses and CIDRs, and refuses anything else', () => {
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,fd00::/8' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    for (const bad of ['*', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', 'true']) {
      expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
    }
  });
});
