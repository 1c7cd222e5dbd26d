/**
 * Loopback stand-ins for the notification services (Slack, Discord, Telegram, Teams workflows,
 * ntfy, Gotify, Pushover, PagerDuty, Matrix) and a plain webhook receiver, for the channel
 * tests. Each one checks what the real service checks (method, path, content type, the token
 * in the path or a header, the body's required fields and limits) and answers the way it does,
 * with its success status and its error bodies. `override` makes any of them answer 500, 429
 * with Retry-After, 400 …, or hang (before the headers or in the middle of the body).
 *
 * Everything binds 127.0.0.1:0 and `close()` releases it (Deno's sanitizers pass); permissions:
 * --allow-net. The AlertFacts fixtures the alert tests share are in ./alert_facts.ts.
 *
 * @example
 * ```ts
 * await using slack = await slackReceiver();
 * await sendTest("slack", slack.config, { dashboardUrl: "https://x.test/" });
 * slack.received.length; // 1
 * ```
 */
import { delay, type HttpTarget, startTarget } from "./targets.ts";

// ---------------------------------------------------------------------------------------------
// Receivers

/** One request a receiver got. */
export interface Received {
  method: string;
  /** The path as sent (percent-encoding kept). */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
  /** The body parsed as a form, when it was one. */
  form: URLSearchParams | null;
}

/** How to answer instead of like the service. */
export type Override =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Never answers (until the receiver closes). */
  | "hang"
  /** Sends 200 and the first bytes of a body, then stalls. */
  | "hang-body";

/** A running stand-in for a service. */
export interface Receiver extends HttpTarget {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  base: string;
  /** The channel settings of the matching kind that point at this receiver. */
  config: Record<string, string>;
  /** Every request, in order (overridden ones included). */
  readonly received: Received[];
  /** When set, every request is answered this way (after being recorded). */
  override: Override | null;
}

type Service = (r: Received) => Response | Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

const text = (status: number, body: string, type = "text/plain; charset=utf-8") =>
  new Response(body, { status, headers: { "content-type": type } });

const isJson = (r: Received) => /^application\/json\b/i.test(r.headers.get("content-type") ?? "");

async function startReceiver(
  service: Service,
  config: (base: string) => Record<string, string>,
): Promise<Receiver> {
  const received: Received[] = [];
  // deno-lint-ignore prefer-const -- assigned once the target is listening
  let receiver: Receiver;
  const target = await startTarget(async (req, _info, closing) => {
    const url = new URL(req.url);
    const body = await req.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(body);
    } catch { /* not JSON */ }
    const type = req.headers.get("content-type") ?? "";
    const r: Received = {
      method: req.method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parsed,
      form: /^application\/x-www-form-urlencoded\b/i.test(type) ? new URLSearchParams(body) : null,
    };
    received.push(r);
    const o = receiver.override;
    if (o === "hang") {
      await delay(60_000, closing);
      return text(503, "closing");
    }
    if (o === "hang-body") {
      const stream = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(new TextEncoder().encode('{"ok":'));
          await delay(60_000, closing);
          try {
            c.close();
          } catch { /* the client went away first */ }
        },
      });
      return new Response(stream, { status: 200, headers: { "content-type": "application/json" } });
    }
    if (o) return new Response(o.body ?? "", { status: o.status, headers: o.headers });
    return service(r);
  });
  const base = target.url.replace(/\/$/, "");
  receiver = Object.assign(target, {
    base,
    config: config(base),
    received,
    override: null as Override | null,
  });
  return receiver;
}

/** The webhook stand-in's signing secret and the bearer token of its custom header. */
export const WEBHOOK_SECRET = "whsec_sTaNdInSeCrEt_0123456789";
export const WEBHOOK_BEARER = "wEbHoOkBeArEr_0123456789abcdef";

/**
 * A generic webhook receiver: POST /hooks/shc with `Authorization: Bearer <WEBHOOK_BEARER>`
 * answers 200 `ok` (401 without it). It records the signature; the tests verify it.
 */
