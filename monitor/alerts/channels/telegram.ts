/**
 * Telegram bot: POST <api_url>/bot<token>/sendMessage with `parse_mode: "HTML"` (only `& < > "`
 * need escaping there; every text from a monitor is escaped). Telegram answers
 * `{"ok":true,"result":{…}}`; failures are `{"ok":false,"error_code":400,"description":"Bad
 * Request: chat not found"}`, and 429 carries `parameters.retry_after` (seconds).
 */
import {
  classifyAnswer,
  cut,
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

/** The public Bot API. */
export const TELEGRAM_API = "https://api.telegram.org";

const FIELDS: readonly ChannelField[] = [
  {
    name: "bot_token",
    label: "Bot token",
    type: "secret",
    required: true,
    placeholder: "123456789:AA…",
    hint: "From @BotFather (/newbot).",
  },
  {
    name: "chat_id",
    label: "Chat ID",
    type: "text",
    required: true,
    placeholder: "-1001234567890 or @channelname",
    hint: "A user, group or channel the bot may post to (groups start with -).",
  },
  {
    name: "message_thread_id",
    label: "Topic ID",
    type: "text",
    required: false,
    hint: "Optional: the forum topic of a supergroup.",
  },
  {
    name: "api_url",
    label: "Bot API server",
    type: "url",
    required: false,
    default: TELEGRAM_API,
    hint: "Only for a self-hosted Bot API server.",
  },
];

// Telegram's limit is 4096 characters of text after entities are parsed; keep a margin.
const MAX_TEXT = 3900;

/** The HTML text of a Telegram message. */
export function telegramHtml(r: ReturnType<typeof renderAlert>): string {
  const b = (s: string) => `<b>${escapeHtml(s)}</b>`;
  const head = [`${r.icon} ${b(r.title)}`, escapeHtml(r.headline), ""];
  const rows = r.rows.map(([k, v]) => `${b(`${k}:`)} ${escapeHtml(v)}`);
  const link = `<a href="${escapeHtml(r.dashboardUrl)}">Open the dashboard</a>`;
  const fixed = [...head, ...rows, "", link].join("\n").length;
  const apps = r.appsTitle
    ? [
      "",
      b(r.appsTitle),
      ...fitLines(r.apps.map((a) => `• ${a}`), Math.max(0, MAX_TEXT - fixed - 200))
        .map(escapeHtml),
    ]
    : [];
  return [...head, ...rows, ...apps, "", link].join("\n");
}

/** Telegram bot. */
export const telegram: ChannelKind = {
  kind: "telegram",
  label: "Telegram (bot)",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const token = (c.bot_token ?? "").trim();
      if (token && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(token)) {
        errors.bot_token = "A bot token looks like 123456789:AAE… (digits, a colon, then letters).";
      }
      const chat = (c.chat_id ?? "").trim();
      if (chat && !/^-?\d{1,20}$/.test(chat) && !/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(chat)) {
        errors.chat_id = "Enter a numeric chat ID (e.g. -1001234567890) or a @channelname.";
      }
      const topic = (c.message_thread_id ?? "").trim();
      if (topic && !/^\d{1,12}$/.test(topic)) errors.message_thread_id = "A topic ID is a number.";
    }),
  request(f, config) {
    const r = renderAlert(f);
    const chat = setting(FIELDS, config, "chat_id");
    const topic = setting(FIELDS, config, "message_thread_id");
    const body: Record<string, unknown> = {
      chat_id: /^-?\d+$/.test(chat) ? Number(chat) : chat,
      text: telegramHtml(r),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    };
    if (topic) body.message_thread_id = Number(topic);
    const api = setting(FIELDS, config, "api_url").replace(/\/+$/, "");
    return {
      url: `${api}/bot${setting(FIELDS, config, "bot_token")}/sendMessage`,
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT },
      body: JSON.stringify(body),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const d = field(jsonOf(body), "description");
        return typeof d === "string" ? d : null;
      },
      bodyRetryAfterMs: (body) => {
        const s = field(field(jsonOf(body), "parameters"), "retry_after");
        return typeof s === "number" && s >= 0 ? s * 1000 : undefined;
      },
      failedDespite2xx: (answer) => {
        const j = jsonOf(answer.body);
        if (field(j, "ok") !== false) return null;
        const d = field(j, "description");
        return cut(typeof d === "string" ? d : answer.body, 300);
      },
    }),
};
