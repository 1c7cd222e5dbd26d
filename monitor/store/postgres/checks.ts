/** The checks table: one row per probe. */
import type { Check, ProbeResult } from "../../types.ts";
import type { Q } from "./db.ts";
import { toCheck } from "../rows.ts";

/** Stores one probe result. */
export async function insertCheck(
  q: Q,
  monitorId: number,
  checkedAt: number,
  r: ProbeResult,
  maintenance = false,
): Promise<Check> {
  const [row] = await q`INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status,
      error_kind, error_message, maintenance)
    VALUES (${monitorId}, ${checkedAt}, ${r.ok}, ${r.latencyMs}, ${r.httpStatus ?? null},
      ${r.errorKind ?? null}, ${r.errorMessage ?? null}, ${maintenance})
    RETURNING *`;
  return toCheck(row);
}

/** One check by id. */
export async function getCheck(q: Q, id: number): Promise<Check | null> {
  const [r] = await q`SELECT * FROM checks WHERE id = ${id}`;
  return r ? toCheck(r) : null;
}

/** The newest `limit` checks of a monitor, newest first. */
export async function recentChecks(q: Q, monitorId: number, limit: number): Promise<Check[]> {
  const rows = await q`SELECT * FROM checks WHERE monitor_id = ${monitorId}
    ORDER BY checked_at DESC, id DESC LIMIT ${limit}`;
  return rows.map(toCheck);
}

/**
 * Deletes checks older than `before` in batches of `batch` rows, each its own statement (its own
 * commit outside a transaction), so no single statement holds locks on millions of rows.
 */
export async function pruneChecks(q: Q, before: number, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = (await q`DELETE FROM checks WHERE id IN (
        SELECT id FROM checks WHERE checked_at < ${before} LIMIT ${batch})`).count;
    total += n;
    if (n < batch) return total;
  }
}

/** Latencies of successful checks in [from, to), ascending (for percentiles). */
export async function okLatencies(
  q: Q,
  monitorId: number,
  from: number,
  to: number,
): Promise<number[]> {
  const rows = await q`SELECT latency_ms FROM checks WHERE monitor_id = ${monitorId}
    AND checked_at >= ${from} AND checked_at < ${to} AND ok AND NOT maintenance
    ORDER BY latency_ms`;
  return rows.map((r) => r.latency_ms as number);
}
