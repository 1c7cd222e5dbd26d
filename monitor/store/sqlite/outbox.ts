/** The alerts table (the outbox): rows ↔ `AlertRow`, and every state change of a row. */
import type { Db } from "./db.ts";
import { stmt } from "./statements.ts";
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

type Row = Record<string, unknown>;

/**
 * Inserts a row unless one exists for (incident, kind, seq, channel, target): the UNIQUE key makes a
 * second insert (a replayed transition, a reminder enqueued twice) a no-op. Returns whether a
 * row was added.
 */
export function insertAlert(db: Db, a: NewAlert): boolean {
  return Number(
    stmt(
      db,
      `INSERT INTO alerts (monitor_id, incident_id, kind, seq, channel, target, status,
         grouped_into, check_id, failures, threshold, attempts, last_error, created_at,
         next_attempt_at)
       VALUES (:monitorId, :incidentId, :kind, :seq, :channel, :target, :status,
         :groupedInto, :checkId, :failures, :threshold, 0, :lastError, :createdAt,
         :nextAttemptAt)
       ON CONFLICT (incident_id, kind, seq, channel, target) DO NOTHING`,
    ).run({ ...a }).changes,
  ) > 0;
}

/**
 * The row for (incident, kind, seq 0, channel, target), if any (for a DOWN, the seq 1 row sent
 * after a maintenance window wins); the target matches case-insensitively.
 */
export function findAlert(
  db: Db,
  incidentId: number,
  kind: AlertKind,
  channel: string,
  target: string,
): AlertRow | null {
  const r = stmt(
    db,
    `SELECT * FROM alerts
     WHERE incident_id = ? AND kind = ? AND (seq = 0 OR (kind = 'down' AND seq = 1))
       AND channel = ? AND target = ? ORDER BY seq DESC LIMIT 1`,
  ).get(incidentId, kind, channel, target) as Row | undefined;
  return r ? toAlertRow(r) : null;
}

/**
 * Folds an internal app's still-pending alerts of `kind` for (`channel`, `target`) into the website
 * incident `into` (the website's email will list the app). DOWN rows are folded only while
 * the app's outage is still open: a flap that already ended keeps its own pair of emails.
 * RECOVERED rows are folded only when the app's outage overlaps the website's, because the
 * website's email lists exactly those apps.
 */
export function foldChildAlerts(
  db: Db,
  parentId: number,
  kind: "down" | "recovered",
  channel: string,
  target: string,
  into: number,
): number {
  return Number(
    stmt(
      db,
      `UPDATE alerts SET status = 'grouped', grouped_into = :into
       WHERE status = 'pending' AND kind = :kind AND seq <= 1
         AND channel = :channel AND target = :target
         AND monitor_id IN (SELECT id FROM monitors WHERE parent_id = :parentId)
         AND incident_id IN (
           SELECT a.id FROM incidents a JOIN incidents w ON w.id = :into
           WHERE a.type = 'down' AND CASE :kind
             WHEN 'down' THEN a.ended_at IS NULL
             -- Only an outage the website's email will list (it overlaps the website's).
             ELSE a.ended_at IS NOT NULL AND a.ended_at >= w.started_at END)`,
    ).run({ into, kind, channel, target, parentId }).changes,
  );
}

/** Pending rows due at `now`, oldest first, leaving out the channels in `except`. */
export function dueAlerts(
  db: Db,
  now: number,
  limit: number,
  except: readonly string[] = [],
): AlertRow[] {
  return (stmt(
    db,
    `SELECT * FROM alerts WHERE status = 'pending' AND next_attempt_at <= ?
       AND channel NOT IN (SELECT value FROM json_each(?))
     ORDER BY next_attempt_at, id LIMIT ?`,
  ).all(now, JSON.stringify(except), limit) as Row[]).map(toAlertRow);
}

/** When the next pending row of each channel is due (channels with none pending are absent). */
export function nextDueByChannel(db: Db): Map<string, number> {
  const rows = stmt(
    db,
    `SELECT channel, min(next_attempt_at) AS t FROM alerts WHERE status = 'pending'
     GROUP BY channel`,
  ).all() as Row[];
  return new Map(rows.map((r) => [r.channel as string, r.t as number]));
}

/** When the next pending row is due, or null when none is pending. */
export function nextDueAt(db: Db): number | null {
  const r = stmt(db, "SELECT min(next_attempt_at) AS t FROM alerts WHERE status = 'pending'")
    .get() as Row;
  return (r.t as number | null) ?? null;
}

