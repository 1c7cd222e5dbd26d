/** Reminder rows: re-send DOWN every `reminderIntervalMin` while an outage stays open. */
import { type Db, transaction } from "../store/db.ts";
import { stmt } from "../store/statements.ts";
import { insertAlert } from "./outbox.ts";

type Row = Record<string, unknown>;

/**
 * Enqueues the reminders due at `now`. Reminder n for a recipient is due n intervals after that
 * recipient's DOWN email was sent (not after detection, so a DOWN delayed by an SMTP outage is
 * not followed at once by a reminder). Only recipients whose DOWN was actually sent get
 * reminders; one folded into a website's email does not. After downtime of the service only the
 * current reminder number is enqueued (no burst), and never while an earlier one is unsent.
 * Returns the number of rows added.
 */
export function enqueueReminders(db: Db, now: number): number {
  const open = stmt(
    db,
    `SELECT s.open_incident_id AS incident_id, m.reminder_interval_min AS every
     FROM monitor_state s JOIN monitors m ON m.id = s.monitor_id
     WHERE s.open_incident_id IS NOT NULL AND m.active = 1
       AND m.reminder_interval_min IS NOT NULL`,
  ).all() as Row[];
  if (open.length === 0) return 0;
  return transaction(db, () => {
    let added = 0;
    for (const o of open) {
      const every = (o.every as number) * 60_000;
      const downs = stmt(
        db,
        `SELECT * FROM alerts d WHERE d.incident_id = ? AND d.kind = 'down' AND d.seq = 0
           AND d.status = 'sent' AND NOT EXISTS (
             SELECT 1 FROM alerts r WHERE r.incident_id = d.incident_id AND r.kind = 'reminder'
               AND r.channel = d.channel AND r.target = d.target
               AND r.status IN ('pending', 'sending'))`,
      ).all(o.incident_id as number) as Row[];
      for (const d of downs) {
        const seq = Math.floor((now - (d.sent_at as number)) / every);
        if (seq < 1) continue;
        const inserted = insertAlert(db, {
          monitorId: d.monitor_id as number,
          incidentId: d.incident_id as number,
          kind: "reminder",
          seq,
          channel: d.channel as string,
          target: d.target as string,
          status: "pending",
          groupedInto: null,
          checkId: (d.check_id as number | null) ?? null,
          failures: d.failures as number,
          threshold: d.threshold as number,
          lastError: null,
          createdAt: now,
          nextAttemptAt: now,
        });
        if (inserted) added++;
      }
    }
    return added;
  });
}