export function webhookReceiver(extra: Record<string, string> = {}): Promise<Receiver> {
  return startReceiver(
    (r) => {
      if (r.path !== "/hooks/shc") return text(404, "not found");
      if (r.method !== "POST") return text(405, "method not allowed");
      if (r.headers.get("authorization") !== `Bearer ${WEBHOOK_BEARER}`) {
        return text(401, "unauthorized");
      }
      if (!isJson(r) || r.json === undefined) return text(415, "expected JSON");
      return text(200, "ok");
    },
    (base) => ({
      url: `${base}/hooks/shc`,
      secret: WEBHOOK_SECRET,
      headers: `Authorization: Bearer ${WEBHOOK_BEARER}`,
      ...extra,
    }),
  );
}

/** Path token of the Slack stand-in's webhook URL. */
export const SLACK_TOKEN = "sLaCkWeBhOoKsEcReT0123456";

/** Slack incoming webhook: POST /services/T…/B…/<token>; 200 `ok`. */
export function slackReceiver(): Promise<Receiver> {
  return startReceiver(
    (r) => {
      const m = r.path.match(/^\/services\/(T\w+)\/(B\w+)\/([^/]+)$/);
      if (!m) return text(404, "no_service", "text/html");
      if (m[3] !== SLACK_TOKEN) return text(403, "invalid_token", "text/html");
      if (r.method !== "POST") return text(405, "invalid_method", "text/html");
      if (!isJson(r) || typeof r.json !== "object" || r.json === null) {
        return text(400, "invalid_payload", "text/html");
      }
      const p = r.json as { text?: unknown; blocks?: unknown; attachments?: unknown };
      if (typeof p.text !== "string" && !Array.isArray(p.blocks) && !Array.isArray(p.attachments)) {
        return text(400, "no_text", "text/html");
      }
      // Block Kit: a section's text is at most 3000 characters.
      const blocks = [
        ...(Array.isArray(p.blocks) ? p.blocks : []),
        ...(Array.isArray(p.attachments)
          ? p.attachments.flatMap((a: { blocks?: unknown[] }) => a.blocks ?? [])
          : []),
      ] as { type?: string; text?: { text?: string } }[];
      if (blocks.some((b) => (b.text?.text?.length ?? 0) > 3000 || typeof b.type !== "string")) {
        return text(400, "invalid_blocks", "text/html");
      }
      return text(200, "ok", "text/html");
    },
    (base) => ({ url: `${base}/services/T0SHC0001/B0SHC0001/${SLACK_TOKEN}` }),
  );
}

/** Token of the Discord stand-in's webhook URL. */
export const DISCORD_TOKEN = "dIsCoRdToKeN_abcdefghijklmnopqrstuvwxyz0123456789";

/** Discord webhook: POST /api/webhooks/<id>/<token>; 204. */
export function discordReceiver(): Promise<Receiver> {
  return startReceiver(
    (r) => {
      const m = r.path.match(/^\/api\/webhooks\/(\d+)\/([^/]+)$/);
      if (!m || m[1] !== "112233445566778899") {
        return json(404, { message: "Unknown Webhook", code: 10015 });
      }
      if (m[2] !== DISCORD_TOKEN) {
        return json(401, { message: "Invalid Webhook Token", code: 50027 });
      }
      if (r.method !== "POST") return json(405, { message: "405: Method Not Allowed", code: 0 });
      if (!isJson(r)) return json(400, { message: "Cannot send an empty message", code: 50006 });
      const p = r.json as { content?: string; embeds?: Record<string, unknown>[] };
      if (!p.content && !p.embeds?.length) {
        return json(400, { message: "Cannot send an empty message", code: 50006 });
      }
      const errors: string[] = [];
      let total = 0;
      for (const e of p.embeds ?? []) {
        const title = String(e.title ?? ""), desc = String(e.description ?? "");
        if (title.length > 256) errors.push("embeds.0.title");
        if (desc.length > 4096) errors.push("embeds.0.description");
        const fields = (e.fields ?? []) as { name?: string; value?: string }[];
        if (fields.length > 25) errors.push("embeds.0.fields");
        for (const f of fields) {
          if (!f.name || f.name.length > 256) errors.push("embeds.0.fields.name");
          if (!f.value || f.value.length > 1024) errors.push("embeds.0.fields.value");
          total += (f.name?.length ?? 0) + (f.value?.length ?? 0);
        }
        if (typeof e.color === "number" && (e.color < 0 || e.color > 0xffffff)) {
          errors.push("embeds.0.color");
        }
        total += title.length + desc.length;
      }
      if (total > 6000) errors.push("embeds");
      if (errors.length) {
        return json(400, { code: 50035, message: "Invalid Form Body", errors: { fields: errors } });
      }
      return new Response(null, { status: 204 });
    },
    (base) => ({ url: `${base}/api/webhooks/112233445566778899/${DISCORD_TOKEN}` }),
  );
}

