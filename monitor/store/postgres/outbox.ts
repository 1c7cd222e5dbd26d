/** The alerts table (the outbox): rows ↔ `AlertRow`, and every state change of a row. */
import type { Q } from "./db.ts";
import {
  ALERT_STATUSES,
  type AlertKind,
  type AlertQuery,
  type AlertRecord,
  type AlertRow,
  type AlertStatus,
  type NewAlert,
} from "../records.ts";
import { toAlertRow } from "../rows.ts";

/**
 * Inserts a row unless one exists for (incident, kind, seq, channel, target), the target compared
 * case-insensitively: a second insert (a replayed transition, a reminder enqueued twice) is a
 * no-op. Returns whether a row was added.
 */
export async function insertAlert(q: Q, a: NewAlert): Promise<boolean> {
  const result = await q`INSERT INTO alerts (monitor_id, incident_id, kind, seq, channel, target,
      status, grouped_into, check_id, failures, threshold, attempts, last_error, created_at,
      next_attempt_at)
    VALUES (${a.monitorId}, ${a.incidentId}, ${a.kind}, ${a.seq}, ${a.channel}, ${a.target},
      ${a.status}, ${a.groupedInto ?? null}, ${a.checkId ?? null}, ${a.failures},
      ${a.threshold}, 0, ${a.lastError ?? null}, ${a.createdAt}, ${a.nextAttemptAt})
    ON CONFLICT (incident_id, kind, seq, channel, lower(target COLLATE "C")) DO NOTHING`;
  return result.count > 0;
}

/**
 * The row for (incident, kind, seq 0, channel, target), if any (for a DOWN, the seq 1 row sent
 * after a maintenance window wins); the target matches case-insensitively.
 */
export async function findAlert(
  q: Q,
  incidentId: number,
  kind: AlertKind,
  channel: string,
  target: string,
): Promise<AlertRow | null> {
  const [r] = await q`SELECT * FROM alerts WHERE incident_id = ${incidentId} AND kind = ${kind}
    AND (seq = 0 OR (kind = 'down' AND seq = 1)) AND channel = ${channel}
    AND lower(target COLLATE "C") = lower(${target}::text COLLATE "C")
    ORDER BY seq DESC LIMIT 1`;
  return r ? toAlertRow(r) : null;
}

/**
 * Folds an internal app's still-pending alerts of `kind` for (`channel`, `target`) into the
 * website incident `into` (the website's email will list the app). DOWN rows are folded only
 * while the app's outage is still open; RECOVERED rows only when the app's outage overlaps the
 * website's, because the website's email lists exactly those apps.
 */
export async function foldChildAlerts(
  q: Q,
  parentId: number,
  kind: "down" | "recovered",
  channel: string,
  target: string,
  into: number,
): Promise<number> {
  const result = await q`UPDATE alerts SET status = 'grouped', grouped_into = ${into}
    WHERE status = 'pending' AND kind = ${kind} AND seq <= 1 AND channel = ${channel}
      AND lower(target COLLATE "C") = lower(${target}::text COLLATE "C")
      AND monitor_id IN (SELECT id FROM monitors WHERE parent_id = ${parentId})
      AND incident_id IN (
        SELECT a.id FROM incidents a JOIN incidents w ON w.id = ${into}
        WHERE a.type = 'down' AND CASE ${kind}::text
          WHEN 'down' THEN a.ended_at IS NULL
          ELSE a.ended_at IS NOT NULL AND a.ended_at >= w.started_at END)`;
  return result.count;
}

/** Pending rows due at `now`, oldest first, leaving out the channels in `except`. */
export async function dueAlerts(
  q: Q,
  now: number,
  limit: number,
  except: readonly string[] = [],
): Promise<AlertRow[]> {
  const rows = await q`SELECT * FROM alerts WHERE status = 'pending'
      AND next_attempt_at <= ${now} AND channel <> ALL(${q.array([...except])}::text[])
    ORDER BY next_attempt_at, id LIMIT ${limit}`;
  return rows.map(toAlertRow);
}

/** When the next pending row of each channel is due (channels with none pending are absent). */
export async function nextDueByChannel(q: Q): Promise<Map<string, number>> {
  const rows = await q`SELECT channel, min(next_attempt_at) AS t FROM alerts
    WHERE status = 'pending' GROUP BY channel ORDER BY channel COLLATE "C"`;
  return new Map(rows.map((r) => [r.channel as string, r.t as number]));
}

