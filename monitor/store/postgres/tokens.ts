/** The api_tokens table: API token metadata, keyed by a hash of the secret. */
import type { Q } from "./db.ts";
import type { ApiToken } from "../records.ts";
import { toToken } from "../rows.ts";

/** Stores a token; `tokenHash` is the SHA-256 hex of the secret. */
export async function insertToken(
  q: Q,
  t: { name: string; tokenHash: string; prefix: string; createdAt: number },
): Promise<ApiToken> {
  const [r] = await q`INSERT INTO api_tokens (name, token_hash, prefix, created_at)
    VALUES (${t.name}, ${t.tokenHash}, ${t.prefix}, ${t.createdAt}) RETURNING *`;
  return toToken(r);
}

/** The token with this secret hash, or null. */
export async function findTokenByHash(q: Q, tokenHash: string): Promise<ApiToken | null> {
  const [r] = await q`SELECT * FROM api_tokens WHERE token_hash = ${tokenHash}`;
  return r ? toToken(r) : null;
}

/** Records a token's use at `now`. */
export async function touchToken(q: Q, id: number, now: number): Promise<void> {
  await q`UPDATE api_tokens SET last_used_at = ${now} WHERE id = ${id}`;
}

/** Every token, newest first. */
export async function listTokens(q: Q): Promise<ApiToken[]> {
  const rows = await q`SELECT * FROM api_tokens ORDER BY created_at DESC, id DESC`;
  return rows.map(toToken);
}

/** Deletes a token by id; true when it existed. */
export async function deleteToken(q: Q, id: number): Promise<boolean> {
  return (await q`DELETE FROM api_tokens WHERE id = ${id}`).count > 0;
}
