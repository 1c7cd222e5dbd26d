/** Administrator accounts and API tokens. */
import { StorageError } from "../store/health.ts";
import { type Store, StoreConflictError } from "../store/store.ts";
import type { ApiToken, User } from "../store/records.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";
import { isEmailAddress } from "../config.ts";
import { ValidationError } from "../errors.ts";
import { randomToken, sha256Hex } from "./tokens.ts";

export type { User } from "../store/records.ts";
export type { ApiToken } from "../store/records.ts";

// A precomputed hash so a login for an unknown user costs as much as for a known one.
let dummyHash: Promise<string> | null = null;

/** Users and tokens. */
export class Accounts {
  constructor(readonly store: Store) {}

  /** How many users exist (0 = the dashboard offers first-run setup). */
  userCount(): Promise<number> {
    return this.store.users.count();
  }

  /** Creates an administrator; throws ValidationError on a taken name or weak password. */
  async createUser(
    input: { username: string; password: string; email?: string | null },
  ): Promise<User> {
    const username = input.username.trim();
    const email = input.email?.trim() || null;
    const fields: Record<string, string> = {};
    if (!/^[\w.@+-]{1,150}$/.test(username)) {
      fields.username = "User name must be 1-150 letters, digits or . @ + - _";
    } else if (await this.findUser(username)) {
      fields.username = `User name "${username}" is already taken`;
    }
    const weak = passwordProblem(input.password, username);
    if (weak) fields.password = weak;
    if (email && !isEmailAddress(email)) fields.email = `"${email}" is not a valid email address`;
    if (Object.keys(fields).length) {
      throw new ValidationError(fields, Object.values(fields).join("; "));
    }
    const hash = await hashPassword(input.password);
    try {
      return await this.store.users.insert({
        username,
        email,
        passwordHash: hash,
        createdAt: Date.now(),
      });
    } catch (err) {
      // Lost a race with another creator of the same name.
      if (err instanceof StoreConflictError) {
        throw new ValidationError({ username: `User name "${username}" is already taken` });
      }
      throw err;
    }
  }

  /** A user by name (case-insensitive), or null. */
  findUser(username: string): Promise<User | null> {
    return this.store.users.findByName(username.trim());
  }

  /** A user by id, or null. */
  getUser(id: number): Promise<User | null> {
    return this.store.users.get(id);
  }

  /** The user when the password is right, else null; takes the same time either way. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const r = await this.store.users.findCredentials(username.trim());
    if (!r) {
      dummyHash ??= hashPassword("not-a-real-password-" + crypto.randomUUID());
      await verifyPassword(password, await dummyHash);
      return null;
    }
    return (await verifyPassword(password, r.passwordHash)) ? r.user : null;
  }

  /** Creates an API token and returns its secret once; only its hash is stored. */
  async createToken(name: string): Promise<{ token: string; info: ApiToken }> {
    const clean = name.trim();
    if (clean === "" || clean.length > 100) {
      throw new ValidationError({ name: "Token name must be 1-100 characters" });
    }
    const secret = "shc_" + randomToken();
    const info = await this.store.tokens.insert({
      name: clean,
      tokenHash: await sha256Hex(secret),
      prefix: secret.slice(0, 10),
      createdAt: Date.now(),
    });
    return { token: secret, info };
  }

  /** The token's metadata when `secret` is a valid token; records its use. */
  async verifyToken(secret: string): Promise<ApiToken | null> {
    if (!secret.startsWith("shc_") || secret.length > 200) return null;
    const t = await this.store.tokens.findByHash(await sha256Hex(secret));
    if (!t) return null;
    const now = Date.now();
    // Write at most once a minute per token: the API is hot, the timestamp is informational.
    // Best-effort: a locked or full database must not turn every authenticated read into an error.
    if ((t.lastUsedAt ?? 0) < now - 60_000) {
      try {
        await this.store.tokens.touch(t.id, now);
      } catch (err) {
        if (!StorageError.from(err)) throw err;
      }
    }
    return t;
  }

  /** Every token, newest first. */
  listTokens(): Promise<ApiToken[]> {
    return this.store.tokens.list();
  }

  /** Revokes a token; false when it did not exist. */
  revokeToken(id: number): Promise<boolean> {
    return this.store.tokens.delete(id);
  }
}
