/** The sessions table: dashboard logins, keyed by a hash of the cookie token. */
import type { Q } from "./db.ts";
import type { SessionRow } from "../records.ts";

/** Stores a session; `tokenHash` is the SHA-256 hex of the cookie value. Returns its id. */
export async function insertSession(
  q: Q,
  s: { tokenHash: string; userId: number; csrfToken: string; createdAt: number; expiresAt: number },
): Promise<number> {
  const [r] = await q`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,
      expires_at)
    VALUES (${s.tokenHash}, ${s.userId}, ${s.csrfToken}, ${s.createdAt}, ${s.expiresAt})
    RETURNING id`;
  return r.id as number;
}

/** The unexpired session with this token hash, or null. */
export async function findSession(
  q: Q,
  tokenHash: string,
  now: number,
): Promise<SessionRow | null> {
  const [r] = await q`SELECT s.id, s.user_id, u.username, s.csrf_token, s.created_at,
      s.expires_at
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now}`;
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
export async function deleteSession(q: Q, tokenHash: string): Promise<boolean> {
  return (await q`DELETE FROM sessions WHERE token_hash = ${tokenHash}`).count > 0;
}

/** Deletes sessions that expired at or before `now`; returns how many. */
export async function pruneSessions(q: Q, now: number): Promise<number> {
  return (await q`DELETE FROM sessions WHERE expires_at <= ${now}`).count;
}
