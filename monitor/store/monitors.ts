/** The monitors table: rows ↔ `Monitor`. */
import type { Monitor, MonitorKind } from "../types.ts";
import type { Db } from "./db.ts";
import { bool, stmt } from "./statements.ts";

/** The writable fields of a monitor (everything but id and timestamps). */
export type MonitorFields = Omit<Monitor, "id" | "createdAt" | "updatedAt">;

type Row = Record<string, unknown>;

function toMonitor(r: Row): Monitor {
  return {
    id: r.id as number,
    parentId: (r.parent_id as number | null) ?? null,
    name: r.name as string,
    kind: r.kind as MonitorKind,
    url: r.url as string,
    expectedStatus: r.expected_status as string,
    timeoutMs: r.timeout_ms as number,
    intervalS: r.interval_s as number,
    retryIntervalS: r.retry_interval_s as number,
    failureThreshold: r.failure_threshold as number,
    alertEmails: JSON.parse(r.alert_emails as string),
    recoveryEmails: JSON.parse(r.recovery_emails as string),
    active: bool(r.active),
    ignoreTlsErrors: bool(r.ignore_tls_errors),
    maxRedirects: r.max_redirects as number,
    reminderIntervalMin: (r.reminder_interval_min as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

function params(f: MonitorFields) {
  return {
    parent_id: f.parentId,
    name: f.name,
    kind: f.kind,
    url: f.url,
    expected_status: f.expectedStatus,
    timeout_ms: f.timeoutMs,
    interval_s: f.intervalS,
    retry_interval_s: f.retryIntervalS,
    failure_threshold: f.failureThreshold,
    alert_emails: JSON.stringify(f.alertEmails),
    recovery_emails: JSON.stringify(f.recoveryEmails),
    active: f.active ? 1 : 0,
    ignore_tls_errors: f.ignoreTlsErrors ? 1 : 0,
    max_redirects: f.maxRedirects,
    reminder_interval_min: f.reminderIntervalMin,
  };
}

const COLUMNS = [
  "parent_id",
  "name",
  "kind",
  "url",
  "expected_status",
  "timeout_ms",
  "interval_s",
  "retry_interval_s",
  "failure_threshold",
  "alert_emails",
  "recovery_emails",
  "active",
  "ignore_tls_errors",
  "max_redirects",
  "reminder_interval_min",
];

/** Inserts a monitor and returns it. */
export function insertMonitor(db: Db, fields: MonitorFields, now: number): Monitor {
  const row = stmt(
    db,
    `INSERT INTO monitors (${COLUMNS.join(", ")}, created_at, updated_at)
     VALUES (${COLUMNS.map((c) => ":" + c).join(", ")}, :now, :now) RETURNING *`,
  ).get({ ...params(fields), now }) as Row;
  return toMonitor(row);
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
  ).get({ ...params(fields), now, id }) as Row | undefined;
  return row ? toMonitor(row) : null;
}

/** Deletes a monitor, its internal apps and all their history (ON DELETE CASCADE). */
export function deleteMonitor(db: Db, id: number): boolean {
  return Number(stmt(db, "DELETE FROM monitors WHERE id = ?").run(id).changes) > 0;
}

/** One monitor by id, or null. */
export function getMonitor(db: Db, id: number): Monitor | null {
  const row = stmt(db, "SELECT * FROM monitors WHERE id = ?").get(id) as Row | undefined;
  return row ? toMonitor(row) : null;
}

/** Every monitor: websites first by name, each followed by its internal apps (by name). */
export function listMonitors(db: Db): Monitor[] {
  const rows = stmt(
    db,
    `SELECT m.* FROM monitors m LEFT JOIN monitors p ON p.id = m.parent_id
     ORDER BY coalesce(p.name, m.name) COLLATE NOCASE, coalesce(p.id, m.id),
              m.parent_id IS NOT NULL, m.name COLLATE NOCASE, m.id`,
  ).all() as Row[];
  return rows.map(toMonitor);
}

/** Ids of the internal apps nested under `parentId`. */
export function childIds(db: Db, parentId: number): number[] {
  return (stmt(db, "SELECT id FROM monitors WHERE parent_id = ?").all(parentId) as Row[]).map((r) =>
    r.id as number
  );
}