/**
 * Claims a pending row for one delivery attempt. Committed before the send starts, so
 * a crash during it leaves `sending` behind for {@link requeueInterrupted}. False when the row
 * is no longer pending (folded meanwhile).
 */
export function claimAlert(db: Db, id: number, subject: string): boolean {
  return Number(
    stmt(
      db,
      `UPDATE alerts SET status = 'sending', attempts = attempts + 1, subject = ?
       WHERE id = ? AND status = 'pending'`,
    ).run(subject, id).changes,
  ) > 0;
}

/** Records a delivery the receiving end (the SMTP server) accepted. */
export function markSent(db: Db, id: number, now: number, response: string): void {
  stmt(
    db,
    `UPDATE alerts SET status = 'sent', sent_at = ?, response = ?, last_error = NULL
     WHERE id = ?`,
  ).run(now, response, id);
}

/** Schedules another attempt after a failure. */
export function markRetry(db: Db, id: number, nextAttemptAt: number, error: string): void {
  stmt(
    db,
    "UPDATE alerts SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
  ).run(nextAttemptAt, error, id);
}

/** Ends a row without sending: `failed` (gave up) or `skipped` (on purpose). */
export function markFinal(
  db: Db,
  id: number,
  status: "failed" | "skipped",
  error: string,
): void {
  stmt(db, "UPDATE alerts SET status = ?, last_error = ? WHERE id = ?").run(status, error, id);
}

/**
 * Puts rows left in `sending` by a crash back in the queue. Their SMTP transaction may or may
 * not have completed, so this is the one place a duplicate can come from (at most one per row).
 */
export function requeueInterrupted(db: Db, now: number): number {
  return Number(
    stmt(
      db,
      `UPDATE alerts SET status = 'pending', next_attempt_at = ?,
         last_error = 'Interrupted during sending (restart); sending again'
       WHERE status = 'sending'`,
    ).run(now).changes,
  );
}

/** Gives up pending rows created before `before` (older than the maximum alert age). */
export function expireAlerts(db: Db, before: number, hours: number): number {
  return Number(
    stmt(
      db,
      `UPDATE alerts SET status = 'failed',
         last_error = 'Gave up after ' || attempts || ' attempt(s) in ' || :hours || ' h'
           || coalesce(': ' || last_error, '')
       WHERE status = 'pending' AND created_at < :before`,
    ).run({ before, hours: String(hours) }).changes,
  );
}

/** Recent rows, newest first, with monitor names. */
export function listAlerts(db: Db, q: AlertQuery = {}): AlertRecord[] {
  const rows = stmt(
    db,
    `SELECT a.*, m.name AS monitor_name FROM alerts a JOIN monitors m ON m.id = a.monitor_id
     WHERE (:status IS NULL OR a.status = :status)
       AND (:monitorId IS NULL OR a.monitor_id = :monitorId)
     ORDER BY a.created_at DESC, a.id DESC LIMIT :limit OFFSET :offset`,
  ).all({
    status: q.status ?? null,
    monitorId: q.monitorId ?? null,
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  }) as Row[];
  return rows.map((r) => ({ ...toAlertRow(r), monitorName: r.monitor_name as string }));
}

/** Row counts by status. */
export function alertCounts(db: Db): Record<AlertStatus, number> {
  const out = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
  const rows = stmt(db, "SELECT status, count(*) AS n FROM alerts GROUP BY status").all() as Row[];
  for (const r of rows) out[r.status as AlertStatus] = r.n as number;
  return out;
}

/** The newest sent time and the newest error of a row still pending or failed. */
export function alertActivity(db: Db): { lastSentAt: number | null; lastError: string | null } {
  const sent = stmt(db, "SELECT max(sent_at) AS t FROM alerts WHERE status = 'sent'").get() as Row;
  const err = stmt(
    db,
    `SELECT last_error FROM alerts WHERE status IN ('pending', 'failed') AND last_error IS NOT NULL
     ORDER BY id DESC LIMIT 1`,
  ).get() as Row | undefined;
  return {
    lastSentAt: (sent.t as number | null) ?? null,
    lastError: (err?.last_error as string | undefined) ?? null,
  };
}

/** Deletes finished rows created before `before` (for the retention job); returns the count. */
export function pruneAlerts(db: Db, before: number): number {
  return Number(
    stmt(
      db,
      "DELETE FROM alerts WHERE created_at < ? AND status NOT IN ('pending', 'sending')",
    ).run(before).changes,
  );
}
