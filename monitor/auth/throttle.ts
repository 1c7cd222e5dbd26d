/**
 * Slows down password guessing without letting a stranger lock the owner out.
 *
 * Every failed sign-in counts against three keys. Each key has a number of free failures; every
 * further one locks that key for an exponentially growing window (1 s, 2 s, 4 s … up to a cap):
 *
 * 1. **pair** (account + address), 3 free, up to 15 min: one address guessing one account. It only
 *    ever locks that address out of that account, so nobody else can trigger it for the owner.
 * 2. **address**, 10 free, up to 15 min: one address trying many account names.
 * 3. **account**, 20 free, up to 60 s: guessing one account from many addresses. Past its free
 *    failures it lets one attempt through per lock window, so a thousand addresses guess no
 *    faster than one (about one guess a minute), and the cap keeps the wait it imposes short.
 *
 * An address that has signed in to an account is remembered (in memory, for 30 days) and is
 * exempt from rules 2 and 3 for that account: attackers elsewhere cannot delay the owner where
 * they signed in before. Rule 1 still applies there, so it does not make that address a free
 * guessing spot. From a new address the owner waits at most rule 3's cap per attempt, but while a
 * distributed attack is running they compete with it for those attempts: bounding the attack
 * means a new address cannot be told apart from one more attacker.
 *
 * A success clears only its pair: resetting the account counter would hand a running attack
 * another 20 free guesses each time the owner signs in.
 *
 * Attempts still being checked count as failures until they finish ({@link LoginThrottle.begin}),
 * so concurrent requests cannot all slip through while the password hashes run. Once that could
 * use up a key's free failures, the key admits one attempt at a time.
 *
 * Memory is bounded: at most `maxEntries` failure counters (split between the three kinds, so a
 * flood of one kind cannot evict the others; the least recently failed go first) and `maxKnown`
 * remembered addresses, which only a correct password can add. A restart forgives everyone and
 * forgets known addresses, which is acceptable for a single-process service.
 *
 * The address is the TCP peer: behind a reverse proxy every client shares the proxy's address,
 * and the pair rule then behaves like a plain per-account lock.
 */

/** The three kinds of key, in the order a refusal is reported when their waits tie. */
export type RuleName = "pair" | "address" | "account";
const RULE_NAMES: readonly RuleName[] = ["pair", "address", "account"];

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

/** The defaults described in the module comment. */
export const DEFAULT_RULES: Record<RuleName, ThrottleRule> = {
  pair: { free: 3, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 },
  address: { free: 10, baseMs: 1000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 },
  account: { free: 20, baseMs: 1000, maxMs: 60_000, forgetMs: 60 * 60_000 },
};

/** How long an address stays known after its last successful sign-in: 30 days. */
export const DEFAULT_KNOWN_MS = 30 * 24 * 3_600_000;

/** What a refused attempt is told while another attempt on the same key is still checked. */
const IN_FLIGHT_RETRY_MS = 1000;

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

/** Why an attempt has to wait, and for how long. */
export interface Refusal {
  /** Seconds until another attempt is allowed (at least 1). */
  retryAfter: number;
  /** The rule that holds it back the longest. */
  rule: RuleName;
}

/** An attempt let through by {@link LoginThrottle.begin}; report its outcome once. */
export interface Attempt {
  /** Records the failure; returns the lock now in force for this key, if any. */
  fail(): Refusal | null;
  /** Records the success: clears the pair and remembers the address for the account. */
  succeed(): void;
  /** Releases the attempt without an outcome (the check itself failed). */
  abandon(): void;
}

/** The answer of {@link LoginThrottle.begin}. */
export type Admission = { ok: true; attempt: Attempt } | ({ ok: false } & Refusal);

