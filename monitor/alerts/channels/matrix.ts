/**
 * Matrix: PUT <homeserver>/_matrix/client/v3/rooms/<room>/send/m.room.message/<txnId> with the
 * access token as `Authorization: Bearer`. The transaction id derives from the outbox row's
 * idempotency key, so a resend after a crash is recognised by the homeserver and posted once.
 * The event has a plain `body` and an HTML `formatted_body` (every monitor text escaped). The
 * homeserver answers 200 `{"event_id":"$…"}`; errors are `{"errcode":"M_FORBIDDEN","error":"…"}`,
 * 429 `M_LIMIT_EXCEEDED` with `retry_after_ms`.
 */
import {
  alertText,
  classifyAnswer,
  escapeHtml,
  field,
  fitLines,
  jsonOf,
  renderAlert,
  setting,
  USER_AGENT,
  validateFields,
} from "./common.ts";
import type { ChannelField, ChannelKind } from "./spec.ts";

const FIELDS: readonly ChannelField[] = [
  {
    name: "homeserver",
    label: "Homeserver URL",
    type: "url",
    required: true,
    placeholder: "https://matrix.example.org",
  },
  {
    name: "access_token",
    label: "Access token",
    type: "secret",
    required: true,
    hint: "Of a bot account that has joined the room (Element: Settings → Help & About).",
  },
  {
    name: "room_id",
    label: "Room ID",
    type: "text",
    required: true,
    placeholder: "!AbCdEf123:example.org",
    hint: "Room settings → Advanced → Internal room ID (not the #alias).",
  },
];

/** The transaction id of an idempotency key: same key, same id. */
export function matrixTxnId(idempotencyKey: string): string {
  return `shc-${
    idempotencyKey.replace(/[^A-Za-z0-9._~-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)
  }`;
}

/** The HTML `formatted_body` of an alert. */
export function matrixHtml(r: ReturnType<typeof renderAlert>): string {
  const rows = r.rows.map(([k, v]) => `<b>${escapeHtml(k)}:</b> ${escapeHtml(v)}`).join("<br>");
  const apps = r.appsTitle
    ? `<p><b>${escapeHtml(r.appsTitle)}</b></p><ul>${
      fitLines(r.apps, 20_000, 50).map((a) => `<li>${escapeHtml(a)}</li>`).join("")
    }</ul>`
    : "";
  const color = escapeHtml(r.color);
  return `<p>${r.icon} <b><font color="${color}">${escapeHtml(r.title)}</font></b><br>${
    escapeHtml(r.headline)
  }</p><p>${rows}</p>${apps}<p><a href="${escapeHtml(r.dashboardUrl)}">Open the dashboard</a></p>`;
}

/** Matrix. */
export const matrix: ChannelKind = {
  kind: "matrix",
  label: "Matrix",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const room = (c.room_id ?? "").trim();
      if (room.startsWith("#")) {
        errors.room_id = "This is a room alias; enter the room ID (starts with !) instead.";
      } else if (room && !/^![\x21-\x7e]+$/.test(room)) {
        errors.room_id = "A room ID starts with ! (e.g. !AbCdEf123:example.org).";
      }
      const token = (c.access_token ?? "").trim();
      if (token && !/^[\x21-\x7e]+$/.test(token)) errors.access_token = "A token has no spaces.";
    }),
  request(f, config, { idempotencyKey }) {
    const r = renderAlert(f);
    const body = {
      msgtype: "m.text",
      body: alertText(r, { max: 20_000, title: true }),
      format: "org.matrix.custom.html",
      formatted_body: matrixHtml(r),
    };
    const hs = setting(FIELDS, config, "homeserver").replace(/\/+$/, "");
    const room = encodeURIComponent(setting(FIELDS, config, "room_id"));
    return {
      url: `${hs}/_matrix/client/v3/rooms/${room}/send/m.room.message/${
        encodeURIComponent(matrixTxnId(idempotencyKey))
      }`,
      method: "PUT",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        Authorization: `Bearer ${setting(FIELDS, config, "access_token")}`,
      },
      body: JSON.stringify(body),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const j = jsonOf(body);
        const code = field(j, "errcode");
        const error = field(j, "error");
        if (typeof code !== "string") return null;
        return typeof error === "string" ? `${code}: ${error}` : code;
      },
      bodyRetryAfterMs: (body) => {
        const ms = field(jsonOf(body), "retry_after_ms");
        return typeof ms === "number" && ms >= 0 ? ms : undefined;
      },
    }),
};
