/**
 * The TransitionWriter that turns DOWN/RECOVERED transitions into outbox rows, inside the
 * recording transaction, and decides grouping.
 *
 * Grouping rule (one email per outage per recipient, not one per internal app). A recipient is a
 * (channel, target) pair; rows fold only into the website's row for the same pair:
 * - A fresh DOWN or RECOVERED of a website with internal apps, or of an internal app, is held
 *   for the grouping window before delivery, so events detected together can coalesce.
 * - An internal app's DOWN for recipient r is folded (status `grouped`) into its website's open
 *   incident when r is getting, or already got, the website's DOWN email: r knows the site is
 *   down, and the website's emails list the app.
 * - An internal app's RECOVERED for r is folded when its DOWN was folded into the website's
 *   still-open incident and r is on the website's recovery list (the website's RECOVERED email
 *   will say so), or when the website's RECOVERED email to r is still pending.
 * - Conversely, when a website's alert rows are written, its apps' still-pending rows of the
 *   same kind for the same recipients are folded into it (an app detected first, in the window).
 * - While the website is failing but below its threshold, an app's DOWN is held until the
 *   website's verdict is due (capped), so the website's DOWN can absorb it.
 * Everything else is sent on its own. Flapping within a threshold never reaches this writer.
 *
 * DEGRADED and certificate incidents are never grouped: each monitor's are sent on their own,
 * at once. A certificate warning's row has kind `warning` and seq = the days threshold, so each
 * threshold is sent at most once per certificate.
 */
import type { Repositories } from "../store/store.ts";
import type { TransitionWriter } from "../recorder.ts";
import type { Monitor, Transition } from "../types.ts";
import { type AlertTarget, alertTargets, hasTarget } from "./recipients.ts";
import { EMAIL_CHANNEL } from "./channel.ts";

/** The longest an internal app's DOWN waits for its failing website's verdict. */
export const MAX_WEBSITE_HOLD_MS = 5 * 60_000;

/** What the writer needs to know. */
export interface WriterOptions {
  /** False when EMAIL_HOST is not set: email rows are recorded as `skipped`, never sent. */
  enabled: boolean;
  adminEmail: string | null;
  groupWindowMs: number;
  now: () => number;
}

/** Builds the writer registered on the CheckRecorder. */
export function alertWriter(opts: WriterOptions): TransitionWriter {
  return async (tx, t) => {
    const now = opts.now();
    const m = t.monitor;
    const parent = m.parentId === null ? null : await tx.monitors.get(m.parentId);
    const outage = t.incident.type === "down";
    const hasApps = outage && parent === null && (await tx.monitors.childIds(m.id)).length > 0;
    const kinds = new Map((await tx.channels.list()).map((c) => [c.id, c.kind]));
    const targets = alertTargets(m, parent, t.kind, opts.adminEmail, kinds);
    const base = {
      monitorId: m.id,
      incidentId: t.incident.id,
      kind: t.kind,
      // A DOWN sent after the maintenance window that held it back is seq 1 (seq 0 was skipped).
      seq: t.kind === "warning" ? t.warningDays ?? 0 : t.deferred ? 1 : 0,
      checkId: t.check.id,
      failures: t.kind === "down" ? t.consecutiveFailures : t.incident.failureCount,
      threshold: m.failureThreshold,
      createdAt: now,
    };
    const grouped = outage && parent !== null;
    const window = grouped || hasApps ? opts.groupWindowMs : 0;
    const hold = grouped && t.kind === "down" ? await websiteHold(tx, parent) : 0;
    for (const to of targets) {
      if (t.suppressed) {
        // Inside a maintenance window: the history shows what would have been sent, and why not.
        await tx.outbox.insert({
          ...base,
          channel: to.channel,
          target: to.target,
          status: "skipped",
          groupedInto: null,
          lastError: t.suppressed,
          nextAttemptAt: now,
        });
        continue;
      }
      if (to.channel === EMAIL_CHANNEL && !opts.enabled) {
        // Recorded so the history shows what would have been sent; never picked up later, so
        // configuring SMTP does not unleash a backlog of stale alerts.
        await tx.outbox.insert({
          ...base,
          channel: to.channel,
          target: to.target,
          status: "skipped",
          groupedInto: null,
          lastError: "EMAIL_HOST is not set",
          nextAttemptAt: now,
        });
        continue;
      }
      const into = grouped ? await foldTarget(tx, parent, t, to, opts.adminEmail, kinds) : null;
      await tx.outbox.insert({
        ...base,
        channel: to.channel,
        target: to.target,
        status: into === null ? "pending" : "grouped",
        groupedInto: into,
        lastError: null,
        nextAttemptAt: now + window + hold,
      });
      if (hasApps && t.kind !== "warning") {
        await tx.outbox.foldChildAlerts(m.id, t.kind, to.channel, to.target, t.incident.id);
      }
    }
  };
}

/** The website incident an app's alert to `to` folds into, or null to send its own. */
async function foldTarget(
  tx: Repositories,
  website: Monitor,
  t: Transition,
  to: AlertTarget,
  adminEmail: string | null,
  channelKinds: ReadonlyMap<number, string>,
): Promise<number | null> {
  const open = (await tx.states.get(website.id)).openIncidentId;
  if (t.kind === "down") {
    if (open === null) return null;
    const row = await tx.outbox.find(open, "down", to.channel, to.target);
    return row && ["pending", "sending", "sent"].includes(row.status) ? open : null;
  }
  if (open !== null) {
    const down = await tx.outbox.find(t.incident.id, "down", to.channel, to.target);
    const willHear = hasTarget(
      alertTargets(website, null, "recovered", adminEmail, channelKinds),
      to.channel,
      to.target,
    );
    return down?.status === "grouped" && down.groupedInto === open && willHear ? open : null;
  }
  const last = (await tx.incidents.list(website.id, 1, "down"))[0];
  // The website's email lists only apps whose outage overlaps its own.
  if (!last || last.endedAt === null || t.incident.endedAt! < last.startedAt) return null;
  if (t.incident.startedAt > last.endedAt) return null;
  return (await tx.outbox.find(last.id, "recovered", to.channel, to.target))?.status === "pending"
    ? last.id
    : null;
}

/** How long an app's DOWN waits because its website is failing below its threshold. */
async function websiteHold(tx: Repositories, website: Monitor): Promise<number> {
  if (!website.active) return 0;
  const s = await tx.states.get(website.id);
  if (s.state !== "pending" || s.consecutiveFailures === 0) return 0;
  const remaining = Math.max(1, website.failureThreshold - s.consecutiveFailures);
  return Math.min(
    MAX_WEBSITE_HOLD_MS,
    remaining * website.retryIntervalS * 1000 + website.timeoutMs,
  );
}
