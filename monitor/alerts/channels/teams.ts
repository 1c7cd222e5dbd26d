/**
 * Microsoft Teams through a Workflows (Power Automate) webhook, the "Send webhook alerts to a
 * channel" template: a message whose attachment is an Adaptive Card (version 1.4) with a
 * coloured title, the facts as a FactSet and an "Open the dashboard" button. The workflow
 * answers 202 Accepted (200 on some tenants).
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
    label: "Workflow webhook URL",
    type: "url",
    required: true,
    secret: true,
    placeholder: "https://….powerplatform.com/…/workflows/…/triggers/manual/paths/invoke?…",
    hint: 'In the channel: Workflows → "Send webhook alerts to a channel" → copy the URL.',
  },
];

/** Adaptive Card TextBlocks read a little markdown; keep names literal. */
function plain(text: string): string {
  return text.replace(/[\\*_~`\[\]]/g, "\\$&");
}

/** The Adaptive Card of an alert. */
export function adaptiveCard(r: ReturnType<typeof renderAlert>): Record<string, unknown> {
  const color = r.event === "recovered" ? "Good" : r.event === "test" ? "Warning" : "Attention";
  const body: unknown[] = [
    {
      type: "TextBlock",
      text: plain(r.title),
      size: "Large",
      weight: "Bolder",
      color,
      wrap: true,
    },
    { type: "TextBlock", text: plain(r.headline), wrap: true, spacing: "Small" },
    {
      type: "FactSet",
      facts: r.rows.map(([title, value]) => ({ title, value: cut(plain(value), 1000) })),
    },
  ];
  if (r.appsTitle) {
    body.push({ type: "TextBlock", text: plain(r.appsTitle), weight: "Bolder", wrap: true });
    body.push({
      type: "TextBlock",
      text: fitLines(r.apps, 3000).map((a) => `- ${plain(a)}`).join("\n"),
      wrap: true,
      spacing: "Small",
    });
  }
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    msteams: { width: "Full" },
    body,
    actions: [{ type: "Action.OpenUrl", title: "Open the dashboard", url: r.dashboardUrl }],
  };
}

/** Microsoft Teams (Workflows webhook). */
export const teams: ChannelKind = {
  kind: "teams",
  label: "Microsoft Teams (Workflows webhook)",
  fields: FIELDS,
  validate: (config) => validateFields(FIELDS, config),
  request(f, config) {
    const r = renderAlert(f);
    const body = {
      type: "message",
      summary: r.title,
      attachments: [{
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: adaptiveCard(r),
      }],
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
