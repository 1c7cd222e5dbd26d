/**
 * Alert emails as pure functions of their facts: no I/O, no clock (`now` is a field), so every
 * wording is pinned by table tests. Subjects are short enough for a phone's lock screen.
 */
import type { AppOutageRow } from "../store/records.ts";
import type { CertificateInfo, ErrorKind, Incident } from "../types.ts";
import { expiresIn } from "../cert_expiry.ts";

/** What an alert row announces (defined with the outbox rows in the store). */
import type { AlertKind } from "../store/records.ts";
export type { AlertKind };

/** The monitor as the email shows it. */
export interface MonitorFacts {
  id: number;
  name: string;
  url: string;
  expectedStatus: string;
  timeoutMs: number;
  failureThreshold: number;
  /** The website's name when this monitor is an internal app. */
  parentName: string | null;
  /** The DEGRADED threshold (ms), when set. */
  degradedMs?: number | null;
}

/** The check that caused the transition (null when it was pruned). */
export interface CheckFacts {
  checkedAt: number;
  latencyMs: number;
  httpStatus: number | null;
  errorKind: ErrorKind | null;
  errorMessage: string | null;
}

/** An internal app that failed during the website's outage (its URL already redacted). */
export type AffectedApp = Omit<AppOutageRow, "monitorId"> & { id: number };

/** Everything one alert email says. */
export interface AlertFacts {
  kind: AlertKind;
  /** Reminder number (1, 2, …); 0 otherwise. */
  seq: number;
  monitor: MonitorFacts;
  incident: Incident;
  check: CheckFacts | null;
  /** Consecutive failed checks when the monitor went DOWN. */
  failures: number;
  /** The failure threshold in force when it went DOWN. */
  threshold: number;
  /** Internal apps folded into this (website) email. */
  affected: AffectedApp[];
  /** `${baseUrl}/monitors/${id}`. */
  dashboardUrl: string;
  /** Render time (epoch ms): durations of outages still open end here. */
  now: number;
  /** For a certificate warning: the certificate the monitor presents now. */
  certificate?: CertificateInfo | null;
}

/** A rendered email. */
export interface AlertMessage {
  subject: string;
  text: string;
  html: string;
}

const SHORT_CAUSE: Record<ErrorKind, string> = {
  timeout: "timeout",
  unexpected_status: "unexpected response",
  connection_refused: "connection refused",
  dns: "DNS lookup failed",
  tls: "TLS error",
  connection_reset: "connection reset",
  network: "network error",
  assertion: "assertion failed",
  slow: "slow responses",
  certificate_expiry: "certificate expiring",
  late: "ping late",
  job_failed: "job failed",
};

