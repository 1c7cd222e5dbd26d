/**
 * Slack incoming webhook (https://hooks.slack.com/services/T…/B…/…): `text` for the
 * notification, and a coloured attachment (red DOWN, green RECOVERED) holding Block Kit
 * sections. Slack answers 200 `ok`; failures are plain words (400 `invalid_payload`,
 * 403 `invalid_token`, 404 `no_service`, 410 `channel_is_archived`).
 */
import {
  cut,
  defaultClassify,
  fitLines,
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
    placeholder: "https://hooks.slack.com/services/T…/B…/…",
    hint:
      "Slack → Apps → Incoming Webhooks → Add New Webhook to Workspace. The URL is the credential.",
  },
];

/** Text for Slack mrkdwn: `& < >` escaped (Slack's only control characters). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack link `<url|label>`. */
function link(url: string, label: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${slackEscape(label)}>`;
}

/** Slack incoming webhook. */
export const slack: ChannelKind = {
  kind: "slack",
  label: "Slack (incoming webhook)",
  fields: FIELDS,
  validate: (config) => validateFields(FIELDS, config),
  request(f, config) {
    const r = renderAlert(f);
    // Section text is limited to 3000 characters.
    const details = r.rows.map(([k, v]) => `*${slackEscape(k)}:* ${slackEscape(v)}`).join("\n");
    const blocks: unknown[] = [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: cut(`*${slackEscape(r.title)}*\n${slackEscape(r.headline)}`, 3000),
        },
      },
      { type: "section", text: { type: "mrkdwn", text: cut(details, 3000) } },
    ];
    if (r.appsTitle) {
      const apps = fitLines(r.apps, 2500).map((a) => `• ${slackEscape(a)}`).join("\n");
      blocks.push({
        type: "section",
        text: { type: "mrkdwn", text: cut(`*${slackEscape(r.appsTitle)}*\n${apps}`, 3000) },
      });
    }
    blocks.push({
      type: "context",
      elements: [{
        type: "mrkdwn",
        text: `Server Health Checker · ${link(r.dashboardUrl, "Open the dashboard")}`,
      }],
    });
    const body = {
      text: r.title,
      attachments: [{ color: r.color, fallback: r.title, blocks }],
    };
    return {
      url: setting(FIELDS, config, "url"),
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT },
      body: JSON.stringify(body),
    };
  },
  classify: defaultClassify,
};
