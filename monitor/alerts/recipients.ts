/** Who receives an alert, on which channel: pure, table-tested. */
import type { Monitor } from "../types.ts";
import type { AlertKind } from "./message.ts";
import { EMAIL_CHANNEL } from "./channel.ts";

/** One destination of an alert: a channel kind and the target on it (an address for email). */
export interface AlertTarget {
  channel: string;
  target: string;
}

/** The email recipient fields of a monitor. */
export type EmailLists = Pick<Monitor, "alertEmails" | "recoveryEmails">;
/** Every recipient field of a monitor: its emails and its notification channels. */
export type RecipientLists = EmailLists & Pick<Monitor, "channelIds">;

/**
 * Recipients of a `kind` alert for `monitor`: its alert list (DOWN, reminders) or recovery list
 * (RECOVERED), then the admin. An internal app whose list of that kind is empty inherits its
 * website's list of the same kind, so apps need no configuration of their own. Duplicates are
 * dropped case-insensitively, keeping the first spelling.
 *
 * @example
 * ```ts
 * import { alertRecipients } from "./recipients.ts";
 * const site = { alertEmails: ["Ops@x.io"], recoveryEmails: [] };
 * alertRecipients({ alertEmails: [], recoveryEmails: [] }, site, "down", "ops@X.io"); // ["Ops@x.io"]
 * ```
 */
export function alertRecipients(
  monitor: EmailLists,
  parent: EmailLists | null,
  kind: AlertKind,
  adminEmail: string | null,
): string[] {
  const pick = (m: EmailLists) => kind === "recovered" ? m.recoveryEmails : m.alertEmails;
  let own = pick(monitor);
  if (own.length === 0 && parent) own = pick(parent);
  return dedupeAddresses([...own, ...(adminEmail ? [adminEmail] : [])]);
}

/**
 * Every destination of a `kind` alert for `monitor`, as (channel, target) pairs: the
 * {@link alertRecipients} on the email channel, then the monitor's notification channels as
 * (their kind, their id). An internal app with no channels of its own uses its website's.
 * `channelKinds` maps the configured channels' ids to their kinds; ids no longer configured are
 * skipped. The outbox, grouping and retries work on the pairs alone.
 */
export function alertTargets(
  monitor: RecipientLists,
  parent: RecipientLists | null,
  kind: AlertKind,
  adminEmail: string | null,
  channelKinds: ReadonlyMap<number, string> = new Map(),
): AlertTarget[] {
  const emails = alertRecipients(monitor, parent, kind, adminEmail)
    .map((target) => ({ channel: EMAIL_CHANNEL, target }));
  const ids = monitor.channelIds.length === 0 && parent ? parent.channelIds : monitor.channelIds;
  const channels = ids.flatMap((id) => {
    const channel = channelKinds.get(id);
    return channel ? [{ channel, target: String(id) }] : [];
  });
  return [...emails, ...channels];
}

/** Whether `list` holds (`channel`, `target`), the target compared case-insensitively. */
export function hasTarget(list: readonly AlertTarget[], channel: string, target: string): boolean {
  const key = target.toLowerCase();
  return list.some((t) => t.channel === channel && t.target.toLowerCase() === key);
}

/** Trims, drops empties and case-insensitive duplicates, keeping the first spelling. */
export function dedupeAddresses(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const a = raw.trim();
    const key = a.toLowerCase();
    if (a === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}
