/** Text formatting shared by the components. Pure: the current time is always passed in. */
import type { Check, ErrorKind, MonitorKind, MonitorStatus } from "../monitor/types.ts";

/** Human labels for error kinds (kept here: components import only types from monitor/). */
export const ERROR_LABELS: Record<ErrorKind, string> = {
  timeout: "Timeout",
  unexpected_status: "Unexpected status",
  connection_refused: "Connection refused",
  dns: "DNS failure",
  tls: "TLS error",
  connection_reset: "Connection reset",
  network: "Network error",
  assertion: "Assertion failed",
  slow: "Slow responses",
  certificate_expiry: "Certificate expiring",
  late: "Ping late",
  job_failed: "Job failed",
};

/** Short cause words for the overview's narrow result column (the full message is a tooltip). */
export const ERROR_SHORT_LABELS: Record<ErrorKind, string> = {
  timeout: "Timeout",
  unexpected_status: "Bad status",
  connection_refused: "Refused",
  dns: "DNS",
  tls: "TLS",
  connection_reset: "Reset",
  network: "Network",
  assertion: "Assertion",
  slow: "Slow",
  certificate_expiry: "Certificate",
  late: "Late",
  job_failed: "Job failed",
};

/** Status words shown next to the colour, so colour is never the only signal. */
export const STATUS_LABELS: Record<MonitorStatus, string> = {
  up: "Up",
  degraded: "Degraded",
  down: "Down",
  pending: "Pending",
  maintenance: "Maintenance",
  paused: "Paused",
};

/**
 * "12 s ago", "5 min ago", "3 h ago", "2 d ago"; a time ahead reads "in 8 h" (a push monitor's
 * next expected ping).
 *
 * @example
 * ```ts
 * import { ago } from "./format.ts";
 * ago(1_000, 13_000); // "12 s ago"
 * ago(13_000, 1_000); // "in 12 s"
 * ```
 */
export function ago(t: number, now: number): string {
  const s = Math.round(Math.abs(now - t) / 1000);
  if (s < 2) return "just now";
  const span = s < 60
    ? `${s} s`
    : s < 3600
    ? `${Math.floor(s / 60)} min`
    : s < 172_800
    ? `${Math.floor(s / 3600)} h`
    : `${Math.floor(s / 86_400)} d`;
  return t > now ? `in ${span}` : `${span} ago`;
}

/**
 * A duration in the two largest units: "45 s", "5 min 3 s", "2 h 5 min", "3 d 4 h".
 *
 * @example
 * ```ts
 * import { duration } from "./format.ts";
 * duration(303_000); // "5 min 3 s"
 * ```
 */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400), h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return sec ? `${m} min ${sec} s` : `${m} min`;
  return `${sec} s`;
}

/**
 * An uptime percentage with two decimals, rounded to the nearest (99.987 → "99.99%", not
 * "99.98%"), except that an uptime below 100 never shows as "100.00%" (99.999 → "99.99%");
 * "–" when unknown. The one uptime format of the dashboard.
 *
 * @example
 * ```ts
 * import { pct } from "./format.ts";
 * pct(99.987); // "99.99%"
 * pct(99.999); // "99.99%"
 * pct(100); // "100.00%"
 * ```
 */
export function pct(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "–";
  if (p >= 100) return "100.00%";
  if (p <= 0) return "0.00%";
  // toPrecision first: 99.985 * 100 is 9998.499999…, which would round down.
  const hundredths = Math.round(Number((p * 100).toPrecision(12)));
  return `${(Math.min(hundredths, 9999) / 100).toFixed(2)}%`;
}

/**
 * A latency: "87 ms", "1.24 s"; "–" when unknown.
 *
 * @example
 * ```ts
 * import { ms } from "./format.ts";
 * ms(1240); // "1.24 s"
 * ```
 */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (v < 1000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
}

/** An absolute UTC time: "2025-11-26 17:04:31 UTC" (the server does not know the viewer's zone). */
export function utc(t: number): string {
  return new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** ISO-8601 for `<time datetime>`. */
export function iso(t: number): string {
  return new Date(t).toISOString();
}

/** `iso()` to the second ("2025-01-01T12:00:00Z"), as the overview's 2,000 rows carry it. */
export function isoSeconds(t: number): string {
  return `${iso(Math.floor(t / 1000) * 1000).slice(0, 19)}Z`;
}

/**
 * The URL when it is safe to render as a link (http or https only), else null. Credentials are
 * dropped so a `user:password@` target never reaches the page.
 */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return null;
  }
}

