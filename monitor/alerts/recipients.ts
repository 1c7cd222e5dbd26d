/** Who receives an alert, on which channel: pure, table-tested. */
import type { Monitor } from "../types.ts";
import type { AlertKind } from "./message.ts";
import { EMAIL_CHANNEL } from "./channel.ts";

/** One destination of an alert: a channel kind and the target on it (an address for email). */
export interface AlertTarget {
  channel: string;
  target: string;
}

/** The recipient fields of a monitor. */
export type RecipientLists = Pick<Monitor, "alertEmails" | "recoveryEmails">;

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
  monitor: RecipientLists,
  parent: RecipientLists | null,
  kind: AlertKind,
  adminEmail: string | null,
): string[] {
  const pick = (m: RecipientLists) => kind === "recovered" ? m.recoveryEmails : m.alertEmails;
  let own = pick(monitor);
  if (own.length === 0 && parent) own = pick(parent);
  return dedupeAddresses([...own, ...(adminEmail ? [adminEmail] : [])]);
}

/**
 * Every destination of a `kind` alert for `monitor`, as (channel, target) pairs: today the
 * {@link alertRecipients} on the email channel. Another channel adds its pairs here; the
 * outbox, grouping and retries need no change.
 */
export function alertTargets(
  monitor: RecipientLists,
  parent: RecipientLists | null,
  kind: AlertKind,
  adminEmail: string | null,
): AlertTarget[] {
  return alertRecipients(monitor, parent, kind, adminEmail)
    .map((target) => ({ channel: EMAIL_CHANNEL, target }));
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
