/** Dashboard sessions: random cookie tokens whose SHA-256 is stored. */
import type { Store } from "../store/store.ts";
import { randomToken, sha256Hex } from "./tokens.ts";

/** A verified session. */
export interface Session {
  id: number;
  userId: number;
  username: string;
  /** Per-session secret that every state-changing dashboard request must echo. */
  csrfToken: string;
  expiresAt: number;
}

/** What `create()` returns: the cookie value exists only here, never in the database. */
export interface NewSession {
  token: string;
  session: Session;
}

/** Creates, verifies and ends sessions. */
export class Sessions {
  #store: Store;
  #ttlMs: number;
  #now: () => number;

  constructor(store: Store, opts: { ttlHours: number; now?: () => number }) {
    this.#store = store;
    this.#ttlMs = opts.ttlHours * 3_600_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Lifetime of a new session in seconds (the cookie's Max-Age). */
  get ttlSeconds(): number {
    return Math.floor(this.#ttlMs / 1000);
  }

  /** Starts a session for `userId`; expired sessions are swept at the same time. */
  async create(userId: number, username: string): Promise<NewSession> {
    const now = this.#now();
    // Logins are rare, so sweeping here keeps the table small without a cron job.
    await this.#store.sessions.prune(now);
    const token = randomToken();
    const csrfToken = randomToken();
    const expiresAt = now + this.#ttlMs;
    const id = await this.#store.sessions.insert({
      tokenHash: await sha256Hex(token),
      userId,
      csrfToken,
      createdAt: now,
      expiresAt,
    });
    return { token, session: { id, userId, username, csrfToken, expiresAt } };
  }

  /** The live session for a cookie value, or null (unknown, expired or malformed). */
  async verify(token: string): Promise<Session | null> {
    // Cheap rejection of junk before hashing; our tokens are 43 URL-safe characters.
    if (!/^[\w-]{20,100}$/.test(token)) return null;
    const row = await this.#store.sessions.find(await sha256Hex(token), this.#now());
    return row
      ? {
        id: row.id,
        userId: row.userId,
        username: row.username,
        csrfToken: row.csrfToken,
        expiresAt: row.expiresAt,
      }
      : null;
  }

  /** Ends the session for a cookie value; true when one existed. */
  async end(token: string): Promise<boolean> {
    if (!/^[\w-]{20,100}$/.test(token)) return false;
    return await this.#store.sessions.delete(await sha256Hex(token));
  }
}
