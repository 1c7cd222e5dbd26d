/** The api_tokens table: API token metadata, keyed by a hash of the secret. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { ApiToken } from "../records.ts";
import { toToken } from "../rows.ts";

type Row = Record<string, unknown>;

/** Stores a token; `tokenHash` is the SHA-256 hex of the secret. */
export function insertToken(
  db: Db,
  t: { name: string; tokenHash: string; prefix: string; createdAt: number },
): ApiToken {
  return toToken(
    stmt(
      db,
      "INSERT INTO api_tokens (name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?) RETURNING *",
    ).get(t.name, t.tokenHash, t.prefix, t.createdAt) as Row,
  );
}

/** The token with this secret hash, or null. */
export function findTokenByHash(db: Db, tokenHash: string): ApiToken | null {
  const r = stmt(db, "SELECT * FROM api_tokens WHERE token_hash = ?").get(tokenHash) as
    | Row
    | undefined;
  return r ? toToken(r) : null;
}

/** Records a token's use at `now`. */
export function touchToken(db: Db, id: number, now: number): void {
  stmt(db, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(now, id);
}

/** Every token, newest first. */
export function listTokens(db: Db): ApiToken[] {
  return (stmt(db, "SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC").all() as Row[])
    .map(toToken);
}

/** Deletes a token by id; true when it existed. */
export function deleteToken(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM api_tokens WHERE id = ?").run(id).changes) > 0;
}
