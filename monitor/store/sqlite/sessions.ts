/** The sessions table: dashboard logins, keyed by a hash of the cookie token. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { SessionRow } from "../records.ts";

type Row = Record<string, unknown>;

/** Stores a session; `tokenHash` is the SHA-256 hex of the cookie value. */
export function insertSession(
  db: Db,
  s: { tokenHash: string; userId: number; csrfToken: string; createdAt: number; expiresAt: number },
): number {
  const row = stmt(
    db,
    `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?) RETURNING id`,
  ).get(s.tokenHash, s.userId, s.csrfToken, s.createdAt, s.expiresAt) as Row;
  return row.id as number;
}

/** The unexpired session with this token hash, or null. */
export function findSession(db: Db, tokenHash: string, now: number): SessionRow | null {
  const r = stmt(
    db,
    `SELECT s.id, s.user_id, u.username, s.csrf_token, s.created_at, s.expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ?`,
  ).get(tokenHash, now) as Row | undefined;
  if (!r) return null;
  return {
    id: r.id as number,
    userId: r.user_id as number,
    username: r.username as string,
    csrfToken: r.csrf_token as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
  };
}

/** Deletes one session by token hash; true when it existed. */
export function deleteSession(db: Db, tokenHash: string): boolean {
  return Number(stmt(db, "DELETE FROM sessions WHERE token_hash = ?").run(tokenHash).changes) > 0;
}

/** Deletes sessions that expired before `now`; returns how many. */
export function pruneSessions(db: Db, now: number): number {
  return Number(stmt(db, "DELETE FROM sessions WHERE expires_at <= ?").run(now).changes);
}
