/** The incidents table: one row per DOWN period. */
import type { Check, Incident, IncidentType } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import { toIncident } from "../rows.ts";
import type { IncidentOptions } from "../records.ts";

type Row = Record<string, unknown>;

/** Opens an incident for the check that reached the failure threshold. */
export function openIncident(
  db: Db,
  check: Check,
  startedAt: number,
  failureCount: number,
  options?: IncidentOptions,
): Incident {
  return toIncident(
    stmt(
      db,
      `INSERT INTO incidents (monitor_id, type, started_at, confirmed_at, ended_at,
       last_failure_at, failure_count, error_kind, http_status, error_message)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      check.monitorId,
      options?.type ?? "down",
      startedAt,
      check.checkedAt,
      check.checkedAt,
      failureCount,
      options?.errorKind ?? check.errorKind ?? "network",
      check.httpStatus,
      options?.errorMessage ?? check.errorMessage ?? "",
    ) as Row,
  );
}

/** Records one more failed check in an open incident. */
export function extendIncident(db: Db, id: number, check: Check): Incident {
  return toIncident(
    stmt(
      db,
      `UPDATE incidents SET last_failure_at = ?, failure_count = failure_count + 1 WHERE id = ?
     RETURNING *`,
    ).get(check.checkedAt, id) as Row,
  );
}

/** Closes an incident at the time of the recovering check. */
export function closeIncident(db: Db, id: number, endedAt: number): Incident {
  return toIncident(
    stmt(db, "UPDATE incidents SET ended_at = ? WHERE id = ? RETURNING *").get(endedAt, id) as Row,
  );
}

/** One incident by id. */
export function getIncident(db: Db, id: number): Incident | null {
  const row = stmt(db, "SELECT * FROM incidents WHERE id = ?").get(id) as Row | undefined;
  return row ? toIncident(row) : null;
}

/** A monitor's incidents (of `type`, or all), newest first. */
export function listIncidents(
  db: Db,
  monitorId: number,
  limit = 100,
  type?: IncidentType,
): Incident[] {
  return (stmt(
    db,
    `SELECT * FROM incidents WHERE monitor_id = ? AND (? IS NULL OR type = ?)
     ORDER BY started_at DESC, id DESC LIMIT ?`,
  ).all(monitorId, type ?? null, type ?? null, limit) as Row[]).map(toIncident);
}
