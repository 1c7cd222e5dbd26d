/**
 * Read queries behind alert emails and reminders: the internal apps down during a website's
 * outage, and the open outages with the sent DOWN rows a reminder may follow.
 */
import type { ErrorKind } from "../../types.ts";
import type { Q } from "./db.ts";
import { toAlertRow } from "../rows.ts";
import type { AlertRow, AppOutageRow, ReminderIncident } from "../records.ts";

/**
 * A website's internal apps' incidents overlapping [from, to], oldest first (by start, then id),
 * so the last one per app is the latest.
 */
export async function appOutagesDuring(
  q: Q,
  websiteId: number,
  from: number,
  to: number,
): Promise<AppOutageRow[]> {
  const rows = await q`SELECT i.*, m.name, m.url FROM monitors m
      JOIN incidents i ON i.monitor_id = m.id
    WHERE m.parent_id = ${websiteId} AND i.type = 'down' AND i.started_at <= ${to}
      AND (i.ended_at IS NULL OR i.ended_at >= ${from})
    ORDER BY i.started_at, i.id`;
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

/** The open incidents of active monitors with reminders configured (by monitor id). */
export async function openReminderIncidents(q: Q): Promise<ReminderIncident[]> {
  const rows = await q`SELECT s.open_incident_id AS incident_id,
      m.reminder_interval_min AS every
    FROM monitor_state s JOIN monitors m ON m.id = s.monitor_id
    WHERE s.open_incident_id IS NOT NULL AND m.active AND m.reminder_interval_min IS NOT NULL
    ORDER BY s.monitor_id`;
  return rows.map((r) => ({ incidentId: r.incident_id as number, everyMin: r.every as number }));
}

/**
 * The incident's sent DOWN rows (seq 0; 1 when sent after a maintenance window) whose
 * (channel, target) has no reminder pending or
 * being sent; targets compare case-insensitively. In the order of the unique key (channel, then
 * target), as SQLite reads them.
 */
export async function sentDownsAwaitingReminder(q: Q, incidentId: number): Promise<AlertRow[]> {
  const rows = await q`SELECT * FROM alerts d WHERE d.incident_id = ${incidentId}
      AND d.kind = 'down' AND d.seq <= 1 AND d.status = 'sent' AND NOT EXISTS (
        SELECT 1 FROM alerts r WHERE r.incident_id = d.incident_id AND r.kind = 'reminder'
          AND r.channel = d.channel
          AND lower(r.target COLLATE "C") = lower(d.target COLLATE "C")
          AND r.status IN ('pending', 'sending'))
    ORDER BY d.channel COLLATE "C", lower(d.target COLLATE "C"), d.id`;
  return rows.map(toAlertRow);
}
