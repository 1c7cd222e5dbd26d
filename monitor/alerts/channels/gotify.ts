/**
 * Gotify (self-hosted): POST <server>/message with the application token in `X-Gotify-Key`
 * and `{title, message, priority, extras}` as JSON. Priority 8 (DOWN, reminders) wakes the
 * Android app, 5 (RECOVERED) is a normal notification. Gotify answers 200 with the stored
 * message; errors are `{"error":"Unauthorized","errorCode":401,"errorDescription":"…"}`.
 */
import {
  alertText,
  classifyAnswer,
  field,
  jsonOf,
  renderAlert,
  setting,
  USER_AGENT,
  validateFields,
} from "./common.ts";
import type { AlertEvent } from "./common.ts";
import type { ChannelField, ChannelKind } from "./spec.ts";

const FIELDS: readonly ChannelField[] = [
  {
    name: "server",
    label: "Server URL",
    type: "url",
    required: true,
    placeholder: "https://gotify.example.com",
  },
  {
    name: "token",
    label: "Application token",
    type: "secret",
    required: true,
    hint: "Gotify → Apps → Create Application → copy its token.",
  },
];

const PRIORITY: Record<AlertEvent, number> = {
  down: 8,
  reminder: 8,
  degraded: 6,
  warning: 6,
  recovered: 5,
  test: 5,
};

/** Gotify. */
export const gotify: ChannelKind = {
  kind: "gotify",
  label: "Gotify",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      const token = (c.token ?? "").trim();
      if (token && !/^[\x21-\x7e]+$/.test(token)) errors.token = "A token has no spaces.";
    }),
  request(f, config) {
    const r = renderAlert(f);
    const body = {
      title: r.title,
      message: alertText(r, { max: 8000 }),
      priority: PRIORITY[r.event],
      extras: {
        "client::display": { contentType: "text/plain" },
        "client::notification": { click: { url: r.dashboardUrl } },
      },
    };
    const server = setting(FIELDS, config, "server").replace(/\/+$/, "");
    return {
      url: `${server}/message`,
      method: "POST",
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Gotify-Key": setting(FIELDS, config, "token"),
      },
      body: JSON.stringify(body),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const j = jsonOf(body);
        const e = field(j, "error");
        const d = field(j, "errorDescription");
        if (typeof e !== "string") return null;
        return typeof d === "string" && d ? `${e}: ${d}` : e;
      },
    }),
};
