/** The checks table: one row per probe. */
import type { Check, ProbeResult } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt, yieldToEventLoop } from "./statements.ts";
import { toCheck } from "../rows.ts";

type Row = Record<string, unknown>;

/** Stores one probe result. */
export function insertCheck(
  db: Db,
  monitorId: number,
  checkedAt: number,
  r: ProbeResult,
  maintenance = false,
): Check {
  const row = stmt(
    db,
    `INSERT INTO checks (monitor_id, checked_at, ok, latency_ms, http_status, error_kind,
       error_message, maintenance)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  ).get(
    monitorId,
    checkedAt,
    r.ok ? 1 : 0,
    r.latencyMs,
    r.httpStatus,
    r.errorKind,
    r.errorMessage,
    maintenance ? 1 : 0,
  ) as Row;
  return toCheck(row);
}

/** One check by id. */
export function getCheck(db: Db, id: number): Check | null {
  const row = stmt(db, "SELECT * FROM checks WHERE id = ?").get(id) as Row | undefined;
  return row ? toCheck(row) : null;
}

/** The newest `limit` checks of a monitor, newest first. */
export function recentChecks(db: Db, monitorId: number, limit: number): Check[] {
  return (stmt(
    db,
    "SELECT * FROM checks WHERE monitor_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?",
  ).all(monitorId, limit) as Row[]).map(toCheck);
}

/**
 * Deletes checks older than `before` in batches, yielding between them, so neither the writer
 * lock nor the event loop is held for long.
 */
export async function pruneChecks(db: Db, before: number, batch = 5000): Promise<number> {
  const del = stmt(
    db,
    "DELETE FROM checks WHERE id IN (SELECT id FROM checks WHERE checked_at < ? LIMIT ?)",
  );
  let total = 0;
  for (;;) {
    const n = Number(del.run(before, batch).changes);
    total += n;
    if (n < batch) return total;
    await yieldToEventLoop();
  }
}

/** Latencies of successful checks in [from, to), ascending (for percentiles). */
export function okLatencies(db: Db, monitorId: number, from: number, to: number): number[] {
  return (stmt(
    db,
    `SELECT latency_ms FROM checks WHERE monitor_id = ? AND checked_at >= ? AND checked_at < ?
     AND ok = 1 AND maintenance = 0 ORDER BY latency_ms`,
  ).all(monitorId, from, to) as Row[]).map((r) => r.latency_ms as number);
}
