/** Validation of monitor input from the API (JSON) and the dashboard (form strings). */
import type { Monitor, MonitorKind } from "./types.ts";
import type { MonitorFields } from "./store/monitors.ts";
import { normalizeExpectedStatus } from "./expected_status.ts";
import { isEmailAddress } from "./config.ts";

/** Monitor input with the API's snake_case field names. Values may be strings (forms). */
export type MonitorInput = Record<string, unknown>;

/** The API field names, in form order. */
export const MONITOR_FIELDS = [
  "name",
  "url",
  "kind",
  "expected_status",
  "timeout_ms",
  "interval_s",
  "retry_interval_s",
  "failure_threshold",
  "alert_emails",
  "recovery_emails",
  "parent_id",
  "active",
  "ignore_tls_errors",
  "max_redirects",
  "reminder_interval_min",
] as const;

/** Defaults for a new monitor. */
export const DEFAULTS = {
  expected_status: "200",
  timeout_ms: 10_000,
  interval_s: 60,
  failure_threshold: 1,
  max_redirects: 10,
} as const;

/** Limits enforced on numeric fields, shown in messages and form hints. */
export const LIMITS = {
  interval_s: [10, 86_400],
  retry_interval_s: [10, 86_400],
  timeout_ms: [100, 120_000],
  failure_threshold: [1, 100],
  max_redirects: [0, 20],
  reminder_interval_min: [5, 10_080],
} as const;

/** What a parent lookup returns: enough to check nesting rules. */
export interface ParentInfo {
  id: number;
  parentId: number | null;
}

/** Context needed to validate references. */
export interface ValidateContext {
  /** The monitor being edited, if any. */
  existing?: Monitor;
  getParent(id: number): ParentInfo | null;
  /** Whether the edited monitor has internal apps (then it cannot become one). */
  hasChildren?: boolean;
  /** Reject fields not in MONITOR_FIELDS (the API); forms pass false. */
  rejectUnknown?: boolean;
}

/** Converts a stored monitor back to API input (for PATCH merges and edit forms). */
export function monitorToInput(m: Monitor): MonitorInput {
  return {
    name: m.name,
    url: m.url,
    kind: m.kind,
    expected_status: m.expectedStatus,
    timeout_ms: m.timeoutMs,
    interval_s: m.intervalS,
    retry_interval_s: m.retryIntervalS,
    failure_threshold: m.failureThreshold,
    alert_emails: m.alertEmails,
    recovery_emails: m.recoveryEmails,
    parent_id: m.parentId,
    active: m.active,
    ignore_tls_errors: m.ignoreTlsErrors,
    max_redirects: m.maxRedirects,
    reminder_interval_min: m.reminderIntervalMin,
  };
}

/**
 * C0 and C1 control characters (NUL, tab, CR, LF, ESC, DEL …) and the Unicode line and paragraph
 * separators. In a name they end up in log lines and email subjects, where they truncate the text
 * (NUL) or split one header or line into two.
 */
const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/u;
/** Anything a URL must not contain raw: `new URL()` would silently percent-encode or drop it. */
const URL_FORBIDDEN_CHARS = /[\s\p{Cc}]/u;

/** The field error for free text containing a control character. */
export const CONTROL_CHARS_MESSAGE =
  "Must not contain control characters (such as tabs or line breaks)";

/** Whether `s` contains a control character or a line separator. */
export function hasControlChars(s: string): boolean {
  return CONTROL_CHARS.test(s);
}

const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/**
 * Validates input into storable fields, or returns every field error at once.
 * Absent optional fields take their defaults.
 */
