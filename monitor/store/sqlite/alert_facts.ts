/**
 * Read queries behind alert emails and reminders: the internal apps down during a website's
 * outage, and the open outages with the sent DOWN rows a reminder may follow.
 */
import type { ErrorKind } from "../../types.ts";
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
import { toAlertRow } from "../rows.ts";
import type { AlertRow, AppOutageRow, ReminderIncident } from "../records.ts";

type Row = Record<string, unknown>;

/**
 * A website's internal apps' incidents overlapping [from, to], oldest first (by start, then id),
 * so the last one per app is the latest.
 */
export function appOutagesDuring(
  db: Db,
  websiteId: number,
  from: number,
  to: number,
): AppOutageRow[] {
  const rows = stmt(
    db,
    `SELECT i.*, m.name, m.url FROM monitors m JOIN incidents i ON i.monitor_id = m.id
     WHERE m.parent_id = ? AND i.type = 'down' AND i.started_at <= ? AND (i.ended_at IS NULL OR i.ended_at >= ?)
     ORDER BY i.started_at, i.id`,
  ).all(websiteId, to, from) as Row[];
  return rows.map((r) => ({
    monitorId: r.monitor_id as number,
    name: r.name as string,
    url: r.url as string,
    startedAt: r.started_at as number,
    endedAt: (r.ended_at as number | null) ?? null,
    errorKind: r.error_kind as ErrorKind,
    httpStatus: (r.http_status as number | null) ?? null,
    errorMessage: r.error_message as string,
  }));
}

/** The open incidents of active monitors with reminders configured. */
export function openReminderIncidents(db: Db): ReminderIncident[] {
  return (stmt(
    db,
    `SELECT s.open_incident_id AS incident_id, m.reminder_interval_min AS every
     FROM monitor_state s JOIN monitors m ON m.id = s.monitor_id
     WHERE s.open_incident_id IS NOT NULL AND m.active = 1
       AND m.reminder_interval_min IS NOT NULL`,
  ).all() as Row[]).map((r) => ({
    incidentId: r.incident_id as number,
    everyMin: r.every as number,
  }));
}

/**
 * The incident's sent DOWN rows (seq 0; 1 when sent after a maintenance window) whose
 * (channel, target) has no reminder pending or
 * being sent.
 */
export function sentDownsAwaitingReminder(db: Db, incidentId: number): AlertRow[] {
  return (stmt(
    db,
    `SELECT * FROM alerts d WHERE d.incident_id = ? AND d.kind = 'down' AND d.seq <= 1
       AND d.status = 'sent' AND NOT EXISTS (
         SELECT 1 FROM alerts r WHERE r.incident_id = d.incident_id AND r.kind = 'reminder'
           AND r.channel = d.channel AND r.target = d.target
           AND r.status IN ('pending', 'sending'))`,
  ).all(incidentId) as Row[]).map(toAlertRow);
}
