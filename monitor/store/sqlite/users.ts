/** The users table: dashboard administrator accounts. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { User } from "../records.ts";
import { StoreConflictError } from "../store.ts";
import { toUser } from "../rows.ts";

type Row = Record<string, unknown>;

/** How many users exist. */
export function countUsers(db: Db): number {
  return (stmt(db, "SELECT count(*) AS n FROM users").get() as Row).n as number;
}

/**
 * Inserts an administrator and returns it; `passwordHash` is the encoded hash from
 * monitor/auth/passwords.ts. Throws {@link StoreConflictError} on a taken name.
 */
export function insertUser(
  db: Db,
  u: { username: string; email: string | null; passwordHash: string; createdAt: number },
): User {
  try {
    return toUser(
      stmt(
        db,
        `INSERT INTO users (username, email, password_hash, is_admin, created_at)
       VALUES (?, ?, ?, 1, ?) RETURNING *`,
      ).get(u.username, u.email, u.passwordHash, u.createdAt) as Row,
    );
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw new StoreConflictError("users.username");
    throw err;
  }
}

/** A user by exact name, or null. */
export function findUserByName(db: Db, username: string): User | null {
  const r = stmt(db, "SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
  return r ? toUser(r) : null;
}

/** A user by id, or null. */
export function getUserById(db: Db, id: number): User | null {
  const r = stmt(db, "SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
  return r ? toUser(r) : null;
}

/** A user by exact name together with its stored password hash, or null. */
export function findUserCredentials(
  db: Db,
  username: string,
): { user: User; passwordHash: string } | null {
  const r = stmt(db, "SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
  return r ? { user: toUser(r), passwordHash: r.password_hash as string } : null;
}