export function validateMonitor(
  input: MonitorInput,
  ctx: ValidateContext,
): { fields: MonitorFields; errors?: undefined } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (ctx.rejectUnknown) {
    for (const key of Object.keys(input)) {
      if (!(MONITOR_FIELDS as readonly string[]).includes(key)) errors[key] = "Unknown field";
    }
  }

  const int = (key: keyof typeof LIMITS, fallback: number | null): number | null => {
    const v = input[key];
    if (blank(v)) return fallback;
    const n = typeof v === "number"
      ? v
      : typeof v === "string" && /^\s*-?\d+\s*$/.test(v)
      ? Number(v)
      : NaN;
    const [min, max] = LIMITS[key];
    if (!Number.isInteger(n)) errors[key] = "Must be a whole number";
    else if (n < min || n > max) errors[key] = `Must be from ${min} to ${max}`;
    else return n;
    return fallback;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = input[key];
    if (blank(v)) return fallback;
    if (typeof v === "boolean") return v;
    if (typeof v === "string" && ["true", "on", "1", "yes"].includes(v.toLowerCase())) return true;
    if (typeof v === "string" && ["false", "off", "0", "no"].includes(v.toLowerCase())) {
      return false;
    }
    errors[key] = "Must be true or false";
    return fallback;
  };
  const emails = (key: string): string[] => {
    const v = input[key];
    if (blank(v)) return [];
    const list = Array.isArray(v) ? v : typeof v === "string" ? v.split(/[\s,;]+/) : null;
    if (!list || list.some((x) => typeof x !== "string")) {
      errors[key] = "Must be a list of email addresses";
      return [];
    }
    const cleaned = [...new Set((list as string[]).map((x) => x.trim()).filter((x) => x !== ""))];
    // Checked first so that the error message never echoes a control character back.
    if (cleaned.some(hasControlChars)) {
      errors[key] = CONTROL_CHARS_MESSAGE;
      return [];
    }
    const bad = cleaned.filter((x) => !isEmailAddress(x));
    if (bad.length) errors[key] = `Not a valid email address: ${bad.join(", ")}`;
    else if (cleaned.length > 50) errors[key] = "At most 50 addresses";
    return cleaned;
  };

  // name
  const name = typeof input.name === "string" ? input.name.trim() : "";
  if (name === "") errors.name = "Required";
  else if (hasControlChars(name)) errors.name = CONTROL_CHARS_MESSAGE;
  else if (name.length > 200) errors.name = "At most 200 characters";

  // url and kind
  let kind: MonitorKind = "http";
  let url = typeof input.url === "string" ? input.url.trim() : "";
  if (url === "") {
    errors.url = "Required";
  } else if (URL_FORBIDDEN_CHARS.test(url)) {
    // Checked on the raw text: the URL parser would quietly turn "a b" into "a%20b" (or strip a
    // tab), so the stored target would not be what was typed.
    errors.url = "Must not contain spaces or control characters: write a space as %20";
  } else {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    const scheme = parsed?.protocol.replace(/:$/, "").toLowerCase();
    if (!parsed || !scheme) {
      errors.url = "Not a valid URL: use http://, https:// or tcp://host:port";
    } else if (scheme !== "http" && scheme !== "https" && scheme !== "tcp") {
      errors.url = `The ${scheme}: scheme is not allowed: use http://, https:// or tcp://host:port`;
    } else if (parsed.hostname === "") {
      errors.url = "The URL has no host";
    } else if (parsed.port !== "" && !(Number(parsed.port) >= 1 && Number(parsed.port) <= 65535)) {
      // The parser accepts port 0, which no server listens on; a larger port fails to parse.
      errors.url = "Port must be from 1 to 65535";
    } else if (scheme === "tcp") {
      kind = "tcp";
      if (!parsed.port) {
        errors.url = "A tcp:// target needs a port: tcp://host:port";
      } else url = `tcp://${parsed.host}`;
    } else if (url.length > 2048) {
      errors.url = "At most 2048 characters";
    }
  }
  if (!blank(input.kind)) {
    if (input.kind !== "http" && input.kind !== "tcp") errors.kind = 'Must be "http" or "tcp"';
    else if (!errors.url && input.kind !== kind) {
      errors.kind = input.kind === "tcp"
        ? "A tcp monitor needs a tcp://host:port URL"
        : "An http monitor needs an http:// or https:// URL";
    }
  }

  // expected status
  let expectedStatus: string = DEFAULTS.expected_status;
  if (!blank(input.expected_status)) {
    try {
      expectedStatus = normalizeExpectedStatus(String(input.expected_status));
    } catch (err) {
      errors.expected_status = (err as Error).message;
    }
  }

  const intervalS = int("interval_s", DEFAULTS.interval_s)!;
  const timeoutMs = int("timeout_ms", Math.min(DEFAULTS.timeout_ms, intervalS * 1000))!;
  if (!errors.timeout_ms && !errors.interval_s && timeoutMs > intervalS * 1000) {
    errors.timeout_ms = `Must not be longer than the interval (${intervalS * 1000} ms)`;
  }
  const retryIntervalS = int("retry_interval_s", intervalS)!;
  const failureThreshold = int("failure_threshold", DEFAULTS.failure_threshold)!;
  const maxRedirects = int("max_redirects", DEFAULTS.max_redirects)!;
  const reminderIntervalMin = int("reminder_interval_min", null);

  // parent
  let parentId: number | null = null;
  if (!blank(input.parent_id)) {
    const v = input.parent_id;
    const id = typeof v === "number"
      ? v
      : typeof v === "string" && /^\d+$/.test(v.trim())
      ? Number(v)
      : NaN;
    if (!Number.isInteger(id)) errors.parent_id = "Must be the id of a website";
    else if (ctx.existing && id === ctx.existing.id) {
      errors.parent_id = "A monitor cannot be its own parent";
    } else {
      const parent = ctx.getParent(id);
      if (!parent) errors.parent_id = `No website with id ${id}`;
      else if (parent.parentId !== null) {
        errors.parent_id = "That monitor is itself an internal app; pick a website";
      } else if (ctx.hasChildren) {
        errors.parent_id = "This website has internal apps, so it cannot become one";
      } else parentId = id;
    }
  }

  const fields: MonitorFields = {
    parentId,
    name,
    kind,
    url,
    expectedStatus,
    timeoutMs,
    intervalS,
    retryIntervalS,
    failureThreshold,
    alertEmails: emails("alert_emails"),
    recoveryEmails: emails("recovery_emails"),
    active: bool("active", true),
    ignoreTlsErrors: bool("ignore_tls_errors", false),
    maxRedirects,
    reminderIntervalMin,
  };
  return Object.keys(errors).length ? { errors } : { fields };
}
