/** Monitor form values: request body → API input, and stored monitor → form strings. */
import type { Context } from "hono";
import type { Monitor } from "../monitor/types.ts";
import { DEFAULTS, MONITOR_FIELDS, monitorToInput } from "../monitor/validate.ts";

/** Checkbox fields: absent from a browser's form data when unchecked. */
const BOOL_FIELDS = new Set(["active", "ignore_tls_errors"]);

/**
 * The monitor fields of a form post, each as the string typed. Checkboxes are normalised to
 * "true"/"false": the form sends a hidden "false" before each box (the last value wins), and a
 * missing field also means unchecked, because the validator would otherwise apply its default.
 */
export async function monitorFormValues(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELDS) {
    const v = body[f];
    out[f] = typeof v === "string" ? v : "";
  }
  for (const f of BOOL_FIELDS) {
    out[f] = ["true", "on", "1", "yes"].includes(out[f].toLowerCase()) ? "true" : "false";
  }
  return out;
}

/** Form values for a new monitor (with the parent preselected when given). */
export function newMonitorValues(parentId?: number): Record<string, string> {
  return {
    name: "",
    url: "",
    kind: "http",
    expected_status: DEFAULTS.expected_status,
    timeout_ms: String(DEFAULTS.timeout_ms),
    interval_s: String(DEFAULTS.interval_s),
    retry_interval_s: "",
    failure_threshold: String(DEFAULTS.failure_threshold),
    alert_emails: "",
    recovery_emails: "",
    parent_id: parentId === undefined ? "" : String(parentId),
    active: "true",
    ignore_tls_errors: "false",
    max_redirects: String(DEFAULTS.max_redirects),
    reminder_interval_min: "",
  };
}

/** Form values of a stored monitor. */
export function monitorValues(m: Monitor): Record<string, string> {
  const input = monitorToInput(m);
  const out: Record<string, string> = {};
  for (const f of MONITOR_FIELDS) {
    const v = input[f];
    out[f] = Array.isArray(v) ? v.join("\n") : v === null || v === undefined ? "" : String(v);
  }
  return out;
}
