/** The maintenance_windows and maintenance_suppressed tables. */
import type { Q } from "./db.ts";
import type { MaintenanceWindow } from "../../types.ts";
import type { MaintenanceFields, SuppressedDown } from "../records.ts";
import { toMaintenanceWindow, toSuppressedDown } from "../rows.ts";

/** Every window, by name. */
export async function listWindows(q: Q): Promise<MaintenanceWindow[]> {
  const rows = await q`SELECT * FROM maintenance_windows ORDER BY name COLLATE "C", id`;
  return rows.map(toMaintenanceWindow);
}

/** One window, or null. */
export async function getWindow(q: Q, id: number): Promise<MaintenanceWindow | null> {
  const [r] = await q`SELECT * FROM maintenance_windows WHERE id = ${id}`;
  return r ? toMaintenanceWindow(r) : null;
}

/** Stores a new window. */
export async function insertWindow(
  q: Q,
  f: MaintenanceFields,
  now: number,
): Promise<MaintenanceWindow> {
  const [r] = await q`INSERT INTO maintenance_windows (name, description, monitor_ids, schedule,
      created_at, updated_at)
    VALUES (${f.name}, ${f.description}, ${JSON.stringify(f.monitorIds)},
      ${JSON.stringify(f.schedule)}, ${now}, ${now})
    RETURNING *`;
  return toMaintenanceWindow(r);
}

/** Replaces a window's fields; null when missing. */
export async function updateWindow(
  q: Q,
  id: number,
  f: MaintenanceFields,
  now: number,
): Promise<MaintenanceWindow | null> {
  const [r] = await q`UPDATE maintenance_windows SET name = ${f.name},
      description = ${f.description}, monitor_ids = ${JSON.stringify(f.monitorIds)},
      schedule = ${JSON.stringify(f.schedule)}, updated_at = ${now}
    WHERE id = ${id} RETURNING *`;
  return r ? toMaintenanceWindow(r) : null;
}

/** Deletes a window; true when it existed. */
export async function deleteWindow(q: Q, id: number): Promise<boolean> {
  return (await q`DELETE FROM maintenance_windows WHERE id = ${id}`).count > 0;
}

/** Records a held-back DOWN (the first record wins). */
export async function suppressDown(
  q: Q,
  incidentId: number,
  windowName: string,
  now: number,
): Promise<void> {
  await q`INSERT INTO maintenance_suppressed (incident_id, window_name, suppressed_at)
    VALUES (${incidentId}, ${windowName}, ${now}) ON CONFLICT (incident_id) DO NOTHING`;
}

/** The held-back DOWN of an incident, or null. */
export async function suppressedDown(q: Q, incidentId: number): Promise<SuppressedDown | null> {
  const [r] = await q`SELECT * FROM maintenance_suppressed WHERE incident_id = ${incidentId}`;
  return r ? toSuppressedDown(r) : null;
}

/** Releases a held-back DOWN; true only the first time. */
export async function releaseDown(q: Q, incidentId: number, now: number): Promise<boolean> {
  const r = await q`UPDATE maintenance_suppressed SET released_at = ${now}
    WHERE incident_id = ${incidentId} AND released_at IS NULL`;
  return r.count > 0;
}
