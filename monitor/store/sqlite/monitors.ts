/** The monitors table: rows ↔ `Monitor`, mapped by the field registry (./field_registry.ts). */
import type { Monitor } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import { isJsonKind, MONITOR_FIELD_SPECS, type MonitorFields } from "../field_registry.ts";
import { rowToMonitor } from "../rows.ts";

export type { MonitorFields } from "../field_registry.ts";

type Row = Record<string, unknown>;

/** The monitors columns written from `MonitorFields`, in registry order. */
export const MONITOR_COLUMNS: readonly string[] = MONITOR_FIELD_SPECS.map((f) => f.column);

/** The named statement parameters (one per column) of `MonitorFields`. */
export function monitorToRow(f: MonitorFields): Row {
  const row: Row = {};
  for (const spec of MONITOR_FIELD_SPECS) {
    const v = f[spec.prop];
    row[spec.column] = spec.kind.type === "bool"
      ? (v ? 1 : 0)
      : isJsonKind(spec.kind)
      ? JSON.stringify(v)
      : v;
  }
  return row;
}

const COLUMNS = MONITOR_COLUMNS;

/** Inserts a monitor and returns it. */
export function insertMonitor(db: Db, fields: MonitorFields, now: number): Monitor {
  const row = stmt(
    db,
    `INSERT INTO monitors (${COLUMNS.join(", ")}, created_at, updated_at)
     VALUES (${COLUMNS.map((c) => ":" + c).join(", ")}, :now, :now) RETURNING *`,
  ).get({ ...monitorToRow(fields), now }) as Row;
  return rowToMonitor(row);
}

/** Replaces a monitor's fields; returns the updated monitor or null when it does not exist. */
export function updateMonitor(
  db: Db,
  id: number,
  fields: MonitorFields,
  now: number,
): Monitor | null {
  const row = stmt(
    db,
    `UPDATE monitors SET ${COLUMNS.map((c) => `${c} = :${c}`).join(", ")}, updated_at = :now
     WHERE id = :id RETURNING *`,
  ).get({ ...monitorToRow(fields), now, id }) as Row | undefined;
  return row ? rowToMonitor(row) : null;
}

/** Deletes a monitor, its internal apps and all their history (ON DELETE CASCADE). */
export function deleteMonitor(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM monitors WHERE id = ?").run(id).changes) > 0;
}

/** One monitor by id, or null. */
export function getMonitor(db: Db, id: number): Monitor | null {
  const row = stmt(db, "SELECT * FROM monitors WHERE id = ?").get(id) as Row | undefined;
  return row ? rowToMonitor(row) : null;
}

/** Every monitor: websites first by name, each followed by its internal apps (by name). */
export function listMonitors(db: Db): Monitor[] {
  const rows = stmt(
    db,
    `SELECT m.* FROM monitors m LEFT JOIN monitors p ON p.id = m.parent_id
     ORDER BY coalesce(p.name, m.name) COLLATE NOCASE, coalesce(p.id, m.id),
              m.parent_id IS NOT NULL, m.name COLLATE NOCASE, m.id`,
  ).all() as Row[];
  return rows.map(rowToMonitor);
}

/** Ids of the internal apps nested under `parentId`. */
export function childIds(db: Db, parentId: number): number[] {
  return (stmt(db, "SELECT id FROM monitors WHERE parent_id = ?").all(parentId) as Row[]).map((r) =>
    r.id as number
  );
}
