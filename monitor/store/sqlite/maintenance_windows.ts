/** The maintenance_windows and maintenance_suppressed tables. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import type { MaintenanceWindow } from "../../types.ts";
import type { MaintenanceFields, SuppressedDown } from "../records.ts";
import { toMaintenanceWindow, toSuppressedDown } from "../rows.ts";

type Row = Record<string, unknown>;

/** Every window, by name. */
export function listWindows(db: Db): MaintenanceWindow[] {
  return (stmt(db, "SELECT * FROM maintenance_windows ORDER BY name, id").all() as Row[])
    .map(toMaintenanceWindow);
}

/** One window, or null. */
export function getWindow(db: Db, id: number): MaintenanceWindow | null {
  const r = stmt(db, "SELECT * FROM maintenance_windows WHERE id = ?").get(id) as Row | undefined;
  return r ? toMaintenanceWindow(r) : null;
}

/** Stores a new window. */
export function insertWindow(db: Db, f: MaintenanceFields, now: number): MaintenanceWindow {
  return toMaintenanceWindow(
    stmt(
      db,
      `INSERT INTO maintenance_windows (name, description, monitor_ids, schedule, created_at,
         updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      f.name,
      f.description,
      JSON.stringify(f.monitorIds),
      JSON.stringify(f.schedule),
      now,
      now,
    ) as Row,
  );
}

/** Replaces a window's fields; null when missing. */
export function updateWindow(
  db: Db,
  id: number,
  f: MaintenanceFields,
  now: number,
): MaintenanceWindow | null {
  const r = stmt(
    db,
    `UPDATE maintenance_windows SET name = ?, description = ?, monitor_ids = ?, schedule = ?,
       updated_at = ? WHERE id = ? RETURNING *`,
  ).get(
    f.name,
    f.description,
    JSON.stringify(f.monitorIds),
    JSON.stringify(f.schedule),
    now,
    id,
  ) as Row | undefined;
  return r ? toMaintenanceWindow(r) : null;
}

/** Deletes a window; true when it existed. */
export function deleteWindow(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM maintenance_windows WHERE id = ?").run(id).changes) > 0;
}

/** Records a held-back DOWN (the first record wins). */
export function suppressDown(db: Db, incidentId: number, windowName: string, now: number): void {
  stmt(
    db,
    `INSERT INTO maintenance_suppressed (incident_id, window_name, suppressed_at)
     VALUES (?, ?, ?) ON CONFLICT (incident_id) DO NOTHING`,
  ).run(incidentId, windowName, now);
}

/** The held-back DOWN of an incident, or null. */
export function suppressedDown(db: Db, incidentId: number): SuppressedDown | null {
  const r = stmt(db, "SELECT * FROM maintenance_suppressed WHERE incident_id = ?").get(
    incidentId,
  ) as Row | undefined;
  return r ? toSuppressedDown(r) : null;
}

/** Releases a held-back DOWN; true only the first time. */
export function releaseDown(db: Db, incidentId: number, now: number): boolean {
  return Number(
    stmt(
      db,
      `UPDATE maintenance_suppressed SET released_at = ?
       WHERE incident_id = ? AND released_at IS NULL`,
    ).run(now, incidentId).changes,
  ) > 0;
}
