/**
 * Slows down password guessing: after a few free failures, each further failure for the same key
 * (an account or a client address) locks that key for an exponentially growing window.
 * In memory only: a restart forgives everyone, which is acceptable for a single-process service.
 */

/** Tuning for one kind of key. */
export interface ThrottleRule {
  /** Failures allowed before any lockout. */
  free: number;
  /** Lockout after the first counted failure, in ms; doubles with each further failure. */
  baseMs: number;
  /** Longest lockout, in ms. */
  maxMs: number;
  /** Failures are forgotten after this long without a new one, in ms. */
  forgetMs: number;
}

/** Defaults: per account 3 free then 1 s, 2 s, 4 s … 15 min; per address 10 free, same growth. */
export const DEFAULT_RULES: Record<"account" | "address", ThrottleRule> = {
  account: { free: 3, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 },
  address: { free: 10, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 },
};

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

/** One attempt's identity: which account and from where. */
export interface AttemptKey {
  username: string;
  address: string;
}

/** The in-memory login throttle. */
export class LoginThrottle {
  #entries = new Map<string, Entry>();
  #rules: Record<"account" | "address", ThrottleRule>;
  #now: () => number;
  #maxEntries: number;

  constructor(
    opts: {
      rules?: Partial<Record<"account" | "address", ThrottleRule>>;
      now?: () => number;
      /** Bounds memory under a flood of distinct names; the oldest entries go first. */
      maxEntries?: number;
    } = {},
  ) {
    this.#rules = { ...DEFAULT_RULES, ...opts.rules };
    this.#now = opts.now ?? Date.now;
    this.#maxEntries = opts.maxEntries ?? 10_000;
  }

  #keys(k: AttemptKey): [string, ThrottleRule][] {
    return [
      // Lower-cased: user names are case-insensitive, so "Admin" and "admin" share a counter.
      [`u:${k.username.trim().toLowerCase()}`, this.#rules.account],
      [`a:${k.address}`, this.#rules.address],
    ];
  }

  #live(key: string, rule: ThrottleRule, now: number): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && now - e.lastFailureAt > rule.forgetMs && now >= e.lockedUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Seconds until another attempt is allowed (0 = allowed now). */
  retryAfter(k: AttemptKey): number {
    const now = this.#now();
    let until = 0;
    for (const [key, rule] of this.#keys(k)) {
      const e = this.#live(key, rule, now);
      if (e) until = Math.max(until, e.lockedUntil);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Records a failed attempt and returns the seconds until the next one is allowed. */
  fail(k: AttemptKey): number {
    const now = this.#now();
    for (const [key, rule] of this.#keys(k)) {
      const e = this.#live(key, rule, now) ?? { failures: 0, lockedUntil: 0, lastFailureAt: now };
      e.failures++;
      e.lastFailureAt = now;
      const over = e.failures - rule.free;
      if (over > 0) {
        e.lockedUntil = now + Math.min(rule.maxMs, rule.baseMs * 2 ** Math.min(over - 1, 30));
      }
      // Re-insert so Map order is least-recently-failed first, which is what eviction drops.
      this.#entries.delete(key);
      this.#entries.set(key, e);
    }
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return this.retryAfter(k);
  }

  /**
   * Clears the account's counter after a successful login. The address keeps its count so that
   * owning one account does not reset guessing against others from the same place.
   */
  succeed(k: AttemptKey): void {
    this.#entries.delete(this.#keys(k)[0][0]);
  }

  /** Number of tracked keys (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
