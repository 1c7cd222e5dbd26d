/**
 * ntfy (https://ntfy.sh or a self-hosted server): POST <server>/<topic> with the plain-text
 * message as body and Title, Priority, Tags and Click headers (non-ASCII titles RFC 2047
 * encoded, which ntfy decodes). An access token goes in `Authorization: Bearer`. ntfy answers
 * 200 with the message as JSON; errors are `{"code":40301,"http":403,"error":"forbidden",…}`.
 */
import {
  classifyAnswer,
  encodeHeaderWord,
  field,
  fitLines,
  jsonOf,
  renderAlert,
  setting,
  USER_AGENT,
  validateFields,
} from "./common.ts";
import type { AlertEvent } from "./common.ts";
import type { ChannelField, ChannelKind } from "./spec.ts";

/** The public server. */
export const NTFY_SERVER = "https://ntfy.sh";

const FIELDS: readonly ChannelField[] = [
  {
    name: "server",
    label: "Server",
    type: "url",
    required: false,
    default: NTFY_SERVER,
    hint: "Leave empty for ntfy.sh.",
  },
  {
    name: "topic",
    label: "Topic",
    type: "text",
    required: true,
    placeholder: "shc-alerts-8f3k2",
    hint: "On ntfy.sh anyone who knows the topic can read it: pick something hard to guess.",
  },
  {
    name: "token",
    label: "Access token",
    type: "secret",
    required: false,
    placeholder: "tk_…",
    hint: "Only for protected topics.",
  },
];

const PRIORITY: Record<AlertEvent, string> = {
  down: "high",
  reminder: "high",
  degraded: "default",
  warning: "default",
  recovered: "default",
  test: "default",
};

const TAGS: Record<AlertEvent, string> = {
  down: "rotating_light",
  reminder: "rotating_light,repeat",
  degraded: "snail",
  warning: "warning,lock",
  recovered: "white_check_mark",
  test: "test_tube",
};

// A message over 4096 bytes becomes an attachment on ntfy; stay well under.
const MAX_BYTES = 3800;

/** `text` cut to at most `max` UTF-8 bytes, on a character boundary, with "…" when cut. */
export function cutBytes(text: string, max: number): string {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= max) return text;
  let out = "";
  let used = 3; // the ellipsis
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out + "…";
}

/** ntfy. */
export const ntfy: ChannelKind = {
  kind: "ntfy",
  label: "ntfy",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const topic = (c.topic ?? "").trim();
      if (topic && !/^[-_A-Za-z0-9]{1,64}$/.test(topic)) {
        errors.topic = "A topic is 1 to 64 letters, digits, - or _.";
      }
      const token = (c.token ?? "").trim();
      if (token && !/^[\x21-\x7e]+$/.test(token)) errors.token = "A token has no spaces.";
    }),
  request(f, config) {
    const r = renderAlert(f);
    const head = [r.headline, ...r.rows.map(([k, v]) => `${k}: ${v}`)];
    const room = MAX_BYTES - new TextEncoder().encode(head.join("\n")).length - 200;
    const lines = [
      ...head,
      ...(r.appsTitle
        ? ["", r.appsTitle, ...fitLines(r.apps.map((a) => `- ${a}`), Math.max(0, room / 2))]
        : []),
      "",
      `Dashboard: ${r.dashboardUrl}`,
    ];
    const headers: Record<string, string> = {
      "Content-Type": "text/plain; charset=utf-8",
      "User-Agent": USER_AGENT,
      Title: encodeHeaderWord(r.title),
      Priority: PRIORITY[r.event],
      Tags: TAGS[r.event],
      Click: r.dashboardUrl,
    };
    const token = setting(FIELDS, config, "token");
    if (token) headers.Authorization = `Bearer ${token}`;
    const server = setting(FIELDS, config, "server").replace(/\/+$/, "");
    return {
      url: `${server}/${encodeURIComponent(setting(FIELDS, config, "topic"))}`,
      method: "POST",
      headers,
      body: cutBytes(lines.join("\n"), MAX_BYTES),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const e = field(jsonOf(body), "error");
        return typeof e === "string" ? e : null;
      },
    }),
};
