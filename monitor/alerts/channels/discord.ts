/**
 * Discord webhook (https://discord.com/api/webhooks/<id>/<token>): one embed with the colour,
 * the subject as title (linking to the dashboard) and the facts as fields. Mentions are
 * disabled, so a monitor named "@everyone" pings nobody. Discord answers 204 No Content;
 * errors are JSON `{"message": "…", "code": 50035, …}`, 429 with Retry-After.
 */
import {
  classifyAnswer,
  cut,
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
    name: "url",
    label: "Webhook URL",
    type: "url",
    required: true,
    secret: true,
    placeholder: "https://discord.com/api/webhooks/…/…",
    hint: "Channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.",
  },
];

/** Text with Discord markdown characters escaped. */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|\[\]<]/g, "\\$&").replace(/^([>#-])/gm, "\\$1");
}

/** Discord webhook. */
export const discord: ChannelKind = {
  kind: "discord",
  label: "Discord (webhook)",
  fields: FIELDS,
  validate: (config) => validateFields(FIELDS, config),
  request(f, config) {
    const r = renderAlert(f);
    // Embed limits: title 256, description 4096, 25 fields of name 256 / value 1024, 6000 total.
    const fields = r.rows.map(([k, v]) => ({
      name: cut(k, 256),
      value: cut(k === "URL" ? v : discordEscape(v), 1024),
      inline: v.length <= 40,
    }));
    if (r.appsTitle) {
      fields.push({
        name: cut(r.appsTitle, 256),
        value: cut(fitLines(r.apps, 900, 10).map((a) => `• ${discordEscape(a)}`).join("\n"), 1024),
        inline: false,
      });
    }
    const embed = {
      title: cut(r.title, 256),
      url: r.dashboardUrl,
      description: cut(
        `${discordEscape(r.headline)}\n[Open the dashboard](${r.dashboardUrl})`,
        2000,
      ),
      color: parseInt(r.color.slice(1), 16),
      fields: fields.slice(0, 25),
      timestamp: r.at,
      footer: { text: "Server Health Checker" },
    };
    return {
      url: setting(FIELDS, config, "url"),
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT },
      body: JSON.stringify({
        username: "Server Health Checker",
        allowed_mentions: { parse: [] },
        embeds: [embed],
      }),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const j = jsonOf(body);
        const msg = field(j, "message");
        if (typeof msg !== "string") return null;
        const code = field(j, "code");
        const errors = field(j, "errors");
        return `${msg}${typeof code === "number" ? ` (code ${code})` : ""}${
          errors ? ` ${JSON.stringify(errors)}` : ""
        }`;
      },
      bodyRetryAfterMs: (body) => {
        const s = field(jsonOf(body), "retry_after");
        return typeof s === "number" && s >= 0 ? Math.ceil(s * 1000) : undefined;
      },
    }),
};
