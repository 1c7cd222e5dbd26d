/** The monitors table: rows ↔ `Monitor`, mapped by the field registry (../field_registry.ts). */
import type { Monitor } from "../../types.ts";
import type { Q } from "./db.ts";
import { isJsonKind, MONITOR_FIELD_SPECS, type MonitorFields } from "../field_registry.ts";
import { rowToMonitor } from "../rows.ts";

/** The monitors columns written from `MonitorFields`, in registry order. */
export const MONITOR_COLUMNS: string[] = MONITOR_FIELD_SPECS.map((f) => f.column);

/** The column values of `MonitorFields`, in {@link MONITOR_COLUMNS} order. */
export function monitorValues(f: MonitorFields): (string | number | boolean | null)[] {
  return MONITOR_FIELD_SPECS.map((spec) => {
    const v = f[spec.prop];
    return spec.kind.type === "bool"
      ? Boolean(v)
      : isJsonKind(spec.kind)
      ? JSON.stringify(v)
      : (v as string | number | null) ?? null;
  });
}

// The column list comes from the registry, so these two are built once (and prepared per
// connection like every other statement); the values are parameters.
const n = MONITOR_COLUMNS.length;
const params = MONITOR_COLUMNS.map((_, i) => `$${i + 1}`);
const INSERT = `INSERT INTO monitors (${MONITOR_COLUMNS.join(", ")}, created_at, updated_at)
  VALUES (${params.join(", ")}, $${n + 1}, $${n + 1}) RETURNING *`;
const UPDATE = `UPDATE monitors SET ${
  MONITOR_COLUMNS.map((c, i) => `${c} = ${params[i]}`).join(", ")
},
  updated_at = $${n + 1} WHERE id = $${n + 2} RETURNING *`;

/** Inserts a monitor and returns it. */
export async function insertMonitor(q: Q, fields: MonitorFields, now: number): Promise<Monitor> {
  const [r] = await q.unsafe(INSERT, [...monitorValues(fields), now], { prepare: true });
  return rowToMonitor(r);
}

/** Replaces a monitor's fields; returns the updated monitor or null when it does not exist. */
export async function updateMonitor(
  q: Q,
  id: number,
  fields: MonitorFields,
  now: number,
): Promise<Monitor | null> {
  const [r] = await q.unsafe(UPDATE, [...monitorValues(fields), now, id], { prepare: true });
  return r ? rowToMonitor(r) : null;
}

/** Deletes a monitor, its internal apps and all their history (ON DELETE CASCADE). */
export async function deleteMonitor(q: Q, id: number): Promise<boolean> {
  return (await q`DELETE FROM monitors WHERE id = ${id}`).count > 0;
}

/** One monitor by id, or null. */
export async function getMonitor(q: Q, id: number): Promise<Monitor | null> {
  const [r] = await q`SELECT * FROM monitors WHERE id = ${id}`;
  return r ? rowToMonitor(r) : null;
}

/** Every monitor: websites first by name, each followed by its internal apps (by name). */
export async function listMonitors(q: Q): Promise<Monitor[]> {
  const rows = await q`SELECT m.* FROM monitors m LEFT JOIN monitors p ON p.id = m.parent_id
    ORDER BY lower(coalesce(p.name, m.name) COLLATE "C"), coalesce(p.id, m.id),
      m.parent_id IS NOT NULL, lower(m.name COLLATE "C"), m.id`;
  return rows.map(rowToMonitor);
}

/** Ids of the internal apps nested under `parentId`, ascending. */
export async function childIds(q: Q, parentId: number): Promise<number[]> {
  const rows = await q`SELECT id FROM monitors WHERE parent_id = ${parentId} ORDER BY id`;
  return rows.map((r) => r.id as number);
}