const REASONS: Record<number, string> = {
  301: "Moved Permanently",
  302: "Found",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The cause in two or three words for a subject line.
 *
 * @example
 * ```ts
 * import { shortCause } from "./message.ts";
 * shortCause("unexpected_status", 502); // "HTTP 502"
 * shortCause("connection_refused", null); // "connection refused"
 * ```
 */
export function shortCause(kind: ErrorKind, httpStatus: number | null): string {
  // A status code is the most precise thing we know, whatever the kind says.
  if (httpStatus !== null && kind === "unexpected_status") return `HTTP ${httpStatus}`;
  return SHORT_CAUSE[kind];
}

/**
 * A monitor's URL as messages show it. A push monitor has none (its ping URL is a secret and is
 * never put in a message), so it is named for what it is.
 */
export function shownUrl(url: string): string {
  return url === "push://" ? "push monitor (pinged by its job)" : url;
}

/** The cause as a sentence a non-specialist can act on. */
export function causeInWords(
  kind: ErrorKind,
  httpStatus: number | null,
  m: Pick<MonitorFacts, "expectedStatus" | "timeoutMs"> & { url?: string },
): string {
  // A dns:// monitor asks a DNS server instead of connecting to the host.
  if (m.url !== undefined && /^dns:/i.test(m.url)) {
    if (kind === "timeout") {
      return `The DNS server did not answer within the ${formatDuration(m.timeoutMs)} timeout.`;
    }
    if (kind === "dns") {
      return "The DNS lookup failed: the name does not exist, has no records of the type asked for, or does not resolve to the expected value.";
    }
  }
  switch (kind) {
    case "unexpected_status": {
      if (httpStatus === null) {
        return `The response did not match the expected ${m.expectedStatus}.`;
      }
      const reason = REASONS[httpStatus] ? ` ${REASONS[httpStatus]}` : "";
      return `The server answered HTTP ${httpStatus}${reason}; expected ${m.expectedStatus}.`;
    }
    case "timeout":
      return `No complete response within the ${formatDuration(m.timeoutMs)} timeout.`;
    case "connection_refused":
      return "The server refused the connection: nothing is listening on that port, or a firewall rejected it.";
    case "dns":
      return "The host name could not be resolved (DNS lookup failed).";
    case "tls":
      return "The secure connection (TLS) failed: the certificate may be expired, self-signed or for another name.";
    case "connection_reset":
      return "The connection was dropped before a complete response arrived.";
    case "network":
      return "A network error prevented the check from completing.";
    case "assertion":
      return "The server answered with the expected status, but the response failed one of the monitor's assertions (its content, a header or the response time).";
    case "slow":
      return "The service is up, but its responses have been slower than the monitor's DEGRADED threshold for several checks in a row.";
    case "certificate_expiry":
      return "The server's TLS certificate expires soon: renew it before browsers and clients refuse the connection.";
    case "late":
      return "The job did not ping in time: no success ping arrived by the expected time plus the grace period. It may not have run, may still be running, or may have failed before pinging.";
    case "job_failed":
      return "The job reported a failure: it pinged its /fail URL or a nonzero exit code.";
  }
}

/**
 * A human duration, coarse enough to read at a glance.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./message.ts";
 * formatDuration(252_000); // "4m 12s"
 * formatDuration(3_780_000); // "1h 3m"
 * ```
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

const iso = (t: number) => new Date(t).toISOString();
// Header injection is impossible through nodemailer, but a newline would still break the subject.
const oneLine = (s: string) => s.replace(/\p{Cc}+/gu, " ").trim();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Builds the subject, plain-text and HTML bodies of one alert. */
export function buildAlertMessage(f: AlertFacts): AlertMessage {
  const type = f.incident.type;
  const rows = factRows(f);
  const intro = introLine(f);
  const apps = f.affected.map((a) => appLine(a, f.now));
  const appsTitle = `Internal apps affected (${f.affected.length}):`;
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const text = [
    intro,
    "",
    ...rows.map(([k, v]) => `${(k + ":").padEnd(width + 1)}${v}`),
    ...(apps.length ? ["", appsTitle, ...apps.map((a) => `  - ${a}`)] : []),
    "",
    `Open the dashboard: ${f.dashboardUrl}`,
    "",
    "-- ",
    "Server Health Checker",
    "",
  ].join("\n");
  const color = f.kind === "recovered"
    ? "#1a7f37"
    : type === "down" || f.kind === "reminder"
    ? "#cf222e"
    : "#9a6700";
  const html = [
    "<!DOCTYPE html>",
    '<html><body style="font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;font-size:15px;line-height:1.4;color:#1f2328">',
    `<p style="font-size:17px;font-weight:600;color:${color};margin:0 0 12px">${
      escapeHtml(intro)
    }</p>`,
    '<table cellpadding="4" cellspacing="0" style="border-collapse:collapse">',
    ...rows.map(([k, v]) =>
      `<tr><th align="left" valign="top" style="padding-right:12px;white-space:nowrap">${
        escapeHtml(k)
      }</th><td style="word-break:break-all">${escapeHtml(v)}</td></tr>`
    ),
    "</table>",
    ...(apps.length
      ? [
        `<p style="margin:12px 0 4px;font-weight:600">${escapeHtml(appsTitle)}</p>`,
        `<ul style="margin:0;padding-left:20px">${
          apps.map((a) => `<li>${escapeHtml(a)}</li>`).join("")
        }</ul>`,
      ]
      : []),
    `<p style="margin:16px 0"><a href="${
      escapeHtml(f.dashboardUrl)
    }" style="color:#0969da">Open the dashboard</a></p>`,
    '<p style="color:#59636e;font-size:12px">Server Health Checker</p>',
    "</body></html>",
    "",
  ].join("\n");
  return { subject: subjectLine(f), text, html };
}

/** The labelled facts of an alert, in reading order (the email's table). */
export function factRows(f: AlertFacts): [string, string][] {
  const type = f.incident.type;
  return type === "certificate"
    ? certificateRows(f)
    : type === "degraded"
    ? degradedRows(f)
    : f.kind === "recovered"
    ? recoveredRows(f)
    : downRows(f);
}

function subjectLine(f: AlertFacts): string {
  const i = f.incident;
  const name = oneLine(f.monitor.name);
  const n = f.affected.length;
  if (i.type === "certificate") {
    const when = f.certificate
      ? expiresIn(f.certificate.validTo, f.now)
      : `expires within ${plural(f.seq, "day")}`;
    return `[CERTIFICATE] ${name} — TLS certificate ${when}`;
  }
  if (i.type === "degraded") {
    return f.kind === "recovered"
      ? `[RECOVERED] ${name} — responses fast again after ${
        formatDuration(endOf(f) - i.startedAt)
      } degraded`
      : `[DEGRADED] ${name} — ${slowSummary(f)}`;
  }
  if (f.kind === "recovered") {
    const apps = n ? ` (+${plural(n, "internal app")})` : "";
    return `[RECOVERED] ${name} — down for ${formatDuration(endOf(f) - i.startedAt)}${apps}`;
  }
  const cause = shortCause(i.errorKind, i.httpStatus);
  const apps = n ? ` (+${plural(n, "internal app")})` : "";
  if (f.kind === "reminder") {
    return `[DOWN] ${name} — ${cause}, still down after ${
      formatDuration(f.now - i.startedAt)
    }${apps}`;
  }
  return `[DOWN] ${name} — ${cause}${apps}`;
}

/** The email's first line: "Shop is DOWN.", "Shop is DEGRADED: up, but slow.", … */
export function introLine(f: AlertFacts): string {
  const name = oneLine(f.monitor.name);
  const of = f.monitor.parentName ? ` (internal app of ${oneLine(f.monitor.parentName)})` : "";
  if (f.incident.type === "certificate") {
    return `The TLS certificate of ${name}${of} ${
      f.certificate ? expiresIn(f.certificate.validTo, f.now) : "expires soon"
    }.`;
  }
  if (f.incident.type === "degraded") {
    return f.kind === "recovered"
      ? `${name}${of} responds at normal speed again (no longer DEGRADED).`
      : `${name}${of} is DEGRADED: up, but slow.`;
  }
  if (f.kind === "recovered") return `${name}${of} is back UP.`;
  if (f.kind === "reminder") return `${name}${of} is still DOWN (reminder ${f.seq}).`;
  return `${name}${of} is DOWN.`;
}

const endOf = (f: AlertFacts) => f.incident.endedAt ?? f.now;

function rawLines(f: AlertFacts): [string, string][] {
  const i = f.incident;
  const rows: [string, string][] = [];
  if (i.httpStatus !== null) rows.push(["Status code", String(i.httpStatus)]);
  if (i.errorMessage) rows.push(["Error", i.errorMessage]);
  return rows;
}

function downRows(f: AlertFacts): [string, string][] {
  const i = f.incident;
  const rows: [string, string][] = [
    ["URL", shownUrl(f.monitor.url)],
    ["Cause", causeInWords(i.errorKind, i.httpStatus, f.monitor)],
    ...rawLines(f),
  ];
  if (f.check) rows.push(["Latency", `${Math.round(f.check.latencyMs)} ms`]);
  rows.push(["Detected", iso(i.confirmedAt)]);
  rows.push(["Failing since", iso(i.startedAt)]);
  rows.push(["Checks", `${f.failures} of ${f.threshold} failed checks`]);
  if (f.kind === "reminder") {
    rows.push(["Down for", formatDuration(f.now - i.startedAt)]);
    rows.push(["Failed checks", `${i.failureCount} so far, last at ${iso(i.lastFailureAt)}`]);
  }
  // Delivery can lag the outage (SMTP was down); say so rather than alarm about the past.
  if (i.endedAt !== null) {
    rows.push([
      "Update",
      `recovered at ${iso(i.endedAt)} after ${formatDuration(endOf(f) - i.startedAt)}`,
    ]);
  }
  return rows;
}

function recoveredRows(f: AlertFacts): [string, string][] {
  const i = f.incident;
  const rows: [string, string][] = [
    ["URL", shownUrl(f.monitor.url)],
    ["Down for", formatDuration(endOf(f) - i.startedAt)],
    ["First failure", iso(i.startedAt)],
    ["Last failure", iso(i.lastFailureAt)],
    ["Recovered", iso(endOf(f))],
    ["Failed checks", String(i.failureCount)],
    ["Cause was", `${causeInWords(i.errorKind, i.httpStatus, f.monitor)}`],
    ...rawLines(f).map(([k, v]): [string, string] => [`${k} was`, v]),
  ];
  if (f.check) {
    const status = f.check.httpStatus === null ? "" : `HTTP ${f.check.httpStatus}, `;
    rows.push(["Now", `${status}${Math.round(f.check.latencyMs)} ms`]);
  }
  return rows;
}

/** "slower than 800 ms (last 1234 ms)" for a DEGRADED subject. */
function slowSummary(f: AlertFacts): string {
  const limit = f.monitor.degradedMs;
  const last = f.check ? ` (last ${Math.round(f.check.latencyMs)} ms)` : "";
  return limit ? `slower than ${limit} ms${last}` : `slow responses${last}`;
}

function degradedRows(f: AlertFacts): [string, string][] {
  const i = f.incident;
  const rows: [string, string][] = [["URL", f.monitor.url]];
  if (f.kind === "recovered") {
    rows.push(["Degraded for", formatDuration(endOf(f) - i.startedAt)]);
    rows.push(["Degraded since", iso(i.startedAt)]);
    rows.push(["Back to normal", iso(endOf(f))]);
    rows.push(["Slow checks", String(i.failureCount)]);
    if (f.check) rows.push(["Now", `${Math.round(f.check.latencyMs)} ms`]);
    return rows;
  }
  rows.push(["Cause", causeInWords("slow", null, f.monitor)]);
  if (i.errorMessage) rows.push(["Detail", i.errorMessage]);
  if (f.monitor.degradedMs) rows.push(["Threshold", `${f.monitor.degradedMs} ms`]);
  if (f.check) rows.push(["Latency", `${Math.round(f.check.latencyMs)} ms`]);
  rows.push(["Degraded since", iso(i.startedAt)]);
  // Delivery can lag; say it is over rather than alarm about the past.
  if (i.endedAt !== null) rows.push(["Update", `back to normal at ${iso(i.endedAt)}`]);
  return rows;
}

function certificateRows(f: AlertFacts): [string, string][] {
  const c = f.certificate;
  const rows: [string, string][] = [["URL", f.monitor.url]];
  if (!c) {
    rows.push(["Detail", f.incident.errorMessage]);
    return rows;
  }
  rows.push(["Expires", `${iso(c.validTo)} (${expiresIn(c.validTo, f.now)})`]);
  rows.push(["Subject", c.subject]);
  rows.push(["Issuer", c.issuer]);
  rows.push(["Valid from", iso(c.validFrom)]);
  rows.push(["Fingerprint", `SHA-256 ${c.fingerprint}`]);
  rows.push(["Warning", `${plural(f.seq, "day")} before expiry`]);
  return rows;
}

function appLine(a: AffectedApp, now: number): string {
  const cause = shortCause(a.errorKind, a.httpStatus);
  const state = a.endedAt === null
    ? `DOWN since ${iso(a.startedAt)} (${formatDuration(now - a.startedAt)})`
    : `recovered at ${iso(a.endedAt)} after ${formatDuration(a.endedAt - a.startedAt)}`;
  return `${oneLine(a.name)} (${a.url}) — ${cause} — ${state}`;
}