/** The in-memory login throttle. */
export class LoginThrottle {
  #entries: Record<RuleName, Map<string, Entry>> = {
    pair: new Map(),
    address: new Map(),
    account: new Map(),
  };
  /** Pair key → time of its last successful sign-in, least recent first. */
  #known = new Map<string, number>();
  /** `rule:key` → attempts admitted and not yet finished. */
  #inFlight = new Map<string, number>();
  #rules: Record<RuleName, ThrottleRule>;
  #now: () => number;
  #maxPerKind: number;
  #maxKnown: number;
  #knownMs: number;

  constructor(
    opts: {
      rules?: Partial<Record<RuleName, ThrottleRule>>;
      now?: () => number;
      /** Bounds the failure counters under a flood of distinct names and addresses. */
      maxEntries?: number;
      /** Bounds the remembered (account, address) pairs that signed in. */
      maxKnown?: number;
      /** How long a successful address stays exempt, in ms. */
      knownMs?: number;
    } = {},
  ) {
    this.#rules = { ...DEFAULT_RULES, ...opts.rules };
    this.#now = opts.now ?? Date.now;
    this.#maxPerKind = Math.max(1, Math.floor((opts.maxEntries ?? 30_000) / RULE_NAMES.length));
    this.#maxKnown = opts.maxKnown ?? 1000;
    this.#knownMs = opts.knownMs ?? DEFAULT_KNOWN_MS;
  }

  /** The key of each rule for an attempt. */
  #keys(k: AttemptKey): Record<RuleName, string> {
    // Lower-cased: user names are case-insensitive, so "Admin" and "admin" share a counter.
    const account = k.username.trim().toLowerCase();
    // A newline cannot occur in a user name or an address, so pairs cannot collide.
    return { pair: `${account}\n${k.address}`, address: k.address, account };
  }

  /** The rules an attempt must respect: a known address answers to its pair rule only. */
  #gates(k: AttemptKey, now: number): [RuleName, string][] {
    const keys = this.#keys(k);
    const rules = this.#isKnown(keys.pair, now) ? (["pair"] as const) : RULE_NAMES;
    return rules.map((rule) => [rule, keys[rule]]);
  }

  #isKnown(pair: string, now: number): boolean {
    const at = this.#known.get(pair);
    if (at === undefined) return false;
    if (now - at <= this.#knownMs) return true;
    this.#known.delete(pair);
    return false;
  }

  #live(rule: RuleName, key: string, now: number): Entry | undefined {
    const map = this.#entries[rule];
    const e = map.get(key);
    if (e && now - e.lastFailureAt > this.#rules[rule].forgetMs && now >= e.lockedUntil) {
      map.delete(key);
      return undefined;
    }
    return e;
  }

  /** The longest wait among the attempt's rules, counting in-flight attempts when asked. */
  #refusal(k: AttemptKey, now: number, countInFlight: boolean): Refusal | null {
    let worst: Refusal | null = null;
    for (const [rule, key] of this.#gates(k, now)) {
      const e = this.#live(rule, key, now);
      let until = e?.lockedUntil ?? 0;
      const inFlight = countInFlight ? this.#inFlight.get(`${rule}:${key}`) ?? 0 : 0;
      // If every attempt still being checked fails, would this one be past the free failures?
      if (until <= now && inFlight > 0 && (e?.failures ?? 0) + inFlight >= this.#rules[rule].free) {
        until = now + IN_FLIGHT_RETRY_MS;
      }
      if (until <= now) continue;
      const retryAfter = Math.ceil((until - now) / 1000);
      if (!worst || retryAfter > worst.retryAfter) worst = { retryAfter, rule };
    }
    return worst;
  }

  /** Seconds until another attempt is allowed (0 = allowed now). */
  retryAfter(k: AttemptKey): number {
    return this.#refusal(k, this.#now(), true)?.retryAfter ?? 0;
  }

  /**
   * Admits an attempt or says how long to wait. An admitted attempt holds its place until it
   * reports an outcome, so call exactly one of its methods (use `abandon` in a `finally`).
   */
  begin(k: AttemptKey): Admission {
    const now = this.#now();
    const refusal = this.#refusal(k, now, true);
    if (refusal) return { ok: false, ...refusal };
    const slots = this.#gates(k, now).map(([rule, key]) => `${rule}:${key}`);
    for (const s of slots) this.#inFlight.set(s, (this.#inFlight.get(s) ?? 0) + 1);
    let done = false;
    const finish = () => {
      if (done) return false;
      done = true;
      for (const s of slots) {
        const n = (this.#inFlight.get(s) ?? 1) - 1;
        if (n > 0) this.#inFlight.set(s, n);
        else this.#inFlight.delete(s);
      }
      return true;
    };
    return {
      ok: true,
      attempt: {
        fail: () => {
          if (!finish()) return null;
          this.#recordFailure(k);
          return this.#refusal(k, this.#now(), false);
        },
        succeed: () => {
          if (finish()) this.succeed(k);
        },
        abandon: () => void finish(),
      },
    };
  }

  /** Records a failed attempt and returns the seconds until the next one is allowed. */
  fail(k: AttemptKey): number {
    this.#recordFailure(k);
    return this.#refusal(k, this.#now(), false)?.retryAfter ?? 0;
  }

  /** Counts a failure against all three keys, including a known address's. */
  #recordFailure(k: AttemptKey): void {
    const now = this.#now();
    const keys = this.#keys(k);
    for (const rule of RULE_NAMES) {
      const r = this.#rules[rule];
      const map = this.#entries[rule];
      const e = this.#live(rule, keys[rule], now) ??
        { failures: 0, lockedUntil: 0, lastFailureAt: now };
      e.failures++;
      e.lastFailureAt = now;
      const over = e.failures - r.free;
      if (over > 0) {
        e.lockedUntil = Math.max(
          e.lockedUntil,
          now + Math.min(r.maxMs, r.baseMs * 2 ** Math.min(over - 1, 30)),
        );
      }
      // Re-insert so Map order is least-recently-failed first, which is what eviction drops.
      map.delete(keys[rule]);
      map.set(keys[rule], e);
      while (map.size > this.#maxPerKind) map.delete(map.keys().next().value!);
    }
  }

  /**
   * Records a successful sign-in: clears the pair's counter and remembers the address for the
   * account. The address and account counters keep their counts (see the module comment).
   */
  succeed(k: AttemptKey): void {
    const pair = this.#keys(k).pair;
    this.#entries.pair.delete(pair);
    this.#known.delete(pair);
    this.#known.set(pair, this.#now());
    while (this.#known.size > this.#maxKnown) this.#known.delete(this.#known.keys().next().value!);
  }

  /** Number of tracked failure counters (for tests). */
  get size(): number {
    return RULE_NAMES.reduce((n, rule) => n + this.#entries[rule].size, 0);
  }

  /** Number of remembered (account, address) pairs (for tests). */
  get knownSize(): number {
    return this.#known.size;
  }
}