/** The Telegram stand-in's bot token and chat. */
export const TELEGRAM_TOKEN = "123456789:AAEshcTeStToKeN_secret-0123456789abc";
export const TELEGRAM_CHAT = "-1001234567890";

const TG_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "tg-spoiler",
  "blockquote",
]);

/**
 * Parses Telegram HTML like the Bot API does: only its tags, balanced; `<`, `>` and `&` must be
 * escaped unless part of a tag or an entity. The visible text, or an error message.
 */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let out = "";
  let i = 0;
  while (i < html.length) {
    const c = html[i];
    if (c === "<") {
      const m = html.slice(i).match(/^<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/);
      if (!m || !TG_TAGS.has(m[2])) {
        return {
          error: `Bad Request: can't parse entities: Unsupported start tag at byte offset ${i}`,
        };
      }
      if (m[1]) {
        if (stack.pop() !== m[2]) {
          return {
            error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${i}`,
          };
        }
      } else stack.push(m[2]);
      i += m[0].length;
    } else if (c === "&") {
      const m = html.slice(i).match(/^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i);
      if (!m) {
        return { error: `Bad Request: can't parse entities: unescaped & at byte offset ${i}` };
      }
      const e = m[1].toLowerCase();
      out += e === "lt"
        ? "<"
        : e === "gt"
        ? ">"
        : e === "amp"
        ? "&"
        : e === "quot"
        ? '"'
        : String.fromCodePoint(
          e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
        );
      i += m[0].length;
    } else if (c === ">") {
      return { error: `Bad Request: can't parse entities: unescaped > at byte offset ${i}` };
    } else {
      out += c;
      i++;
    }
  }
  if (stack.length) {
    return {
      error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${
        stack.at(-1)
      }"`,
    };
  }
  return { text: out };
}

/** Telegram Bot API: POST /bot<token>/sendMessage; `{"ok":true,"result":{…}}`. */
export function telegramReceiver(): Promise<Receiver> {
  let messageId = 0;
  return startReceiver(
    (r) => {
      const fail = (status: number, description: string) =>
        json(status, { ok: false, error_code: status, description });
      const m = r.path.match(/^\/bot([^/]+)\/(\w+)$/);
      if (!m) return fail(404, "Not Found");
      if (decodeURIComponent(m[1]) !== TELEGRAM_TOKEN) return fail(401, "Unauthorized");
      if (m[2] !== "sendMessage") return fail(404, "Not Found: method not found");
      if (r.method !== "POST" || !isJson(r)) return fail(400, "Bad Request: expected a JSON body");
      const p = r.json as Record<string, unknown>;
      if (String(p.chat_id) !== TELEGRAM_CHAT) return fail(400, "Bad Request: chat not found");
      if (typeof p.text !== "string" || !p.text.trim()) {
        return fail(400, "Bad Request: message text is empty");
      }
      let visible = p.text;
      if (p.parse_mode === "HTML") {
        const parsed = parseTelegramHtml(p.text);
        if ("error" in parsed) return fail(400, parsed.error);
        visible = parsed.text;
      } else if (p.parse_mode !== undefined) {
        return fail(400, "Bad Request: unsupported parse_mode");
      }
      if (Array.from(visible).length > 4096) return fail(400, "Bad Request: message is too long");
      return json(200, {
        ok: true,
        result: {
          message_id: ++messageId,
          chat: { id: Number(TELEGRAM_CHAT), type: "supergroup" },
          date: Math.floor(Date.now() / 1000),
          text: visible,
        },
      });
    },
    (base) => ({ bot_token: TELEGRAM_TOKEN, chat_id: TELEGRAM_CHAT, api_url: base }),
  );
}

/** The `sig` query parameter of the Teams workflow stand-in. */
export const TEAMS_SIG = "tEaMsWoRkFlOwSiG_0123456789abcdefghij";

/** Teams workflow webhook: POST /workflows/<id>/triggers/manual/paths/invoke?…&sig=…; 202. */
export function teamsReceiver(): Promise<Receiver> {
  return startReceiver(
    (r) => {
      const fail = (status: number, code: string, message: string) =>
        json(status, { error: { code, message } });
      if (!/^\/workflows\/\w+\/triggers\/manual\/paths\/invoke$/.test(r.path)) {
        return fail(404, "TriggerNotFound", "The workflow trigger was not found.");
      }
      if (r.query.get("sig") !== TEAMS_SIG) {
        return fail(401, "DirectApiAuthorizationRequired", "The request must be authenticated.");
      }
      if (r.method !== "POST" || !isJson(r)) {
        return fail(400, "InvalidRequestContent", "The request content is not valid JSON.");
      }
      const p = r.json as { type?: string; attachments?: Record<string, unknown>[] };
      const a = p.attachments?.[0];
      const card = a?.content as { type?: string; version?: string; body?: unknown[] } | undefined;
      if (
        p.type !== "message" || a?.contentType !== "application/vnd.microsoft.card.adaptive" ||
        card?.type !== "AdaptiveCard" || !card.version || !Array.isArray(card.body)
      ) {
        return fail(400, "InvalidTemplate", "The attachment is not an Adaptive Card.");
      }
      return new Response(null, { status: 202 });
    },
    (base) => ({
      url: `${base}/workflows/0a1b2c3d/triggers/manual/paths/invoke?api-version=1&sig=${TEAMS_SIG}`,
    }),
  );
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`), as ntfy does for its headers. */
export function decodeHeaderWord(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, data: string) => {
    const bytes = enc.toLowerCase() === "b"
      ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
      : new TextEncoder().encode(
        data.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_m, h) =>
          String.fromCharCode(parseInt(h, 16))),
      );
    return new TextDecoder().decode(bytes);
  });
}

/** The topic and token of the ntfy stand-in. */
export const NTFY_TOPIC = "shc-test-alerts";
export const NTFY_TOKEN = "tk_ntfysecrettoken0123456789abcd";

/** ntfy: POST /<topic>, Bearer token required; 200 with the message as JSON. */
export function ntfyReceiver(): Promise<Receiver> {
  let n = 0;
  return startReceiver(
    (r) => {
      const fail = (status: number, code: number, error: string) =>
        json(status, { code, http: status, error, link: "https://ntfy.sh/docs/publish/" });
      const topic = r.path.slice(1);
      if (!/^[-_A-Za-z0-9]{1,64}$/.test(topic)) return fail(404, 40401, "page not found");
      if (r.method !== "POST" && r.method !== "PUT") return fail(405, 40501, "method not allowed");
      const auth = r.headers.get("authorization");
      if (!auth) return fail(403, 40301, "forbidden");
      if (auth !== `Bearer ${NTFY_TOKEN}`) return fail(401, 40101, "unauthorized");
      if (topic !== NTFY_TOPIC) return fail(403, 40301, "forbidden");
      const priority = r.headers.get("priority") ?? "default";
      const levels: Record<string, number> = {
        "1": 1,
        min: 1,
        "2": 2,
        low: 2,
        "3": 3,
        default: 3,
        "4": 4,
        high: 4,
        "5": 5,
        max: 5,
        urgent: 5,
      };
      if (!(priority in levels)) return fail(400, 40007, "invalid priority");
      if (new TextEncoder().encode(r.body).length > 4096) {
        return fail(413, 41301, "message too large, would become an attachment");
      }
      return json(200, {
        id: `msg${++n}`,
        time: Math.floor(Date.now() / 1000),
        event: "message",
        topic,
        title: decodeHeaderWord(r.headers.get("title") ?? ""),
        message: r.body,
        priority: levels[priority],
        tags: (r.headers.get("tags") ?? "").split(",").filter(Boolean),
        click: r.headers.get("click") ?? undefined,
      });
    },
    (base) => ({ server: base, topic: NTFY_TOPIC, token: NTFY_TOKEN }),
  );
}

/** The Gotify stand-in's application token. */
export const GOTIFY_TOKEN = "AgOtIfYaPpToKeN.x";

/** Gotify: POST /message with X-Gotify-Key (or ?token=); 200 with the stored message. */
export function gotifyReceiver(): Promise<Receiver> {
  let id = 0;
  return startReceiver(
    (r) => {
      const fail = (status: number, error: string, errorDescription: string) =>
        json(status, { error, errorCode: status, errorDescription });
      if (r.path !== "/message") return fail(404, "Not Found", "page not found");
      if (r.method !== "POST") return fail(405, "Method Not Allowed", "method not allowed");
      const token = r.headers.get("x-gotify-key") ?? r.query.get("token");
      if (token !== GOTIFY_TOKEN) {
        return fail(
          401,
          "Unauthorized",
          "you need to provide a valid access token or user credentials to access this api",
        );
      }
      const p = (isJson(r) ? r.json : null) as Record<string, unknown> | null;
      if (!p || typeof p.message !== "string" || !p.message) {
        return fail(400, "Bad Request", "Field 'message' is required");
      }
      if (p.priority !== undefined && !Number.isInteger(p.priority)) {
        return fail(400, "Bad Request", "Field 'priority' must be an integer");
      }
      return json(200, {
        id: ++id,
        appid: 1,
        message: p.message,
        title: p.title ?? "",
        priority: p.priority ?? 0,
        extras: p.extras,
        date: new Date().toISOString(),
      });
    },
    (base) => ({ server: base, token: GOTIFY_TOKEN }),
  );
}

/** The Pushover stand-in's user key and application token (30 characters each). */
export const PUSHOVER_USER = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
export const PUSHOVER_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";

/** Pushover: POST /1/messages.json (form); 200 `{"status":1,"request":"…"}`. */
export function pushoverReceiver(): Promise<Receiver> {
  return startReceiver(
    (r) => {
      const request = crypto.randomUUID();
      const fail = (status: number, fieldName: string, error: string) =>
        json(status, { [fieldName]: "invalid", errors: [error], status: 0, request });
      if (r.path !== "/1/messages.json") return fail(404, "path", "not found");
      if (r.method !== "POST") return fail(405, "method", "method not allowed");
      const f = r.form ??
        (isJson(r) && r.json ? new URLSearchParams(r.json as Record<string, string>) : null);
      if (!f) return fail(400, "message", "message cannot be blank");
      if (f.get("token") !== PUSHOVER_TOKEN) {
        return fail(400, "token", "application token is invalid");
      }
      if (f.get("user") !== PUSHOVER_USER) {
        return fail(
          400,
          "user",
          "user identifier is not a valid user, group, or subscribed user key",
        );
      }
      const message = f.get("message") ?? "";
      if (!message) return fail(400, "message", "message cannot be blank");
      if (Array.from(message).length > 1024) return fail(400, "message", "message is too long");
      if (Array.from(f.get("title") ?? "").length > 250) {
        return fail(400, "title", "title is too long");
      }
      const pr = f.get("priority");
      if (pr !== null && !["-2", "-1", "0", "1", "2"].includes(pr)) {
        return fail(400, "priority", "priority is invalid");
      }
      if (pr === "2" && !f.get("retry")) {
        return fail(400, "retry", "retry must be supplied with priority=2");
      }
      return json(200, { status: 1, request });
    },
    (base) => ({ user_key: PUSHOVER_USER, app_token: PUSHOVER_TOKEN, api_url: base }),
  );
}

/** The PagerDuty stand-in's routing key (32 characters). */
export const PAGERDUTY_KEY = "R0uT1nGkEy0123456789abcdefABCDEF";

/** What the PagerDuty stand-in knows about incidents, by dedup key. */
export interface PagerDutyReceiver extends Receiver {
  /** The state of each alert: "triggered" or "resolved". */
  readonly alerts: Map<string, "triggered" | "resolved">;
}

/** PagerDuty Events API v2: POST /v2/enqueue; 202 `{"status":"success",…}`. */
export async function pagerdutyReceiver(): Promise<PagerDutyReceiver> {
  const alerts = new Map<string, "triggered" | "resolved">();
  const r = await startReceiver(
    (req) => {
      const invalid = (errors: string[]) =>
        json(400, { status: "invalid event", message: "Event object is invalid", errors });
      if (req.path !== "/v2/enqueue") return json(404, { status: "not found" });
      if (req.method !== "POST") return json(405, { status: "method not allowed" });
      if (!isJson(req) || typeof req.json !== "object" || req.json === null) {
        return invalid(["Malformed JSON"]);
      }
      const e = req.json as Record<string, unknown>;
      if (e.routing_key !== PAGERDUTY_KEY) return invalid(["Invalid Routing Key"]);
      const action = e.event_action;
      if (action !== "trigger" && action !== "acknowledge" && action !== "resolve") {
        return invalid([
          "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
        ]);
      }
      let key = typeof e.dedup_key === "string" ? e.dedup_key : undefined;
      if (key !== undefined && key.length > 255) return invalid(["'dedup_key' is too long"]);
      if (action === "trigger") {
        const p = e.payload as Record<string, unknown> | undefined;
        const errors: string[] = [];
        if (typeof p?.summary !== "string" || !p.summary) {
          errors.push("'payload.summary' is missing");
        } else if (p.summary.length > 1024) errors.push("'payload.summary' is too long");
        if (typeof p?.source !== "string" || !p.source) errors.push("'payload.source' is missing");
        if (!["critical", "error", "warning", "info"].includes(String(p?.severity))) {
          errors.push("'payload.severity' is invalid");
        }
        if (errors.length) return invalid(errors);
        key ??= crypto.randomUUID().replace(/-/g, "");
        alerts.set(key, "triggered");
      } else {
        if (!key) return invalid(["'dedup_key' is missing"]);
        // Resolving an unknown key is accepted and does nothing, like the real API.
        if (action === "resolve" && alerts.has(key)) alerts.set(key, "resolved");
      }
      return json(202, { status: "success", message: "Event processed", dedup_key: key });
    },
    (base) => ({ routing_key: PAGERDUTY_KEY, events_url: `${base}/v2/enqueue` }),
  );
  return Object.assign(r, { alerts });
}

/** The Matrix stand-in's access token and room. */
export const MATRIX_TOKEN = "syt_c2hjYm90_mAtRiXaCcEsStOkEn_0abc12";
export const MATRIX_ROOM = "!RoomIdAbc123:example.org";

/** An event the Matrix stand-in stored. */
export interface MatrixEvent {
  eventId: string;
  txnId: string;
  content: Record<string, unknown>;
}

/** What the Matrix stand-in stored (one event per transaction id). */
export interface MatrixReceiver extends Receiver {
  readonly events: MatrixEvent[];
}

/** Matrix: PUT /_matrix/client/v3/rooms/<room>/send/m.room.message/<txnId>; 200 `{event_id}`. */
export async function matrixReceiver(): Promise<MatrixReceiver> {
  const events: MatrixEvent[] = [];
  const r = await startReceiver(
    (req) => {
      const fail = (status: number, errcode: string, error: string) =>
        json(status, { errcode, error });
      const m = req.path.match(/^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/([^/]+)\/([^/]+)$/);
      if (!m) return fail(404, "M_UNRECOGNIZED", "Unrecognized request");
      if (req.method !== "PUT") return fail(405, "M_UNRECOGNIZED", "Unrecognized request");
      const auth = req.headers.get("authorization");
      if (!auth) return fail(401, "M_MISSING_TOKEN", "Missing access token");
      if (auth !== `Bearer ${MATRIX_TOKEN}`) {
        return fail(401, "M_UNKNOWN_TOKEN", "Invalid access token passed.");
      }
      const room = decodeURIComponent(m[1]);
      if (room !== MATRIX_ROOM) {
        return fail(403, "M_FORBIDDEN", `User @shc:example.org not in room ${room}`);
      }
      if (decodeURIComponent(m[2]) !== "m.room.message") {
        return fail(400, "M_UNKNOWN", "Unexpected event type");
      }
      const c = (isJson(req) ? req.json : null) as Record<string, unknown> | null;
      if (!c || typeof c.msgtype !== "string" || typeof c.body !== "string") {
        return fail(400, "M_BAD_JSON", "Content must have msgtype and body");
      }
      if (c.format !== undefined && c.format !== "org.matrix.custom.html") {
        return fail(400, "M_BAD_JSON", "Unknown format");
      }
      const txnId = decodeURIComponent(m[3]);
      // Idempotent per transaction id: a resend returns the first event.
      const seen = events.find((e) => e.txnId === txnId);
      if (seen) return json(200, { event_id: seen.eventId });
      const eventId = `$ev${events.length + 1}_${crypto.randomUUID().slice(0, 8)}`;
      events.push({ eventId, txnId, content: c });
      return json(200, { event_id: eventId });
    },
    (base) => ({ homeserver: base, access_token: MATRIX_TOKEN, room_id: MATRIX_ROOM }),
  );
  return Object.assign(r, { events });
}

/** Every kind's receiver, by kind name. */
export const RECEIVERS: Record<string, () => Promise<Receiver>> = {
  webhook: () => webhookReceiver(),
  slack: slackReceiver,
  discord: discordReceiver,
  telegram: telegramReceiver,
  teams: teamsReceiver,
  ntfy: ntfyReceiver,
  gotify: gotifyReceiver,
  pushover: pushoverReceiver,
  pagerduty: pagerdutyReceiver,
  matrix: matrixReceiver,
};

/** The status each service answers an accepted message with. */
export const SUCCESS_STATUS: Record<string, number> = {
  webhook: 200,
  slack: 200,
  discord: 204,
  telegram: 200,
  teams: 202,
  ntfy: 200,
  gotify: 200,
  pushover: 200,
  pagerduty: 202,
  matrix: 200,
};

/** The secret values in each receiver's config (must never appear in an error). */
export const RECEIVER_SECRETS: Record<string, string[]> = {
  webhook: [WEBHOOK_SECRET, WEBHOOK_BEARER],
  slack: [SLACK_TOKEN],
  discord: [DISCORD_TOKEN],
  telegram: [TELEGRAM_TOKEN, TELEGRAM_TOKEN.split(":")[1]],
  teams: [TEAMS_SIG],
  ntfy: [NTFY_TOKEN],
  gotify: [GOTIFY_TOKEN],
  pushover: [PUSHOVER_USER, PUSHOVER_TOKEN],
  pagerduty: [PAGERDUTY_KEY],
  matrix: [MATRIX_TOKEN],
};
