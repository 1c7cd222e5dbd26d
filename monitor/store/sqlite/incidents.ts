/** The incidents table: one row per DOWN period. */
import type { Check, ErrorKind, Incident } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";

type Row = Record<string, unknown>;

function toIncident(r: Row): Incident {
  return {
    id: r.id as number,
    monitorId: r.monitor_id as number,
    startedAt: r.started_at as number,
    confirmedAt: r.confirmed_at as number,
    endedAt: (r.ended_at as number | null) ?? null,
    lastFailureAt: r.last_failure_at as number,
    failureCount: r.failure_count as number,
    errorKind: r.error_kind as ErrorKind,
    httpStatus: (r.http_status as number | null) ?? null,
    errorMessage: r.error_message as string,
  };
}

/** Opens an incident for the check that reached the failure threshold. */
export function openIncident(
  db: Db,
  check: Check,
  startedAt: number,
  failureCount: number,
): Incident {
  return toIncident(
    stmt(
      db,
      `INSERT INTO incidents (monitor_id, started_at, confirmed_at, ended_at, last_failure_at,
       failure_count, error_kind, http_status, error_message)
     VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      check.monitorId,
      startedAt,
      check.checkedAt,
      check.checkedAt,
      failureCount,
      check.errorKind ?? "network",
      check.httpStatus,
      check.errorMessage ?? "",
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

/** A monitor's incidents, newest first. */
export function listIncidents(db: Db, monitorId: number, limit = 100): Incident[] {
  return (stmt(
    db,
    "SELECT * FROM incidents WHERE monitor_id = ? ORDER BY started_at DESC, id DESC LIMIT ?",
  ).all(monitorId, limit) as Row[]).map(toIncident);
}