/**
 * A URL for display: no scheme for http(s), credentials masked.
 *
 * @example
 * ```ts
 * import { displayUrl } from "./format.ts";
 * displayUrl("https://bob:pw@example.com/health"); // "***@example.com/health"
 * ```
 */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1***@").replace(/^https?:\/\//i, "");
}

/** A monitor kind, as the labels name it. */
type ProbeKind = MonitorKind;

/** What a successful check of each kind did, for people. */
const OK_LABELS: Record<ProbeKind, string> = {
  http: "HTTP OK",
  tcp: "TCP connected",
  dns: "DNS resolved",
  push: "Ping received",
};

/** The reason phrase of the common status codes, for "HTTP 200 OK". */
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
};

/**
 * The outcome of a check in a few words, fitting its kind: "HTTP 200 OK", "TCP connected",
 * "DNS resolved" for a success; the raw status code or the error kind for a failure.
 *
 * @example
 * ```ts
 * import { resultText } from "./format.ts";
 * resultText({ ok: true, httpStatus: null, errorKind: null }, "tcp"); // "TCP connected"
 * ```
 */
export function resultText(
  c: Pick<Check, "ok" | "httpStatus" | "errorKind">,
  kind: ProbeKind = "http",
): string {
  if (c.errorKind && c.errorKind !== "unexpected_status") return ERROR_LABELS[c.errorKind];
  if (c.httpStatus !== null) {
    const reason = c.ok ? REASONS[c.httpStatus] : undefined;
    return reason ? `HTTP ${c.httpStatus} ${reason}` : `HTTP ${c.httpStatus}`;
  }
  return c.ok ? OK_LABELS[kind] : "Failed";
}

/** Every way a stored message may already start with its kind's words (probe and page labels). */
const MESSAGE_PREFIXES: Record<ErrorKind, string[]> = {
  timeout: ["Timeout", "Timed out"],
  unexpected_status: ["Unexpected status"],
  connection_refused: ["Connection refused"],
  dns: ["DNS failure", "DNS lookup failed"],
  tls: ["TLS error"],
  connection_reset: ["Connection reset"],
  network: ["Network error"],
  assertion: ["Assertion failed"],
  slow: ["Slow"],
  certificate_expiry: ["Certificate expiring"],
  late: ["Ping late", "Late"],
  job_failed: ["Job failed"],
};

/**
 * What an error message adds to its kind's label, or null when it adds nothing. Probe messages
 * start with their own label ("Connection refused: …"), which a page printing the label first
 * would say twice; a message that merely repeats the label (any case, with or without an
 * "(os error 111)" code) adds nothing either.
 *
 * @example
 * ```ts
 * import { errorDetail } from "./format.ts";
 * errorDetail("timeout", "Timed out: no connection within 5000 ms"); // "no connection within 5000 ms"
 * errorDetail("connection_refused", "connection refused"); // null
 * ```
 */
export function errorDetail(kind: ErrorKind, message: string | null): string | null {
  let rest = (message ?? "").trim();
  const prefixes = [...MESSAGE_PREFIXES[kind], ERROR_LABELS[kind]].map((p) => p.toLowerCase());
  for (let again = true; again;) {
    again = false;
    for (const p of prefixes) {
      const lower = rest.toLowerCase();
      if (lower.startsWith(p) && /^\s*(:|$)/.test(rest.slice(p.length))) {
        rest = rest.slice(p.length).replace(/^\s*:\s*/, "").trim();
        again = true;
      }
    }
  }
  if (rest === "") return null;
  const bare = rest.replace(/\s*\((os )?error \d+\)$/i, "").toLowerCase();
  if (prefixes.includes(bare)) return null;
  return rest;
}

/**
 * An error kind's label and, when it adds information, its message, saying each thing once:
 * "Connection refused (os error 111)" rather than "Connection refused: Connection refused (os
 * error 111)", "Timeout: no connection within 5000 ms" rather than "Timeout: Timed out: …".
 *
 * @example
 * ```ts
 * import { errorLine } from "./format.ts";
 * errorLine("connection_refused", "Connection refused: connection refused"); // "Connection refused"
 * ```
 */
export function errorLine(kind: ErrorKind, message: string | null): string {
  const label = ERROR_LABELS[kind];
  const detail = errorDetail(kind, message);
  if (detail === null) return label;
  // "Connection refused (os error 111)": the detail already starts with the label's words.
  if (detail.toLowerCase().startsWith(label.toLowerCase())) {
    return detail[0].toUpperCase() + detail.slice(1);
  }
  return `${label}: ${detail}`;
}
