/**
 * Generic webhook: one JSON POST per alert to a URL of the operator's choosing, optionally
 * signed with HMAC-SHA256, with optional custom headers.
 *
 * ## Body (Content-Type: application/json; charset=utf-8)
 *
 * ```jsonc
 * {
 *   "version": 1,
 *   "event": "down",                 // "down" | "recovered" | "reminder" | "test"
 *   "title": "[DOWN] Shop — HTTP 502", // the email subject
 *   "text": "Shop is DOWN.\nCause: …", // the whole message as plain text
 *   "monitor": {
 *     "id": 3,
 *     "name": "Shop",
 *     "url": "https://***@shop.example.com/health", // user:password@ redacted
 *     "parent_name": null            // the website's name when this is an internal app
 *   },
 *   "incident": {
 *     "id": 7,
 *     "started_at": "2025-01-15T12:00:00.000Z",   // first failed check
 *     "confirmed_at": "2025-01-15T12:00:30.000Z", // went DOWN
 *     "ended_at": null,              // recovered at (ISO), null while down
 *     "duration_ms": 31000,          // down so far, or in total once recovered
 *     "failure_count": 2
 *   },
 *   "cause": {
 *     "error_kind": "unexpected_status", // timeout | unexpected_status | connection_refused |
 *                                        // dns | tls | connection_reset | network | assertion
 *     "http_status": 502,            // null when there was no HTTP answer
 *     "message": "HTTP 502 Bad Gateway, expected 200", // the raw error
 *     "summary": "The server answered HTTP 502 Bad Gateway; expected 200.",
 *     "short": "HTTP 502"
 *   },
 *   "reminder": 0,                   // reminder number (1, 2, …) for "reminder", else 0
 *   "affected_apps": [               // internal apps folded into a website's alert
 *     {
 *       "id": 9, "name": "Checkout", "url": "https://shop.example.com/checkout",
 *       "error_kind": "unexpected_status", "http_status": 500, "message": "HTTP 500 …",
 *       "started_at": "…", "ended_at": null
 *     }
 *   ],
 *   "dashboard_url": "https://status.example.com/monitors/3",
 *   "sent_at": "2025-01-15T12:00:31.000Z",
 *   "idempotency_key": "alert-42"    // same value on a resend of the same alert
 * }
 * ```
 *
 * A test ("Send test" in the channel settings) has `"event": "test"`, monitor and incident id 0
 * and the monitor name "Test alert from Server Health Checker".
 *
 * ## Headers
 *
 * - `Idempotency-Key`: the body's `idempotency_key`; a receiver that has seen it may answer 2xx
 *   and ignore the duplicate.
 * - `X-SHC-Event`: the body's `event`.
 * - With a secret: `X-SHC-Timestamp: <unix seconds>` (the body's `sent_at`) and
 *   `X-SHC-Signature: sha256=<hex>`, the lowercase hex HMAC-SHA256 of the exact body bytes
 *   with the secret (UTF-8) as key. To verify, compute the HMAC over the raw body before parsing
 *   it, compare in constant time, and reject a timestamp more than a few minutes old (it is
 *   covered by the signature through `sent_at`, which must match it).
 *
 * Any 2xx answer is success; 408, 429 (Retry-After honoured) and 5xx are retried; redirects
 * and other 4xx fail the alert.
 */
import type { AlertFacts } from "../message.ts";
import {
  alertText,
  defaultClassify,
  eventOf,
  parseHeaderLines,
  redactUrls,
  renderAlert,
  setting,
  USER_AGENT,
  validateFields,
} from "./common.ts";
import type { ChannelField, ChannelKind, HttpRequest } from "./spec.ts";
import { redactUrl } from "../../log.ts";

const FIELDS: readonly ChannelField[] = [
  {
    name: "url",
    label: "URL",
    type: "url",
    required: true,
    placeholder: "https://example.com/hooks/uptime",
    hint: "Receives a JSON POST for every alert.",
  },
  {
    name: "secret",
    label: "Signing secret",
    type: "secret",
    required: false,
    hint: "When set, each request carries X-SHC-Signature: sha256=<HMAC-SHA256 of the body>.",
  },
  {
    name: "headers",
    label: "Extra headers",
    type: "lines",
    required: false,
    secret: true,
    placeholder: "Authorization: Bearer …",
    hint: "One per line, as Name: value.",
  },
];

/** The JSON body of a webhook alert (see the module documentation). */
export function webhookBody(f: AlertFacts, idempotencyKey: string): Record<string, unknown> {
  const r = renderAlert(f);
  const i = f.incident;
  const iso = (t: number) => new Date(t).toISOString();
  return {
    version: 1,
    event: eventOf(f),
    title: r.title,
    text: alertText(r, { max: 20_000 }),
    monitor: {
      id: f.monitor.id,
      name: f.monitor.name,
      url: redactUrls(redactUrl(f.monitor.url)),
      parent_name: f.monitor.parentName,
    },
    incident: {
      id: i.id,
      started_at: iso(i.startedAt),
      confirmed_at: iso(i.confirmedAt),
      ended_at: i.endedAt === null ? null : iso(i.endedAt),
      duration_ms: Math.max(0, (i.endedAt ?? f.now) - i.startedAt),
      failure_count: i.failureCount,
    },
    cause: {
      error_kind: i.errorKind,
      http_status: i.httpStatus,
      message: redactUrls(i.errorMessage),
      summary: r.cause,
      short: r.shortCause,
    },
    reminder: f.kind === "reminder" ? f.seq : 0,
    affected_apps: f.affected.map((a) => ({
      id: a.id,
      name: a.name,
      url: redactUrls(redactUrl(a.url)),
      error_kind: a.errorKind,
      http_status: a.httpStatus,
      message: redactUrls(a.errorMessage),
      started_at: iso(a.startedAt),
      ended_at: a.endedAt === null ? null : iso(a.endedAt),
    })),
    dashboard_url: f.dashboardUrl,
    sent_at: iso(f.now),
    idempotency_key: idempotencyKey,
  };
}

/** Lowercase hex HMAC-SHA256 of `body` (UTF-8) keyed with `secret` (UTF-8). */
export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Generic JSON webhook. */
export const webhook: ChannelKind = {
  kind: "webhook",
  label: "Webhook (JSON POST)",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const secret = (c.secret ?? "").trim();
      if (secret && secret.length < 16) {
        errors.secret = "Use at least 16 characters (random) for the signing secret.";
      }
      const lines = parseHeaderLines(c.headers ?? "");
      if (lines.errors.length) errors.headers = lines.errors.join(" ");
    }),
  async request(f, config, { idempotencyKey }): Promise<HttpRequest> {
    const body = JSON.stringify(webhookBody(f, idempotencyKey));
    const headers: Record<string, string> = {};
    // Custom headers first, so ours win (the reserved names are refused by validation anyway).
    for (const [name, value] of parseHeaderLines(config.headers ?? "").headers) {
      headers[name] = value;
    }
    Object.assign(headers, {
      "Content-Type": "application/json; charset=utf-8",
      "User-Agent": USER_AGENT,
      "Idempotency-Key": idempotencyKey,
      "X-SHC-Event": eventOf(f),
    });
    const secret = setting(FIELDS, config, "secret");
    if (secret) {
      headers["X-SHC-Timestamp"] = String(Math.floor(f.now / 1000));
      headers["X-SHC-Signature"] = `sha256=${await hmacSha256Hex(secret, body)}`;
    }
    return { url: setting(FIELDS, config, "url"), method: "POST", headers, body };
  },
  classify: defaultClassify,
};
