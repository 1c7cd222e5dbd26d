/** Administrator accounts and API tokens. */
import type { Db } from "../store/db.ts";
import { StorageError } from "../store/health.ts";
import { stmt } from "../store/statements.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.ts";
import { isEmailAddress } from "../config.ts";
import { ValidationError } from "../errors.ts";
import { randomToken, sha256Hex } from "./tokens.ts";

/** A user account (never carries the hash outside this module). */
export interface User {
  id: number;
  username: string;
  email: string | null;
  isAdmin: boolean;
  createdAt: number;
}

/** An API token's metadata. */
export interface ApiToken {
  id: number;
  name: string;
  /** The first characters, to recognise a token in lists. */
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
}

type Row = Record<string, unknown>;

const toUser = (r: Row): User => ({
  id: r.id as number,
  username: r.username as string,
  email: (r.email as string | null) ?? null,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at as number,
});

const toToken = (r: Row): ApiToken => ({
  id: r.id as number,
  name: r.name as string,
  prefix: r.prefix as string,
  createdAt: r.created_at as number,
  lastUsedAt: (r.last_used_at as number | null) ?? null,
});

// A precomputed hash so a login for an unknown user costs as much as for a known one.
let dummyHash: Promise<string> | null = null;

/** Users and tokens. */
export class Accounts {
  constructor(readonly db: Db) {}

  /** How many users exist (0 = the dashboard offers first-run setup). */
  userCount(): number {
    return (stmt(this.db, "SELECT count(*) AS n FROM users").get() as Row).n as number;
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
    } else if (this.findUser(username)) {
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
      return toUser(
        stmt(
          this.db,
          `INSERT INTO users (username, email, password_hash, is_admin, created_at)
         VALUES (?, ?, ?, 1, ?) RETURNING *`,
        ).get(username, email, hash, Date.now()) as Row,
      );
    } catch (err) {
      // Lost a race with another creator of the same name.
      if (String(err).includes("UNIQUE")) {
        throw new ValidationError({ username: `User name "${username}" is already taken` });
      }
      throw err;
    }
  }

  /** A user by name (case-insensitive), or null. */
  findUser(username: string): User | null {
    const r = stmt(this.db, "SELECT * FROM users WHERE username = ?").get(username.trim()) as
      | Row
      | undefined;
    return r ? toUser(r) : null;
  }

  /** A user by id, or null. */
  getUser(id: number): User | null {
    const r = stmt(this.db, "SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
    return r ? toUser(r) : null;
  }

  /** The user when the password is right, else null; takes the same time either way. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const r = stmt(this.db, "SELECT * FROM users WHERE username = ?").get(username.trim()) as
      | Row
      | undefined;
    if (!r) {
      dummyHash ??= hashPassword("not-a-real-password-" + crypto.randomUUID());
      await verifyPassword(password, await dummyHash);
      return null;
    }
    return (await verifyPassword(password, r.password_hash as string)) ? toUser(r) : null;
  }

  /** Creates an API token and returns its secret once; only its hash is stored. */
  async createToken(name: string): Promise<{ token: string; info: ApiToken }> {
    const clean = name.trim();
    if (clean === "" || clean.length > 100) {
      throw new ValidationError({ name: "Token name must be 1-100 characters" });
    }
    const secret = "shc_" + randomToken();
    const info = toToken(
      stmt(
        this.db,
        "INSERT INTO api_tokens (name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?) RETURNING *",
      ).get(clean, await sha256Hex(secret), secret.slice(0, 10), Date.now()) as Row,
    );
    return { token: secret, info };
  }

  /** The token's metadata when `secret` is a valid token; records its use. */
  async verifyToken(secret: string): Promise<ApiToken | null> {
    if (!secret.startsWith("shc_") || secret.length > 200) return null;
    const r = stmt(this.db, "SELECT * FROM api_tokens WHERE token_hash = ?").get(
      await sha256Hex(secret),
    ) as
      | Row
      | undefined;
    if (!r) return null;
    const now = Date.now();
    // Write at most once a minute per token: the API is hot, the timestamp is informational.
    // Best-effort: a locked or full database must not turn every authenticated read into an error.
    if (((r.last_used_at as number | null) ?? 0) < now - 60_000) {
      try {
        stmt(this.db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(
          now,
          r.id as number,
        );
      } catch (err) {
        if (!StorageError.from(err)) throw err;
      }
    }
    return toToken(r);
  }

  /** Every token, newest first. */
  listTokens(): ApiToken[] {
    return (stmt(this.db, "SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC")
      .all() as Row[]).map(
        toToken,
      );
  }

  /** Revokes a token; false when it did not exist. */
  revokeToken(id: number): boolean {
    return Number(stmt(this.db, "DELETE FROM api_tokens WHERE id = ?").run(id).changes) > 0;
  }
}
