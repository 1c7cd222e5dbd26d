/** The monitor_state table: the persisted health state that survives restarts. */
import type { MonitorState } from "../../types.ts";
import type { Q } from "./db.ts";
import { initialState } from "../records.ts";
import { toState } from "../rows.ts";

/** A monitor's state (the initial pending state when it has none yet). */
export async function getState(q: Q, monitorId: number, now = Date.now()): Promise<MonitorState> {
  const [r] = await q`SELECT * FROM monitor_state WHERE monitor_id = ${monitorId}`;
  return r ? toState(r) : initialState(monitorId, now);
}

/** Every stored state, keyed by monitor id (ascending). */
export async function allStates(q: Q): Promise<Map<number, MonitorState>> {
  const rows = await q`SELECT * FROM monitor_state ORDER BY monitor_id`;
  return new Map(rows.map((r) => [r.monitor_id as number, toState(r)]));
}

/** Inserts or replaces a monitor's state. */
export async function saveState(q: Q, s: MonitorState): Promise<void> {
  await q`INSERT INTO monitor_state (monitor_id, state, consecutive_failures, open_incident_id,
      last_check_id, last_checked_at, failing_since, changed_at, slow_checks,
      degraded_incident_id)
    VALUES (${s.monitorId}, ${s.state}, ${s.consecutiveFailures}, ${s.openIncidentId ?? null},
      ${s.lastCheckId ?? null}, ${s.lastCheckedAt ?? null}, ${s.failingSince ?? null},
      ${s.changedAt}, ${s.slowChecks}, ${s.degradedIncidentId ?? null})
    ON CONFLICT (monitor_id) DO UPDATE SET state = excluded.state,
      consecutive_failures = excluded.consecutive_failures,
      open_incident_id = excluded.open_incident_id, last_check_id = excluded.last_check_id,
      last_checked_at = excluded.last_checked_at, failing_since = excluded.failing_since,
      changed_at = excluded.changed_at, slow_checks = excluded.slow_checks,
      degraded_incident_id = excluded.degraded_incident_id`;
}
