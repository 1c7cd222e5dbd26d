/** The push_state table: push monitors' ping tokens and timing. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { PushState } from "../records.ts";
import { toPushState } from "../rows.ts";

type Row = Record<string, unknown>;

/** A push monitor's state, or null when it has none. */
export function getPush(db: Db, monitorId: number): PushState | null {
  const row = stmt(db, "SELECT * FROM push_state WHERE monitor_id = ?").get(monitorId) as
    | Row
    | undefined;
  return row ? toPushState(row) : null;
}

/** The state holding ping token `token`, or null. */
export function pushByToken(db: Db, token: string): PushState | null {
  const row = stmt(db, "SELECT * FROM push_state WHERE token = ?").get(token) as Row | undefined;
  return row ? toPushState(row) : null;
}

/** Every push state, keyed by monitor id. */
export function allPushes(db: Db): Map<number, PushState> {
  const rows = stmt(db, "SELECT * FROM push_state ORDER BY monitor_id").all() as Row[];
  return new Map(rows.map((r) => [r.monitor_id as number, toPushState(r)]));
}

/** Inserts or replaces a push monitor's state. */
export function savePush(db: Db, s: PushState): void {
  stmt(
    db,
    `INSERT INTO push_state (monitor_id, token, last_ping_at, last_ping_ok, started_at,
       last_duration_ms, late_expected_at)
     VALUES (:monitor_id, :token, :last_ping_at, :last_ping_ok, :started_at, :last_duration_ms,
       :late_expected_at)
     ON CONFLICT (monitor_id) DO UPDATE SET token = excluded.token,
       last_ping_at = excluded.last_ping_at, last_ping_ok = excluded.last_ping_ok,
       started_at = excluded.started_at, last_duration_ms = excluded.last_duration_ms,
       late_expected_at = excluded.late_expected_at`,
  ).run({
    monitor_id: s.monitorId,
    token: s.token,
    last_ping_at: s.lastPingAt,
    last_ping_ok: s.lastPingOk === null ? null : s.lastPingOk ? 1 : 0,
    started_at: s.startedAt,
    last_duration_ms: s.lastDurationMs,
    late_expected_at: s.lateExpectedAt,
  });
}
