/**
 * Pushover: POST <api_url>/1/messages.json as a form with the application token, the user
 * (or group) key, title (250 characters), message (1024), priority (1 = high for DOWN and
 * reminders, 0 otherwise), the dashboard as supplementary URL and the event time. Pushover
 * answers 200 `{"status":1,"request":"…"}`; a 4xx `{"status":0,"errors":["…"]}` means the
 * request was refused for good.
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
import type { AlertEvent } from "./common.ts";
import type { ChannelField, ChannelKind } from "./spec.ts";

/** The public API. */
export const PUSHOVER_API = "https://api.pushover.net";

const FIELDS: readonly ChannelField[] = [
  {
    name: "user_key",
    label: "User or group key",
    type: "secret",
    required: true,
    hint: "Shown on your Pushover dashboard after login.",
  },
  {
    name: "app_token",
    label: "Application token",
    type: "secret",
    required: true,
    hint: "Pushover → Create an Application/API Token.",
  },
  {
    name: "device",
    label: "Device",
    type: "text",
    required: false,
    hint: "Optional: only this device (name) instead of all of them.",
  },
  {
    name: "api_url",
    label: "API server",
    type: "url",
    required: false,
    default: PUSHOVER_API,
    hint: "Leave empty.",
  },
];

const PRIORITY: Record<AlertEvent, string> = {
  down: "1",
  reminder: "1",
  degraded: "0",
  warning: "0",
  recovered: "0",
  test: "0",
};

/** Pushover. */
export const pushover: ChannelKind = {
  kind: "pushover",
  label: "Pushover",
  fields: FIELDS,
  validate: (config) =>
    validateFields(FIELDS, config, (c, errors) => {
      for (const name of ["user_key", "app_token"] as const) {
        const v = (c[name] ?? "").trim();
        if (v && !/^[A-Za-z0-9]{30}$/.test(v)) {
          errors[name] = "Pushover keys and tokens are 30 letters and digits.";
        }
      }
      const device = (c.device ?? "").trim();
      if (device && !/^[A-Za-z0-9_-]{1,25}(,[A-Za-z0-9_-]{1,25})*$/.test(device)) {
        errors.device = "Device names are up to 25 letters, digits, - or _ (comma-separated).";
      }
    }),
  request(f, config) {
    const r = renderAlert(f);
    const head = [r.headline, ...r.rows.map(([k, v]) => `${k}: ${v}`)].join("\n");
    const apps = r.appsTitle
      ? `\n\n${r.appsTitle}\n${
        fitLines(r.apps.map((a) => `- ${a}`), Math.max(100, 1000 - head.length)).join("\n")
      }`
      : "";
    const form = new URLSearchParams({
      token: setting(FIELDS, config, "app_token"),
      user: setting(FIELDS, config, "user_key"),
      title: cut(r.title, 250),
      message: cut(head + apps, 1024),
      priority: PRIORITY[r.event],
      url: cut(r.dashboardUrl, 512),
      url_title: "Open the dashboard",
      timestamp: String(Math.floor(Date.parse(r.at) / 1000)),
    });
    const device = setting(FIELDS, config, "device");
    if (device) form.set("device", device);
    const api = setting(FIELDS, config, "api_url").replace(/\/+$/, "");
    return {
      url: `${api}/1/messages.json`,
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "User-Agent": USER_AGENT,
      },
      body: form.toString(),
    };
  },
  classify: (a) =>
    classifyAnswer(a, {
      words: (body) => {
        const errors = field(jsonOf(body), "errors");
        return Array.isArray(errors) ? errors.map(String).join("; ") : null;
      },
      failedDespite2xx: (answer) => {
        const j = jsonOf(answer.body);
        const status = field(j, "status");
        if (status === undefined || status === 1) return null;
        const errors = field(j, "errors");
        return Array.isArray(errors) ? errors.map(String).join("; ") : answer.body;
      },
    }),
};
