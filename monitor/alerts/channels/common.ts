/**
 * What the channel kinds share: the synthetic "test" alert, one renderer from {@link AlertFacts}
 * to the lines every message says (so ten kinds word an outage the same way), reading a
 * service's answer (`classifyAnswer`), settings validation (URLs, header lines) and masking of
 * secrets for the settings form and the API. Pure functions: no I/O, no clock unless passed.
 */
import type { ClassifiedError } from "../channel.ts";
import {
  type AlertFacts,
  buildAlertMessage,
  causeInWords,
  escapeHtml,
  factRows,
  formatDuration,
  introLine,
  shortCause,
  shownUrl,
} from "../message.ts";
import { redactUrl } from "../../log.ts";
import type { ChannelField, ChannelKind, HttpAnswer } from "./spec.ts";

// ---------------------------------------------------------------------------------------------
// The test alert

/** The monitor name of {@link testFacts}: a test message says so where a monitor name would be. */
export const TEST_MONITOR_NAME = "Test alert from Server Health Checker";

/**
 * A synthetic DOWN alert for the "send test" button: monitor and incident id 0, the name
 * {@link TEST_MONITOR_NAME}, an HTTP 503 cause that says it is a test. Every kind renders it like a
 * real DOWN alert, marked TEST (see {@link isTestFacts}).
 */
export function testFacts(now: number, dashboardUrl: string): AlertFacts {
  return {
    kind: "down",
    seq: 0,
    monitor: {
      id: 0,
      name: TEST_MONITOR_NAME,
      url: "https://example.com/health",
      expectedStatus: "200",
      timeoutMs: 10_000,
      failureThreshold: 1,
      parentName: null,
    },
    incident: {
      id: 0,
      monitorId: 0,
      type: "down",
      startedAt: now - 60_000,
      confirmedAt: now,
      endedAt: null,
      lastFailureAt: now,
      failureCount: 1,
      errorKind: "unexpected_status",
      httpStatus: 503,
      errorMessage: "This is a test: nothing is down. HTTP 503 is an example status.",
    },
    check: null,
    failures: 1,
    threshold: 1,
    affected: [],
    dashboardUrl,
    now,
  };
}

/** Whether `f` came from {@link testFacts} (real monitors and incidents have ids from 1). */
export function isTestFacts(f: AlertFacts): boolean {
  return f.monitor.id === 0 && f.incident.id === 0 && f.monitor.name === TEST_MONITOR_NAME;
}

/**
 * What a message announces: the alert kind, `degraded` (a DEGRADED incident's start; its end is
 * `recovered`), `warning` (a certificate expiry warning), or "test".
 */
export type AlertEvent = "down" | "recovered" | "reminder" | "degraded" | "warning" | "test";

/** The event of `f`. */
export function eventOf(f: AlertFacts): AlertEvent {
  if (isTestFacts(f)) return "test";
  if (f.kind === "down" && f.incident.type === "degraded") return "degraded";
  return f.kind;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Removes `user:password@` from every URL in `text` (error messages quote URLs). */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@");
}

/** `text` on one line: control characters (newlines, tabs) become spaces, runs collapse. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\s]+/gu, " ").trim();
}

/** `text` cut to at most `max` characters (code points), with "…" when cut. */
export function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/** Internal apps listed in one message at most; the rest are counted. */
export const MAX_APPS = 20;

/** Red, green, and amber for reminders/tests: as CSS hex and as the integer Discord wants. */
export const COLORS = {
  down: "#cf222e",
  recovered: "#1a7f37",
  reminder: "#cf222e",
  degraded: "#bc4c00",
  warning: "#9a6700",
  test: "#9a6700",
} as const;

