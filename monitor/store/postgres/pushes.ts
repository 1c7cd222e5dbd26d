/** The push_state table: push monitors' ping tokens and timing. */
import type { Q } from "./db.ts";
import type { PushState } from "../records.ts";
import { toPushState } from "../rows.ts";

/** A push monitor's state, or null when it has none. */
export async function getPush(q: Q, monitorId: number): Promise<PushState | null> {
  const [r] = await q`SELECT * FROM push_state WHERE monitor_id = ${monitorId}`;
  return r ? toPushState(r) : null;
}

/** The state holding ping token `token`, or null. */
export async function pushByToken(q: Q, token: string): Promise<PushState | null> {
  const [r] = await q`SELECT * FROM push_state WHERE token = ${token}`;
  return r ? toPushState(r) : null;
}

/** Every push state, keyed by monitor id. */
export async function allPushes(q: Q): Promise<Map<number, PushState>> {
  const rows = await q`SELECT * FROM push_state ORDER BY monitor_id`;
  return new Map(rows.map((r) => [r.monitor_id as number, toPushState(r)]));
}

/** Inserts or replaces a push monitor's state. */
export async function savePush(q: Q, s: PushState): Promise<void> {
  await q`INSERT INTO push_state (monitor_id, token, last_ping_at, last_ping_ok, started_at,
      last_duration_ms, late_expected_at)
    VALUES (${s.monitorId}, ${s.token}, ${s.lastPingAt}, ${s.lastPingOk}, ${s.startedAt},
      ${s.lastDurationMs}, ${s.lateExpectedAt})
    ON CONFLICT (monitor_id) DO UPDATE SET token = excluded.token,
      last_ping_at = excluded.last_ping_at, last_ping_ok = excluded.last_ping_ok,
      started_at = excluded.started_at, last_duration_ms = excluded.last_duration_ms,
      late_expected_at = excluded.late_expected_at`;
}
