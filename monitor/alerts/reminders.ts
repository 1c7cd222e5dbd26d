/** Reminder rows: re-send DOWN every `reminderIntervalMin` while an outage stays open. */
import type { Store } from "../store/store.ts";
import { activeMaintenance } from "../maintenance_windows.ts";

/**
 * Enqueues the reminders due at `now`. Reminder n for a recipient is due n intervals after that
 * recipient's DOWN email was sent (not after detection, so a DOWN delayed by an SMTP outage is
 * not followed at once by a reminder). Only recipients whose DOWN was actually sent get
 * reminders; one folded into a website's email does not. After downtime of the service only the
 * current reminder number is enqueued (no burst), and never while an earlier one is unsent.
 * While a maintenance window covers the monitor, the reminder is recorded as skipped with the
 * reason ("maintenance: <name>"). Returns the number of rows added.
 */
export async function enqueueReminders(store: Store, now: number): Promise<number> {
  const open = await store.alertFacts.openReminderIncidents();
  if (open.length === 0) return 0;
  const windows = await store.maintenance.list();
  const inMaintenance = windows.length === 0
    ? new Map()
    : activeMaintenance(windows, await store.monitors.list(), now);
  return await store.transaction(async (tx) => {
    let added = 0;
    for (const o of open) {
      const every = o.everyMin * 60_000;
      const downs = await tx.alertFacts.sentDownsAwaitingReminder(o.incidentId);
      for (const d of downs) {
        // A sent row has sent_at; `?? 0` only mirrors SQL NULL's arithmetic (null → 0).
        const seq = Math.floor((now - (d.sentAt ?? 0)) / every);
        if (seq < 1) continue;
        const maintenance = inMaintenance.get(d.monitorId);
        const inserted = await tx.outbox.insert({
          monitorId: d.monitorId,
          incidentId: d.incidentId,
          kind: "reminder",
          seq,
          channel: d.channel,
          target: d.target,
          status: maintenance ? "skipped" : "pending",
          groupedInto: null,
          checkId: d.checkId,
          failures: d.failures,
          threshold: d.threshold,
          lastError: maintenance ? `maintenance: ${maintenance.window.name}` : null,
          createdAt: now,
          nextAttemptAt: now,
        });
        if (inserted) added++;
      }
    }
    return added;
  });
}
