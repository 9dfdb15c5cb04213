/** Where one client address stands against its budget of failed authentications. */
export interface AuthFailureBudget {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the budget is full again. */
  resetSeconds: number;
}

interface Window {
  failures: number;
  endsAt: number;
}

/**
 * Failed authentications per client address in fixed one-minute windows, in this process's
 * memory: enough for one API process (or sticky routing); several replicas behind a balancer
 * would each count separately, and need a shared store (e.g. Redis) to hold the limit exactly.
 * Only failures count, and a success never resets a count, so valid traffic from one address
 * cannot buy another (or itself) more guesses.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    /** Bounds memory under a flood from many addresses; the oldest windows go first. */
    private readonly maxAddresses = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the address must wait before it may authenticate again, or 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const window = this.current(address);
    return window && window.failures >= this.limit ? this.secondsLeft(window) : 0;
  }

  /** Counts one failure from the address; the budget left afterwards. */
  recordFailure(address: string): AuthFailureBudget {
    const window = this.current(address) ?? this.open(address);
    window.failures += 1;
    return { limit: this.limit, remaining: Math.max(0, this.limit - window.failures), resetSeconds: this.secondsLeft(window) };
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window && window.endsAt > this.now()) return window;
    if (window) this.windows.delete(address);
    return undefined;
  }

  private open(address: string): Window {
    if (this.windows.size >= this.maxAddresses) this.evict();
    const window = { failures: 0, endsAt: this.now() + this.windowMs };
    this.windows.set(address, window);
    return window;
  }

  private evict(): void {
    const now = this.now();
    for (const [address, window] of this.windows) if (window.endsAt <= now) this.windows.delete(address);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const address of this.windows.keys()) {
      if (this.windows.size < this.maxAddresses) break;
      this.windows.delete(address);
    }
  }

  private secondsLeft(window: Window): number {
    return Math.max(1, Math.ceil((window.endsAt - this.now()) / 1000));
  }
}
