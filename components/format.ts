/** Text formatting shared by the components. Pure: the current time is always passed in. */
import type { Check, ErrorKind, MonitorStatus } from "../monitor/types.ts";

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
  late: "Late",
  job_failed: "Job failed",
};

/** Status words shown next to the colour, so colour is never the only signal. */
export const STATUS_LABELS: Record<MonitorStatus, string> = {
  up: "Up",
  down: "Down",
  pending: "Pending",
  paused: "Paused",
};

/**
 * "12 s ago", "5 min ago", "3 h ago", "2 d ago".
 *
 * @example
 * ```ts
 * import { ago } from "./format.ts";
 * ago(1_000, 13_000); // "12 s ago"
 * ```
 */
export function ago(t: number, now: number): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 2) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
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
 * An uptime percentage, rounded down so 99.999 never shows as 100; "–" when unknown.
 *
 * @example
 * ```ts
 * import { pct } from "./format.ts";
 * pct(99.999); // "99.99%"
 * ```
 */
export function pct(p: number | null): string {
  if (p === null) return "–";
  if (p >= 100) return "100%";
  const floored = Math.floor(p * 100) / 100;
  return `${floored.toFixed(floored >= 10 ? 2 : 1)}%`;
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

/** The outcome of a check in a few words: the raw status code, or the error kind. */
export function resultText(c: Check): string {
  if (c.errorKind && c.errorKind !== "unexpected_status") return ERROR_LABELS[c.errorKind];
  if (c.httpStatus !== null) return `HTTP ${c.httpStatus}`;
  return c.ok ? "OK" : "Failed";
}
