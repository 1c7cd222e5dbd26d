/** The users table: dashboard administrator accounts. */
import type { Q } from "./db.ts";
import type { User } from "../records.ts";
import { StoreConflictError } from "../store.ts";
import { sqlState } from "./errors.ts";
import { toUser } from "../rows.ts";

/** How many users exist. */
export async function countUsers(q: Q): Promise<number> {
  const [r] = await q`SELECT count(*) AS n FROM users`;
  return r.n as number;
}

/** A new user's fields. */
export interface NewUser {
  username: string;
  email: string | null;
  passwordHash: string;
  createdAt: number;
}

/**
 * Inserts an administrator and returns it. Throws {@link StoreConflictError} when the name is
 * taken (case-insensitively, ASCII letters only, as SQLite's NOCASE).
 */
export async function insertUser(q: Q, u: NewUser): Promise<User> {
  try {
    const [r] = await q`INSERT INTO users (username, email, password_hash, is_admin, created_at)
      VALUES (${u.username}, ${u.email ?? null}, ${u.passwordHash}, true, ${u.createdAt})
      RETURNING *`;
    return toUser(r);
  } catch (err) {
    if (sqlState(err) === "23505") throw new StoreConflictError("users.username");
    throw err;
  }
}

/** A user by name (case-insensitively, as SQLite's NOCASE column), or null. */
export async function findUserByName(q: Q, username: string): Promise<User | null> {
  const [r] = await q`SELECT * FROM users
    WHERE lower(username COLLATE "C") = lower(${username}::text COLLATE "C")`;
  return r ? toUser(r) : null;
}

/** A user by id, or null. */
export async function getUserById(q: Q, id: number): Promise<User | null> {
  const [r] = await q`SELECT * FROM users WHERE id = ${id}`;
  return r ? toUser(r) : null;
}

/** A user by name (case-insensitively) together with its stored password hash, or null. */
export async function findUserCredentials(
  q: Q,
  username: string,
): Promise<{ user: User; passwordHash: string } | null> {
  const [r] = await q`SELECT * FROM users
    WHERE lower(username COLLATE "C") = lower(${username}::text COLLATE "C")`;
  return r ? { user: toUser(r), passwordHash: r.password_hash as string } : null;
}
