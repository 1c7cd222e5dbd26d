/** Who receives an alert: pure, table-tested. */
import type { Monitor } from "../types.ts";
import type { AlertKind } from "./message.ts";

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