/** The lines every message says about one alert, already redacted and on one line each. */
export interface RenderedAlert {
  event: AlertEvent;
  /** "DOWN", "RECOVERED", "STILL DOWN" or "TEST". */
  state: string;
  /** A status emoji for services without colours (🔴 ✅ 🧪). */
  icon: string;
  /** The email's subject ("[DOWN] Shop — HTTP 502"), or "[TEST] …" for a test. */
  title: string;
  /** The monitor's name (one line). */
  name: string;
  /** The website's name when the monitor is an internal app. */
  parentName: string | null;
  /** "Shop is DOWN.", "Checkout (internal app of Shop) is still DOWN (reminder 2).", … */
  headline: string;
  /** The monitored URL, credentials redacted. */
  url: string;
  /** The cause in words ("The server answered HTTP 502 Bad Gateway; expected 200."). */
  cause: string;
  /** The cause in two or three words ("HTTP 502", "timeout"). */
  shortCause: string;
  /** The raw HTTP status code of the failure, when there was one. */
  httpStatus: number | null;
  /** The raw error text of the failure (redacted, one line, cut). */
  error: string;
  /** How long the monitor was (or has been) down: for RECOVERED and reminders, else null. */
  duration: string | null;
  /** Labelled facts in reading order, e.g. ["Cause", "…"], ["Status code", "502"]. */
  rows: [string, string][];
  /** "Internal apps affected (2):" or null. */
  appsTitle: string | null;
  /** One line per affected internal app (all of them: cut with {@link fitLines}). */
  apps: string[];
  dashboardUrl: string;
  /** When it happened (ISO): DOWN confirmed, recovered, or the reminder's render time. */
  at: string;
  color: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** Renders what every message says about `f`. */
export function renderAlert(f: AlertFacts): RenderedAlert {
  const event = eventOf(f);
  const i = f.incident;
  const name = oneLine(f.monitor.name);
  const parentName = f.monitor.parentName === null ? null : oneLine(f.monitor.parentName);
  const of = parentName ? ` (internal app of ${parentName})` : "";
  const url = cut(redactUrls(redactUrl(shownUrl(f.monitor.url))), 500);
  const cause = causeInWords(i.errorKind, i.httpStatus, f.monitor);
  const error = cut(oneLine(redactUrls(i.errorMessage)), 500);
  const end = i.endedAt ?? f.now;
  const downFor = formatDuration(end - i.startedAt);
  const rows: [string, string][] = [];
  let headline: string, state: string, icon: string, duration: string | null = null;
  let at = iso(i.confirmedAt);
  if (event === "test") {
    state = "TEST";
    icon = "🧪";
    headline = "This is a TEST message from Server Health Checker: nothing is down.";
    rows.push(["Note", "Sent from the channel settings to check this channel works."]);
    rows.push(["Example cause", cause]);
    at = iso(f.now);
  } else if (i.type !== "down") {
    // DEGRADED and its end, and certificate warnings: the email's own lines.
    state = event === "degraded" ? "DEGRADED" : event === "warning" ? "CERTIFICATE" : "RECOVERED";
    icon = event === "degraded" ? "🟠" : event === "warning" ? "⚠️" : "✅";
    headline = introLine(f);
    if (event === "recovered") {
      duration = downFor;
      at = iso(end);
    } else if (event === "warning") at = iso(f.now);
    if (parentName) rows.push(["Website", parentName]);
    for (const [k, v] of factRows(f)) {
      rows.push([k, k === "URL" ? url : cut(oneLine(redactUrls(v)), 500)]);
    }
  } else if (event === "recovered") {
    state = "RECOVERED";
    icon = "✅";
    headline = `${name}${of} is back UP.`;
    duration = downFor;
    at = iso(end);
    if (parentName) rows.push(["Website", parentName]);
    rows.push(["URL", url]);
    rows.push(["Down for", downFor]);
    rows.push(["Cause was", cause]);
    if (i.httpStatus !== null) rows.push(["Status code was", String(i.httpStatus)]);
    if (error) rows.push(["Error was", error]);
    rows.push(["Failing since", iso(i.startedAt)]);
    rows.push(["Recovered", iso(end)]);
  } else {
    const reminder = event === "reminder";
    state = reminder ? "STILL DOWN" : "DOWN";
    icon = "🔴";
    headline = reminder
      ? `${name}${of} is still DOWN (reminder ${f.seq}).`
      : `${name}${of} is DOWN.`;
    if (reminder) {
      duration = formatDuration(f.now - i.startedAt);
      at = iso(f.now);
    }
    if (parentName) rows.push(["Website", parentName]);
    rows.push(["URL", url]);
    rows.push(["Cause", cause]);
    if (i.httpStatus !== null) rows.push(["Status code", String(i.httpStatus)]);
    if (error) rows.push(["Error", error]);
    if (duration !== null) rows.push(["Down for", duration]);
    rows.push(["Failing since", iso(i.startedAt)]);
    // Delivery can lag the outage; say it is over rather than alarm about the past.
    if (i.endedAt !== null) {
      rows.push(["Update", `recovered at ${iso(i.endedAt)} after ${downFor}`]);
    }
  }
  const apps = f.affected.map((a) => {
    const appCause = shortCause(a.errorKind, a.httpStatus);
    const appState = a.endedAt === null
      ? `DOWN for ${formatDuration(f.now - a.startedAt)}`
      : `recovered after ${formatDuration(a.endedAt - a.startedAt)}`;
    return cut(
      `${oneLine(a.name)} (${redactUrls(redactUrl(a.url))}) — ${appCause} — ${appState}`,
      300,
    );
  });
  const title = event === "test"
    ? `[TEST] ${TEST_MONITOR_NAME}`
    : oneLine(buildAlertMessage(f).subject);
  return {
    event,
    state,
    icon,
    title,
    name,
    parentName,
    headline,
    url,
    cause,
    shortCause: shortCause(i.errorKind, i.httpStatus),
    httpStatus: i.httpStatus,
    error,
    duration,
    rows,
    appsTitle: f.affected.length ? `Internal apps affected (${f.affected.length}):` : null,
    apps,
    dashboardUrl: f.dashboardUrl,
    at,
    color: COLORS[event],
  };
}

/** The subject of `f` for the outbox row (the email's wording; "[TEST] …" for a test). */
export function alertSubject(f: AlertFacts): string {
  return isTestFacts(f) ? `[TEST] ${TEST_MONITOR_NAME}` : buildAlertMessage(f).subject;
}

/**
 * A plain-text body: headline, the labelled rows, the affected apps and the dashboard link, cut
 * to `max` characters (services limit message length).
 */
export function alertText(r: RenderedAlert, opts: { max?: number; title?: boolean } = {}): string {
  const lines = [
    ...(opts.title ? [r.title, ""] : []),
    r.headline,
    ...r.rows.map(([k, v]) => `${k}: ${v}`),
    ...(r.appsTitle
      ? [
        "",
        r.appsTitle,
        ...fitLines(r.apps, Math.floor((opts.max ?? 4000) / 2)).map((a) => `- ${a}`),
      ]
      : []),
    "",
    `Dashboard: ${r.dashboardUrl}`,
  ];
  return cut(lines.join("\n"), opts.max ?? 4000);
}

/** Escapes text for HTML element content and double-quoted attributes (Telegram, Matrix). */
export { escapeHtml };

/** User-Agent of every request to a service. */
export const USER_AGENT = "ServerHealthChecker/1 (alerts)";

/**
 * `lines` kept while their total length stays within `budget` characters; the rest are
 * counted in a last "… and N more" line (services cap a message's length).
 */
export function fitLines(
  lines: readonly string[],
  budget: number,
  maxLines = MAX_APPS,
): string[] {
  const out: string[] = [];
  let used = 0;
  for (const [n, line] of lines.entries()) {
    if (n >= maxLines || used + line.length + 1 > budget) {
      out.push(`… and ${lines.length - n} more`);
      return out;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading the service's answer

/** Longest excerpt of a service's answer quoted in an error (characters). */
export const EXCERPT_CHARS = 300;

/** `body` on one line, cut to {@link EXCERPT_CHARS}. */
export function excerpt(body: string, max = EXCERPT_CHARS): string {
  return cut(oneLine(body), max);
}

/** Longest wait honoured from a Retry-After (a day); longer values are clamped. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * A Retry-After value (delay seconds, or an HTTP-date) in milliseconds from `now`; undefined
 * when absent or unreadable. Dates in the past mean 0.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else if (/^\d+\.\d+$/.test(v)) ms = Math.ceil(Number(v) * 1000);
  else {
    // An HTTP-date: "Wed, 21 Oct 2015 07:28:00 GMT" (Date.parse also reads the obsolete forms).
    if (!/[a-z]/i.test(v)) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t)) return undefined;
    ms = t - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Parses `body` as JSON; undefined when it is not JSON. */
export function jsonOf(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `o[key]` when `o` is an object. */
export function field(o: unknown, key: string): unknown {
  return typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

/** How a kind refines {@link classifyAnswer}. */
export interface ClassifyOptions {
  /** The service's own words for a failure (from its JSON), else the raw body is quoted. */
  words?: (body: string) => string | null;
  /** A wait the service asked for in its body (Telegram, Matrix, Discord), in ms. */
  bodyRetryAfterMs?: (body: string) => number | undefined;
  /** A 2xx answer that still means failure (Telegram `{"ok":false}`): its words, else null. */
  failedDespite2xx?: (answer: HttpAnswer) => string | null;
  /** Clock for HTTP-date Retry-After values (tests). */
  now?: number;
}

/**
 * The default reading of an answer: 2xx is accepted; 408, 425, 429 and 5xx are `retry` (with
 * Retry-After in `retryAfterMs`); 3xx and other 4xx are `permanent`. The message is
 * `HTTP <status>: <the service's words, 300 characters>`; ./http.ts adds the host
 * (`HTTP 404 from hooks.slack.com: no_service`) and removes the channel's secrets.
 */
export function classifyAnswer(a: HttpAnswer, o: ClassifyOptions = {}): ClassifiedError | null {
  const say = () => {
    const words = o.words?.(a.body) ?? null;
    const text = excerpt(words && words.trim() ? words : a.body);
    return text ? `HTTP ${a.status}: ${text}` : `HTTP ${a.status}`;
  };
  if (a.status >= 200 && a.status < 300) {
    const failed = o.failedDespite2xx?.(a) ?? null;
    return failed === null
      ? null
      : { class: "permanent", message: `HTTP ${a.status}: ${excerpt(failed)}` };
  }
  if (a.status >= 300 && a.status < 400) {
    const to = a.headers.get("location");
    let where = "";
    try {
      if (to) where = ` to ${new URL(to, "http://x.invalid/").host}`;
    } catch { /* unreadable Location */ }
    return {
      class: "permanent",
      message: `HTTP ${a.status}: redirected${where}; use the final URL in the channel settings`,
    };
  }
  if (a.status === 408 || a.status === 425 || a.status === 429 || a.status >= 500) {
    const retryAfterMs = parseRetryAfter(a.headers.get("retry-after"), o.now) ??
      o.bodyRetryAfterMs?.(a.body);
    return retryAfterMs === undefined
      ? { class: "retry", message: say() }
      : { class: "retry", message: say(), retryAfterMs };
  }
  return { class: "permanent", message: say() };
}

/** The plain default `classify` of a kind. */
export const defaultClassify = (a: HttpAnswer): ClassifiedError | null => classifyAnswer(a);

// ---------------------------------------------------------------------------------------------
// Settings: validation

/** Why `value` is not a usable http(s) URL, or null. Never echoes the value (it may be secret). */
export function checkUrl(value: string): string | null {
  if (/\s/.test(value)) return "A URL cannot contain spaces or line breaks.";
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "Enter a full URL starting with https:// (or http://).";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    return "Only http:// and https:// URLs are supported.";
  }
  if (!u.hostname) return "The URL has no host name.";
  if (u.username || u.password) {
    return "Remove the user name and password from the URL (use a header or token instead).";
  }
  return null;
}

/** `url` without trailing slashes, for joining API paths. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers a custom header line may not set: the request's framing and our own signature. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "idempotency-key",
  "x-shc-signature",
  "x-shc-timestamp",
  "x-shc-event",
]);

/** Custom headers parsed from `Name: value` lines. */
export interface HeaderLines {
  headers: [string, string][];
  /** One entry per bad line: "Line 2: …". */
  errors: string[];
}

/**
 * Parses custom header lines (`Name: value`, one per line; blank lines and lines starting with
 * `#` are ignored). Names must be RFC 9110 tokens and not reserved; values must not contain
 * control characters (no CR/LF injection) and must be Latin-1. Values are never echoed back in
 * errors (they are often tokens).
 */
export function parseHeaderLines(text: string): HeaderLines {
  const headers: [string, string][] = [];
  const errors: string[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const at = `Line ${n + 1}`;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      errors.push(`${at}: write it as Name: value.`);
      return;
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) {
      errors.push(`${at}: "${cut(oneLine(name), 40)}" is not a valid header name.`);
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      errors.push(`${at}: the ${name} header is set by Server Health Checker.`);
    } else if (/[\p{Cc}]/u.test(value.replace(/\t/g, ""))) {
      errors.push(`${at}: the value of ${name} contains control characters.`);
    } else if (/[^\t\x20-\x7e\xa0-\xff]/.test(value)) {
      errors.push(`${at}: the value of ${name} must be plain ASCII (or Latin-1) text.`);
    } else if (headers.some(([h]) => h.toLowerCase() === name.toLowerCase())) {
      errors.push(`${at}: ${name} is given twice.`);
    } else headers.push([name, value]);
  });
  return { headers, errors };
}

/**
 * The common part of a kind's `validate`: required fields, URL fields, select options. `more`
 * adds the kind's own checks for fields that passed. Null when there is nothing to say.
 */
export function validateFields(
  fields: readonly ChannelField[],
  config: Record<string, string>,
  more?: (config: Record<string, string>, errors: Record<string, string>) => void,
): Record<string, string> | null {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = (config[f.name] ?? "").trim();
    if (!v) {
      if (f.required) errors[f.name] = `${f.label} is required.`;
      continue;
    }
    if (f.type === "url") {
      const bad = checkUrl(v);
      if (bad) errors[f.name] = bad;
    } else if (f.type === "select" && f.options && !f.options.includes(v)) {
      errors[f.name] = `Choose one of: ${f.options.join(", ")}.`;
    } else if (f.type !== "lines" && /[\p{Cc}]/u.test(v)) {
      errors[f.name] = `${f.label} must be on one line.`;
    }
  }
  more?.(config, errors);
  return Object.keys(errors).length ? errors : null;
}

/** `config[name]` trimmed, or the field's default, or "". */
export function setting(
  fields: readonly ChannelField[],
  config: Record<string, string>,
  name: string,
): string {
  const v = (config[name] ?? "").trim();
  if (v) return v;
  return fields.find((f) => f.name === name)?.default ?? "";
}

// ---------------------------------------------------------------------------------------------
// Settings: secrets and masking

/** Whether a field's value is a credential (never shown back, removed from errors). */
export function isSecretField(f: ChannelField): boolean {
  return f.type === "secret" || f.secret === true;
}

const DOTS = "••••";

/** A secret shown back: `••••1a2b` (its last 4 characters; nothing of a short one). */
export function maskSecret(value: string): string {
  if (!value) return "";
  const chars = Array.from(value);
  return chars.length >= 12 ? DOTS + chars.slice(-4).join("") : DOTS;
}

/** A secret URL shown back: `https://hooks.slack.com/•••`. */
export function maskUrl(value: string): string {
  if (!value) return "";
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}/•••`;
  } catch {
    return "•••";
  }
}

/** Custom header lines shown back: names kept, values masked. */
export function maskHeaderLines(value: string): string {
  return value.split(/\r\n|\n|\r/).map((line) => {
    const colon = line.indexOf(":");
    if (colon <= 0 || line.trim().startsWith("#")) return line.trim() ? DOTS : "";
    return `${line.slice(0, colon).trim()}: ${maskSecret(line.slice(colon + 1).trim())}`;
  }).join("\n");
}

/** `value` of field `f` as the settings form and the API show it. */
export function maskField(f: ChannelField, value: string): string {
  if (!isSecretField(f) || !value) return value;
  if (f.type === "url") return maskUrl(value);
  if (f.type === "lines") return maskHeaderLines(value);
  return maskSecret(value);
}

/**
 * `config` with every secret masked (tokens as `••••1a2b`, secret URLs as
 * `https://host/•••`). Settings the kind does not know are left out.
 */
export function maskConfig(kind: ChannelKind, config: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const f of kind.fields) {
    if (config[f.name] !== undefined) out[f.name] = maskField(f, config[f.name]);
  }
  return out;
}

/**
 * `incoming` settings with masked values sent back unchanged (the form shows the mask) replaced
 * by the `previous` secret, so editing a channel's name does not require re-entering its token.
 */
export function restoreMasked(
  kind: ChannelKind,
  previous: Record<string, string>,
  incoming: Record<string, string>,
): Record<string, string> {
  const out = { ...incoming };
  for (const f of kind.fields) {
    const old = previous[f.name];
    if (!isSecretField(f) || !old || out[f.name] === undefined) continue;
    if (out[f.name] === maskField(f, old)) out[f.name] = old;
  }
  return out;
}

/**
 * Strings of `config` that must never reach a message, an error or a log: every secret value,
 * and of a secret URL also its path and query (services echo paths back in errors).
 */
export function secretsOf(kind: ChannelKind, config: Record<string, string>): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if (s.length >= 4) {
      out.add(s);
      const enc = encodeURIComponent(s);
      if (enc !== s) out.add(enc);
    }
  };
  for (const f of kind.fields) {
    const v = (config[f.name] ?? "").trim();
    if (!v || !isSecretField(f)) continue;
    add(v);
    // The long parts of a composite secret (a Telegram token's half after the colon).
    for (const part of v.split(/[:\s]+/)) if (part.length >= 12 && part !== v) add(part);
    if (f.type === "url") {
      try {
        const u = new URL(v);
        if (u.pathname.length > 1) add(u.pathname + u.search);
        // Every long path segment: a webhook token rarely stands alone, but when it does…
        for (const seg of u.pathname.split("/")) if (seg.length >= 16) add(seg);
        for (const [, q] of u.searchParams) add(q);
      } catch { /* not a URL: the whole value was added */ }
    } else if (f.type === "lines") {
      // The whole value, and each word of it ("Bearer <token>" is quoted by its token alone).
      for (const [, value] of parseHeaderLines(v).headers) {
        add(value);
        for (const word of value.split(/\s+/)) if (word.length >= 8) add(word);
      }
    }
  }
  // Longest first, so a secret URL goes before its own path.
  return [...out].sort((a, b) => b.length - a.length);
}

/** `text` with each of `secrets` replaced by `•••`. */
export function removeSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("•••");
  return out;
}

/** Latin-1 safe header value: RFC 2047 `=?UTF-8?B?…?=` when `text` has other characters. */
export function encodeHeaderWord(text: string): string {
  const t = oneLine(text);
  if (/^[\x20-\x7e]*$/.test(t)) return t;
  const bytes = new TextEncoder().encode(t);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `=?UTF-8?B?${btoa(bin)}?=`;
}