/** When the next pending row is due, or null when none is pending. */
export async function nextDueAt(q: Q): Promise<number | null> {
  const [r] = await q`SELECT min(next_attempt_at) AS t FROM alerts WHERE status = 'pending'`;
  return (r.t as number | null) ?? null;
}

/**
 * Claims a pending row for one delivery attempt. False when the row is no longer pending
 * (another sender took it, or it was folded meanwhile).
 */
export async function claimAlert(q: Q, id: number, subject: string): Promise<boolean> {
  const result = await q`UPDATE alerts SET status = 'sending', attempts = attempts + 1,
      subject = ${subject}
    WHERE id = ${id} AND status = 'pending'`;
  return result.count > 0;
}

/** Records a delivery the receiving end accepted. */
export async function markSent(q: Q, id: number, now: number, response: string): Promise<void> {
  await q`UPDATE alerts SET status = 'sent', sent_at = ${now}, response = ${response},
      last_error = NULL
    WHERE id = ${id}`;
}

/** Schedules another attempt after a failure. */
export async function markRetry(
  q: Q,
  id: number,
  nextAttemptAt: number,
  error: string,
): Promise<void> {
  await q`UPDATE alerts SET status = 'pending', next_attempt_at = ${nextAttemptAt},
      last_error = ${error}
    WHERE id = ${id}`;
}

/** Ends a row without sending: `failed` (gave up) or `skipped` (on purpose). */
export async function markFinal(
  q: Q,
  id: number,
  status: "failed" | "skipped",
  error: string,
): Promise<void> {
  await q`UPDATE alerts SET status = ${status}, last_error = ${error} WHERE id = ${id}`;
}

/** Puts rows left in `sending` by a crash back in the queue; returns how many. */
export async function requeueInterrupted(q: Q, now: number): Promise<number> {
  const result = await q`UPDATE alerts SET status = 'pending', next_attempt_at = ${now},
      last_error = 'Interrupted during sending (restart); sending again'
    WHERE status = 'sending'`;
  return result.count;
}

/**
 * Gives up pending rows created before `before` (older than the maximum alert age). The hours
 * are written as JavaScript prints them ("48 h", "0.5 h").
 */
export async function expireAlerts(q: Q, before: number, hours: number): Promise<number> {
  const result = await q`UPDATE alerts SET status = 'failed',
      last_error = 'Gave up after ' || attempts || ' attempt(s) in ' || ${String(hours)}::text
        || ' h' || coalesce(': ' || last_error, '')
    WHERE status = 'pending' AND created_at < ${before}`;
  return result.count;
}

/** Recent rows, newest first, with monitor names. */
export async function listAlerts(q: Q, query: AlertQuery = {}): Promise<AlertRecord[]> {
  const status = query.status ?? null;
  const monitorId = query.monitorId ?? null;
  const rows = await q`SELECT a.*, m.name AS monitor_name FROM alerts a
      JOIN monitors m ON m.id = a.monitor_id
    WHERE (${status}::text IS NULL OR a.status = ${status}::text)
      AND (${monitorId}::bigint IS NULL OR a.monitor_id = ${monitorId}::bigint)
    ORDER BY a.created_at DESC, a.id DESC LIMIT ${query.limit ?? 100} OFFSET ${query.offset ?? 0}`;
  return rows.map((r) => ({ ...toAlertRow(r), monitorName: r.monitor_name as string }));
}

/** Row counts by status. */
export async function alertCounts(q: Q): Promise<Record<AlertStatus, number>> {
  const out = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
  const rows = await q`SELECT status, count(*) AS n FROM alerts GROUP BY status`;
  for (const r of rows) out[r.status as AlertStatus] = r.n as number;
  return out;
}

/** The newest sent time and the newest error of a row still pending or failed. */
export async function alertActivity(
  q: Q,
): Promise<{ lastSentAt: number | null; lastError: string | null }> {
  const [r] = await q`SELECT (SELECT max(sent_at) FROM alerts WHERE status = 'sent') AS t,
      (SELECT last_error FROM alerts WHERE status IN ('pending', 'failed')
        AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS e`;
  return {
    lastSentAt: (r.t as number | null) ?? null,
    lastError: (r.e as string | null) ?? null,
  };
}

/** Deletes finished rows created before `before` (for the retention job); returns the count. */
export async function pruneAlerts(q: Q, before: number): Promise<number> {
  const result = await q`DELETE FROM alerts WHERE created_at < ${before}
    AND status NOT IN ('pending', 'sending')`;
  return result.count;
}
