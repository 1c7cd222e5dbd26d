/** The monitor_state table: the persisted health state that survives restarts. */
import type { MonitorState } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import { initialState } from "../records.ts";
import { toState } from "../rows.ts";

type Row = Record<string, unknown>;

/** A monitor's state (the initial pending state when it has none yet). */
export function getState(db: Db, monitorId: number, now = Date.now()): MonitorState {
  const row = stmt(db, "SELECT * FROM monitor_state WHERE monitor_id = ?").get(monitorId) as
    | Row
    | undefined;
  return row ? toState(row) : initialState(monitorId, now);
}

/** Every stored state, keyed by monitor id. */
export function allStates(db: Db): Map<number, MonitorState> {
  const rows = stmt(db, "SELECT * FROM monitor_state").all() as Row[];
  return new Map(rows.map((r) => [r.monitor_id as number, toState(r)]));
}

/** Inserts or replaces a monitor's state. */
export function saveState(db: Db, s: MonitorState): void {
  stmt(
    db,
    `INSERT INTO monitor_state (monitor_id, state, consecutive_failures, open_incident_id,
       last_check_id, last_checked_at, failing_since, changed_at, slow_checks,
       degraded_incident_id)
     VALUES (:monitor_id, :state, :consecutive_failures, :open_incident_id, :last_check_id,
       :last_checked_at, :failing_since, :changed_at, :slow_checks, :degraded_incident_id)
     ON CONFLICT (monitor_id) DO UPDATE SET state = excluded.state,
       consecutive_failures = excluded.consecutive_failures,
       open_incident_id = excluded.open_incident_id, last_check_id = excluded.last_check_id,
       last_checked_at = excluded.last_checked_at, failing_since = excluded.failing_since,
       changed_at = excluded.changed_at, slow_checks = excluded.slow_checks,
       degraded_incident_id = excluded.degraded_incident_id`,
  ).run({
    monitor_id: s.monitorId,
    state: s.state,
    consecutive_failures: s.consecutiveFailures,
    open_incident_id: s.openIncidentId,
    last_check_id: s.lastCheckId,
    last_checked_at: s.lastCheckedAt,
    failing_since: s.failingSince,
    changed_at: s.changedAt,
    slow_checks: s.slowChecks,
    degraded_incident_id: s.degradedIncidentId,
  });
}
